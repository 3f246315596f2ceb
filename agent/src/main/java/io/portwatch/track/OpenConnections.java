package io.portwatch.track;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The records of connections still open, keyed by the identity of their socket, channel or JDBC
 * connection, held weakly so that one the application forgot (never closed) can still be garbage
 * collected. Tracker thread only: no locks, and lookups allocate nothing.
 *
 * <p>A hash table of its own rather than a {@code HashMap} of weak keys: one object per connection
 * (the weak reference carries the record and the chain) instead of two, 40 bytes instead of 64.
 * It is kept for every open connection, so this is most of what the agent's heap grows by with
 * the number of open connections (HeapPerConnectionBench in the benchmarks module measures it).
 */
final class OpenConnections<R> {

    private static final int INITIAL_CAPACITY = 16;

    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
    private final int limit;
    private Entry<R>[] table = newTable(INITIAL_CAPACITY);
    /** Entries in the table, those whose connection was collected but not yet expunged included. */
    private int size;

    OpenConnections(int limit) {
        this.limit = limit;
    }

    /** Adds a record (replacing the connection's previous one); false when the limit is reached (the connection goes untracked). */
    boolean put(Object connection, R record) {
        if (size >= limit) {
            return false;
        }
        int hash = hash(connection);
        int i = hash & (table.length - 1);
        for (Entry<R> e = table[i]; e != null; e = e.next) {
            if (e.hash == hash && e.get() == connection) {
                e.record = record;
                return true;
            }
        }
        table[i] = new Entry<>(connection, collected, hash, record, table[i]);
        if (++size > table.length - (table.length >>> 2)) { // load factor 0.75, as HashMap's
            grow();
        }
        return true;
    }

    R get(Object connection) {
        int hash = hash(connection);
        for (Entry<R> e = table[hash & (table.length - 1)]; e != null; e = e.next) {
            if (e.hash == hash && e.get() == connection) {
                return e.record;
            }
        }
        return null;
    }

    R remove(Object connection) {
        int hash = hash(connection);
        int i = hash & (table.length - 1);
        for (Entry<R> e = table[i], prev = null; e != null; prev = e, e = e.next) {
            if (e.hash == hash && e.get() == connection) {
                return unlink(i, prev, e);
            }
        }
        return null;
    }

    int size() {
        return size;
    }

    /** Removes and returns the records whose socket was garbage collected without a close. */
    List<R> expungeCollected() {
        List<R> gone = null;
        for (Reference<?> ref; (ref = collected.poll()) != null; ) {
            @SuppressWarnings("unchecked")
            Entry<R> cleared = (Entry<R>) ref;
            int i = cleared.hash & (table.length - 1);
            for (Entry<R> e = table[i], prev = null; e != null; prev = e, e = e.next) {
                if (e == cleared) { // still in the table: not removed in the meantime
                    R r = unlink(i, prev, e);
                    if (gone == null) gone = new ArrayList<>();
                    gone.add(r);
                    break;
                }
            }
        }
        return gone == null ? List.of() : gone;
    }

    /** Removes and returns every record. */
    List<R> removeAll() {
        List<R> all = new ArrayList<>(size);
        for (Entry<R> head : table) {
            for (Entry<R> e = head; e != null; e = e.next) {
                all.add(e.record);
                e.clear(); // not enqueued later: it is no longer ours to expunge
            }
        }
        Arrays.fill(table, null);
        size = 0;
        return all;
    }

    private R unlink(int i, Entry<R> prev, Entry<R> e) {
        if (prev == null) {
            table[i] = e.next;
        } else {
            prev.next = e.next;
        }
        size--;
        R r = e.record;
        e.record = null;
        e.next = null;
        e.clear();
        return r;
    }

    private void grow() {
        Entry<R>[] old = table;
        Entry<R>[] bigger = newTable(old.length * 2);
        for (Entry<R> head : old) {
            for (Entry<R> e = head, next; e != null; e = next) {
                next = e.next;
                int i = e.hash & (bigger.length - 1);
                e.next = bigger[i];
                bigger[i] = e;
            }
        }
        table = bigger;
    }

    /** Identity hash codes spread like HashMap's keys, the high bits folded into the low ones. */
    private static int hash(Object connection) {
        int h = System.identityHashCode(connection);
        return h ^ (h >>> 16);
    }

    @SuppressWarnings("unchecked")
    private static <R> Entry<R>[] newTable(int capacity) {
        return (Entry<R>[]) new Entry<?>[capacity];
    }

    /**
     * The connection, weakly, with its record and the next entry of its bucket. A cleared entry
     * keeps its hash, so that {@link #expungeCollected} still finds its bucket.
     */
    private static final class Entry<R> extends WeakReference<Object> {
        final int hash;
        R record;
        Entry<R> next;

        Entry(Object connection, ReferenceQueue<Object> queue, int hash, R record, Entry<R> next) {
            super(connection, queue);
            this.hash = hash;
            this.record = record;
            this.next = next;
        }
    }
}
