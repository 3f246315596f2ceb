package io.portwatch.churnbudget;

import io.portwatch.track.ConnectionEnd;
import io.portwatch.track.ConnectionRecord;
import io.portwatch.track.ConnectionSink;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The recording scopes open right now, and the counting for them: the tracker's observer
 * ({@link io.portwatch.track.Tracker#observer}), so it runs on the tracker thread as each
 * outgoing connection completes, fails or is closed, never on an application thread. With no
 * scope open it costs one volatile read per connection.
 *
 * <p>Opening and closing scopes is rare (once per test), so it takes a lock; counting reads the
 * current array without one.
 */
public final class Scopes implements ConnectionSink {

    /** Scopes never closed would be counted forever: past this many, no more open. */
    static final int MAX_OPEN = 1000;

    private static final Scope[] NONE = new Scope[0];

    private final AtomicLong ids = new AtomicLong();
    private volatile Scope[] open = NONE;

    /** A new scope, or null when {@link #MAX_OPEN} are open already. */
    synchronized Scope open(boolean wholeRun, long dropped, long untracked) {
        Scope[] now = open;
        if (now.length >= MAX_OPEN) {
            return null;
        }
        Scope s = new Scope(ids.incrementAndGet(), System.nanoTime(), wholeRun, dropped, untracked);
        if (!wholeRun) {
            for (Scope other : now) {
                if (!other.wholeRun) {
                    other.overlapped();
                    s.overlapped();
                }
            }
        }
        Scope[] next = Arrays.copyOf(now, now.length + 1);
        next[now.length] = s;
        open = next;
        return s;
    }

    synchronized Scope find(long id) {
        for (Scope s : open) {
            if (s.id == id) {
                return s;
            }
        }
        return null;
    }

    /** Stops counting for {@code scope}; its counts stay readable. */
    synchronized void remove(Scope scope) {
        Scope[] now = open;
        int i = Arrays.asList(now).indexOf(scope);
        if (i < 0) {
            return;
        }
        Scope[] next = new Scope[now.length - 1];
        System.arraycopy(now, 0, next, 0, i);
        System.arraycopy(now, i + 1, next, i, now.length - i - 1);
        open = next;
    }

    @Override
    public void opened(ConnectionRecord r) {
        Scope[] scopes = open;
        if (scopes.length == 0 || r.direction != ConnectionRecord.Direction.OUTGOING) {
            return;
        }
        ScopeDestination destination = null;
        for (Scope s : scopes) {
            if (s.covers(r.connectedNanos())) {
                if (destination == null) destination = ScopeDestination.of(r);
                s.connected(destination, r.callSite == null ? null : r.callSite.toString());
            }
        }
    }

    @Override
    public void ended(ConnectionRecord r) {
        Scope[] scopes = open;
        if (scopes.length == 0 || r.direction != ConnectionRecord.Direction.OUTGOING) {
            return;
        }
        boolean failed = r.failed();
        if (!failed && r.end() != ConnectionEnd.CLOSED) {
            return; // collected, abandoned or open at exit: not a close
        }
        long when = failed ? r.connectedNanos() : r.endNanos();
        ScopeDestination destination = null;
        for (Scope s : scopes) {
            if (s.covers(when)) {
                if (destination == null) destination = ScopeDestination.of(r);
                if (failed) {
                    s.failed(destination);
                } else {
                    // The JVM's view at the close: the kernel's word comes later, on the reporter.
                    s.closed(destination, r.jvmCloser());
                }
            }
        }
    }
}
