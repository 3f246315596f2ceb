package io.portwatch.track;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Channels closed while their non-blocking connect was pending, kept a moment: a failing connect
 * closes its channel before the failure is reported, and the failure event must still find the
 * record. Those whose failure never comes are given up as abandoned. Tracker thread only.
 */
final class ClosedWhileConnecting {

    /** How long a channel closed inside a non-blocking connect may wait for its failure event. */
    static final long ABANDON_AFTER_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final List<Waiting> waiting = new ArrayList<>();
    private final int max;

    ClosedWhileConnecting(int max) {
        this.max = max;
    }

    /** Keeps {@code record} (its end time set) for its failure event; false when full. */
    boolean hold(Object connection, ConnectionRecord record) {
        if (waiting.size() >= max) return false;
        waiting.add(new Waiting(connection, record));
        return true;
    }

    /** The record held for {@code connection}, removed; or null. */
    ConnectionRecord take(Object connection) {
        for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            if (w.connection.get() == connection) {
                it.remove();
                return w.record;
            }
        }
        return null;
    }

    /** Ends as abandoned, and hands to {@code ended}, those that waited too long ({@code all}: every one). */
    void abandon(long now, boolean all, RecordHandOff ended) {
        for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
            ConnectionRecord r = it.next().record;
            if (all || now - r.endNanos > ABANDON_AFTER_NANOS) {
                it.remove();
                r.end(ConnectionEnd.ABANDONED, r.endNanos);
                ended.ended(r);
            }
        }
    }

    private static final class Waiting {
        final WeakReference<Object> connection;
        final ConnectionRecord record;

        Waiting(Object connection, ConnectionRecord record) {
            this.connection = new WeakReference<>(connection);
            this.record = record;
        }
    }
}
