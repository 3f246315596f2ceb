package io.portwatch.churnbudget;

import io.portwatch.bootstrap.Recordings;
import io.portwatch.track.Tracker;

import java.util.concurrent.TimeUnit;

/**
 * The agent's side of {@link Recordings}: opens scopes, and closes them behind a barrier, so that
 * every event raised before the close is counted, or the answer says how many were not.
 */
public final class AgentRecordings extends Recordings {

    private final Scopes scopes;
    private final Tracker tracker;

    public AgentRecordings(Scopes scopes, Tracker tracker) {
        this.scopes = scopes;
        this.tracker = tracker;
    }

    @Override
    protected long openScope() {
        Scope s = open(false);
        return s == null ? -2 : s.id;
    }

    /** A scope that starts now; null when too many are open. */
    Scope open(boolean wholeRun) {
        return scopes.open(wholeRun, tracker.droppedEvents(), tracker.untrackedConnections());
    }

    @Override
    protected Object[] closeScope(long id, long timeoutMillis) {
        Scope s = scopes.find(id);
        return s == null ? null : close(s, timeoutMillis);
    }

    /**
     * Like {@link #close}, once every shutdown hook has run: first counts what came after the
     * tracker stopped (connections the application's hooks opened and closed).
     */
    Object[] closeAtExit(Scope s, long timeoutMillis) {
        tracker.drainAfterStop();
        return close(s, timeoutMillis);
    }

    /** Ends {@code s} now, waits for the tracker, and returns the protocol's answer. */
    Object[] close(Scope s, long timeoutMillis) {
        s.close(System.nanoTime());
        long t0 = System.nanoTime();
        long pending = tracker.awaitHandled(TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis)));
        long waited = System.nanoTime() - t0;
        scopes.remove(s);
        long[] status = {
                pending,
                tracker.droppedEvents() - s.droppedAtOpen,
                tracker.untrackedConnections() - s.untrackedAtOpen,
                s.overlapping(),
                waited,
                s.durationNanos()};
        return new Object[] {status, s.counts(), s.callSites(), s.destinations()};
    }
}
