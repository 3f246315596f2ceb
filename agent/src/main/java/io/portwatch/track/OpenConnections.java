package io.portwatch.track;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The records of connections still open, keyed by the identity of their socket, channel or JDBC
 * connection, held weakly so that one the application forgot (never closed) can still be garbage
 * collected. Tracker thread only: no locks, and lookups reuse one probe key instead of allocating.
 */
final class OpenConnections<R> {

    private final Map<Object, R> records = new HashMap<>();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
    private final Probe probe = new Probe();
    private final int limit;

    OpenConnections(int limit) {
        this.limit = limit;
    }

    /** Adds a record; false when the limit is reached (the connection goes untracked). */
    boolean put(Object connection, R record) {
        if (records.size() >= limit) {
            return false;
        }
        records.put(new Key(connection, collected), record);
        return true;
    }

    R get(Object connection) {
        try {
            return records.get(probe.of(connection));
        } finally {
            probe.referent = null; // the probe must not keep a socket alive
        }
    }

    R remove(Object connection) {
        try {
            return records.remove(probe.of(connection));
        } finally {
            probe.referent = null;
        }
    }

    int size() {
        return records.size();
    }

    /** Removes and returns the records whose socket was garbage collected without a close. */
    List<R> expungeCollected() {
        List<R> gone = null;
        for (Object ref; (ref = collected.poll()) != null; ) {
            R r = records.remove(ref); // a cleared Key equals only itself
            if (r != null) {
                if (gone == null) gone = new ArrayList<>();
                gone.add(r);
            }
        }
        return gone == null ? List.of() : gone;
    }

    /** Removes and returns every record. */
    List<R> removeAll() {
        List<R> all = new ArrayList<>(records.values());
        records.clear();
        return all;
    }

    private static final class Key extends WeakReference<Object> {
        private final int hash;

        Key(Object referent, ReferenceQueue<Object> queue) {
            super(referent, queue);
            this.hash = System.identityHashCode(referent);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (o == this) return true;
            Object mine = get();
            return mine != null && o instanceof Key && ((Key) o).get() == mine;
        }
    }

    /** A reusable lookup key; HashMap calls {@code probe.equals(storedKey)}. */
    private static final class Probe {
        private Object referent;
        private int hash;

        Probe of(Object referent) {
            this.referent = referent;
            this.hash = System.identityHashCode(referent);
            return this;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && ((Key) o).get() == referent;
        }
    }
}
