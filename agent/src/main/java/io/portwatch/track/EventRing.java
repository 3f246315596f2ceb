package io.portwatch.track;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A bounded multi-producer, single-consumer queue of reused {@link Event} slots.
 *
 * <p>Application threads claim a slot with one compare-and-set, fill it and publish it; they never
 * block, and allocate only the first time a slot is used. When the ring is full the event is
 * dropped and counted: losing a record is better than slowing the application. The tracker thread
 * drains slots in sequence order, so the events of one thread keep their order.
 *
 * <p>A producer must publish every slot it claimed, whatever happens, or the consumer waits at
 * that slot: callers do all the work that can fail before {@link #claim()}.
 */
final class EventRing {

    /**
     * Filled as the ring is first used: an event allocated for a slot the first time it is claimed,
     * then reused for good. A JVM that makes few connections never pays for the whole ring (16,384
     * events, 1.7 MB by default); one that churns has it whole after its first lap, and from then
     * on its application threads allocate nothing here.
     */
    private final AtomicReferenceArray<Event> slots;
    private final int mask;
    private final AtomicLong claimed = new AtomicLong();
    /** Sequence of the next slot the consumer will read; every slot before it is free again. */
    private volatile long consumed;
    private final LongAdder dropped = new LongAdder();

    EventRing(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring capacity must be a power of two, got " + capacity);
        }
        slots = new AtomicReferenceArray<>(capacity);
        mask = capacity - 1;
    }

    /**
     * Claims the next slot: returns its sequence, to fill through {@link #slot} and then
     * {@link #publish}, or -1 when the ring is full (the event is dropped and counted).
     */
    long claim() {
        long seq;
        do {
            seq = claimed.get();
            if (seq - consumed >= slots.length()) {
                dropped.increment();
                return -1;
            }
        } while (!claimed.compareAndSet(seq, seq + 1));
        return seq;
    }

    /** The event of a claimed slot: the claimer owns it until it publishes it. */
    Event slot(long seq) {
        int i = (int) seq & mask;
        Event e = slots.get(i);
        if (e == null) {
            e = new Event();
            slots.set(i, e); // before it is published: the consumer sees it whole
        }
        return e;
    }

    /**
     * Puts an event that says only "this happened to that connection now" (with one flag): the
     * common case, claimed, filled and published in one call. False when the ring was full.
     */
    boolean offer(EventKind kind, Object connection, boolean flag) {
        long seq = claim();
        if (seq < 0) {
            return false;
        }
        Event e = slot(seq);
        e.kind = kind;
        e.connection = connection;
        e.flag = flag;
        e.nanos = System.nanoTime();
        publish(seq);
        return true;
    }

    /** Makes a claimed, filled slot visible to the consumer. */
    void publish(long seq) {
        slots.get((int) seq & mask).published = seq;
    }

    /**
     * Hands every published event to {@code handler} in order and frees its slot.
     * Returns how many were handled. Consumer thread only.
     */
    int drain(Consumer<Event> handler) {
        long next = consumed;
        int n = 0;
        while (true) {
            Event e = slots.get((int) next & mask);
            if (e == null || e.published != next) {
                return n;
            }
            try {
                handler.accept(e);
            } finally {
                e.clear();
                consumed = ++next;
                n++;
            }
        }
    }

    long dropped() {
        return dropped.sum();
    }

    int capacity() {
        return slots.length();
    }

    /** Events waiting, approximately. */
    long backlog() {
        return claimed.get() - consumed;
    }

    /** Slots claimed so far: the sequence the next event will get. */
    long claimedCount() {
        return claimed.get();
    }

    /** Events handed to the consumer so far; everything their handler did happened before this read. */
    long consumedCount() {
        return consumed;
    }
}
