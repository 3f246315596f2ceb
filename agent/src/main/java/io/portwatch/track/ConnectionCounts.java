package io.portwatch.track;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Running totals of ended connections: outgoing and accepted, by closer, and failed connects by
 * error. Not thread-safe: written on the reporter thread; its owner guards reads from others.
 */
public final class ConnectionCounts implements ConnectionSink {

    private final EnumMap<Closer, Long> byCloser = new EnumMap<>(Closer.class);
    /** Keyed by error type (a few dozen at most: {@link ConnectErrors} names them). */
    private final Map<String, Long> failures = new TreeMap<>();
    private long outgoing;
    private long accepted;
    /** Closers the kernel's tables confirmed ({@link ConnectionRecord#closerSource()}). */
    private long closerConfirmed;

    @Override
    public void ended(ConnectionRecord r) {
        if (r.failed()) {
            failures.merge(r.errorType(), 1L, Long::sum);
            return;
        }
        byCloser.merge(r.closer(), 1L, Long::sum);
        if ("kernel".equals(r.closerSource())) closerConfirmed++;
        if (r.direction == ConnectionRecord.Direction.ACCEPTED) {
            accepted++;
        } else {
            outgoing++;
        }
    }

    public long outgoing() { return outgoing; }
    public long accepted() { return accepted; }
    public long closedBy(Closer c) { return byCloser.getOrDefault(c, 0L); }
    public long closerConfirmed() { return closerConfirmed; }
    public Map<String, Long> failures() { return failures; }

    /** A copy, for reading on another thread. */
    public ConnectionCounts copy() {
        ConnectionCounts c = new ConnectionCounts();
        c.byCloser.putAll(byCloser);
        c.failures.putAll(failures);
        c.outgoing = outgoing;
        c.accepted = accepted;
        c.closerConfirmed = closerConfirmed;
        return c;
    }
}
