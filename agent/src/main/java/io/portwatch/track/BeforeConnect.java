package io.portwatch.track;

/**
 * What was done to sockets before they connected: {@code SO_LINGER} 0 (often set before
 * {@code connect()}) and {@code bind()}; weakly held, like the records, and handed to a
 * connection's record when it is tracked. Tracker thread only.
 */
final class BeforeConnect {

    static final int LINGER_ZERO = 1;
    static final int BOUND = 2;

    private final OpenConnections<Integer> flags;

    BeforeConnect(int max) {
        this.flags = new OpenConnections<>(max);
    }

    /** Sets or clears {@code flag} for a socket not connected yet. */
    void mark(Object connection, int flag, boolean set) {
        Integer old = flags.get(connection);
        int now = old == null ? 0 : old;
        now = set ? now | flag : now & ~flag;
        if (now == 0) {
            flags.remove(connection);
        } else {
            flags.put(connection, now);
        }
    }

    /** Moves what was done to {@code connection} before it connected onto its record. */
    void applyTo(Object connection, ConnectionRecord r) {
        Integer before = flags.remove(connection);
        if (before != null) {
            r.lingerZero((before & LINGER_ZERO) != 0);
            r.boundBeforeConnect = (before & BOUND) != 0;
        }
    }
}
