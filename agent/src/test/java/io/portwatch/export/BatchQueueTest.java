package io.portwatch.export;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link BatchQueue}: its bound, its order, its counts. */
class BatchQueueTest {

    @Test
    void boundedAndCounted() {
        BatchQueue<Integer> q = new BatchQueue<>(3);
        assertTrue(q.offer(1));
        assertTrue(q.offer(2));
        assertTrue(q.room());
        assertTrue(q.offer(3));
        assertFalse(q.room(), "full");
        assertFalse(q.offer(4), "dropped");
        assertFalse(q.offer(5), "dropped");
        assertEquals(3, q.size());
        assertEquals(5, q.offered());
        assertEquals(2, q.dropped());
        assertEquals(1, q.notBuilt(), "the room() that said no");

        List<Integer> out = new ArrayList<>();
        assertEquals(2, q.drain(out, 2));
        assertEquals(List.of(1, 2), out);
        assertTrue(q.offer(6));
        assertTrue(q.offer(7), "room again, at the ring's start");
        out.clear();
        assertEquals(3, q.drain(out, 10));
        assertEquals(List.of(3, 6, 7), out, "oldest first, across the wrap");
        assertEquals(0, q.size());
        assertEquals(0, q.drain(out, 10));
    }

    @Test
    void roomKeepsTheReserve() {
        BatchQueue<String> q = new BatchQueue<>(4, 1);
        for (int i = 0; i < 3; i++) {
            assertTrue(q.room());
            assertTrue(q.offer("s" + i));
        }
        assertFalse(q.room(), "the last place is for items built without asking");
        assertTrue(q.offer("jdbc parent"), "which fit");
        assertFalse(q.offer("one more"));
        assertEquals(1, q.notBuilt());
        assertEquals(1, q.dropped());
    }

    @Test
    void oneProducerOneConsumerLoseNothingThatWasAccepted() throws Exception {
        BatchQueue<Integer> q = new BatchQueue<>(64);
        int items = 300_000;
        Thread producer = new Thread(() -> {
            for (int i = 0; i < items; i++) q.offer(i);
        });
        producer.start();
        List<Integer> out = new ArrayList<>();
        while (producer.isAlive() || q.size() > 0) q.drain(out, 16);
        producer.join();
        q.drain(out, Integer.MAX_VALUE);
        assertEquals(items, q.offered());
        assertEquals(items - q.dropped(), out.size(), "every accepted item, once");
        for (int i = 1; i < out.size(); i++) {
            assertTrue(out.get(i) > out.get(i - 1), "in order");
        }
    }
}
