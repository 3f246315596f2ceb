package io.portwatch.export;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The items of one signal (spans, log records) waiting for the {@link ExportLoop}: bounded, so
 * that a collector down, hanging or slow costs at most this many items' memory; what does not fit
 * is dropped and counted. A ring buffer under the queue's monitor, uncontended almost always (one
 * producer, the reporter thread; one consumer, the export thread), and safe for any number of
 * either.
 *
 * <p>{@link #room()} lets a producer skip building an item the queue has no room for: at high
 * connection rates, building spans is most of what the agent costs, and one that would be dropped
 * is not worth it. It can keep a reserve for items built without asking (a JDBC connection's span,
 * which its sockets' spans already name as their parent; a warning's span).
 */
public final class BatchQueue<T> {

    private final Object[] items;
    private final int roomLimit;
    private int head;
    private int size;
    private long offered;
    private long dropped;
    private long notBuilt;
    /** Woken when the queue reaches {@link #wakeSize} items: a full batch is there. */
    private Thread consumer;
    private int wakeSize = Integer.MAX_VALUE;

    /** A queue of {@code capacity} items, all of which {@link #room()} offers. */
    public BatchQueue(int capacity) {
        this(capacity, 0);
    }

    /**
     * A queue of {@code capacity} items, whose {@link #room()} says no once
     * {@code capacity - reserve} are waiting.
     */
    public BatchQueue(int capacity, int reserve) {
        items = new Object[Math.max(1, capacity)];
        roomLimit = Math.max(1, items.length - Math.max(0, reserve));
    }

    /** Queues {@code item}; false when the queue is full (the item is dropped, and counted). */
    public boolean offer(T item) {
        if (item == null) return false;
        Thread wake = null;
        synchronized (this) {
            offered++;
            if (size == items.length) {
                dropped++;
                return false;
            }
            items[(head + size) % items.length] = item;
            size++;
            if (size == wakeSize) wake = consumer;
        }
        // Outside the monitor: the consumer, woken, takes it at once.
        if (wake != null) LockSupport.unpark(wake);
        return true;
    }

    /**
     * Whether an item built now would find room (less the reserve); when not, the item is taken
     * as not built, and counted ({@link #notBuilt()}): ask only when about to build one.
     */
    public synchronized boolean room() {
        if (size < roomLimit) return true;
        notBuilt++;
        return false;
    }

    /** Moves up to {@code max} items, oldest first, to {@code to}; returns how many. */
    public synchronized int drain(List<? super T> to, int max) {
        int n = Math.min(max, size);
        for (int i = 0; i < n; i++) {
            @SuppressWarnings("unchecked")
            T item = (T) items[head];
            items[head] = null;
            head = (head + 1) % items.length;
            to.add(item);
        }
        size -= n;
        return n;
    }

    /** Items waiting. */
    public synchronized int size() {
        return size;
    }

    public int capacity() {
        return items.length;
    }

    /** Items offered, the dropped ones included. */
    public synchronized long offered() {
        return offered;
    }

    /** Items dropped because the queue was full. */
    public synchronized long dropped() {
        return dropped;
    }

    /** Items not built because {@link #room()} said no. */
    public synchronized long notBuilt() {
        return notBuilt;
    }

    /** Wakes {@code thread} ({@link LockSupport#unpark}) whenever an offer makes {@code size} items wait. */
    synchronized void wakeAt(int size, Thread thread) {
        this.wakeSize = Math.max(1, size);
        this.consumer = thread;
    }
}
