package io.portwatch.track;

import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class EventRingTest {

    @Test
    void capacityMustBeAPowerOfTwoOfAtLeastTwo() {
        for (int bad : new int[] {-4, 0, 1, 3, 6, 100, 1000}) {
            assertThrows(IllegalArgumentException.class, () -> new EventRing(bad), "capacity " + bad);
        }
        for (int good : new int[] {2, 4, 64, 1024}) {
            assertEquals(good, new EventRing(good).capacity());
        }
    }

    private static void put(EventRing ring, EventKind kind, int port) {
        long seq = ring.claim();
        assertTrue(seq >= 0, "ring unexpectedly full");
        Event e = ring.slot(seq);
        e.kind = kind;
        e.localPort = port;
        ring.publish(seq);
    }

    @Test
    void drainsInClaimOrder() {
        EventRing ring = new EventRing(8);
        put(ring, EventKind.CONNECTED, 1);
        put(ring, EventKind.END_OF_STREAM, 2);
        put(ring, EventKind.CLOSED, 3);
        assertEquals(3, ring.backlog());
        List<String> seen = new ArrayList<>();
        assertEquals(3, ring.drain(e -> seen.add(e.kind + ":" + e.localPort)));
        assertEquals(List.of("CONNECTED:1", "END_OF_STREAM:2", "CLOSED:3"), seen);
        assertEquals(0, ring.backlog());
        assertEquals(0, ring.drain(e -> fail("nothing left")));
    }

    @Test
    void drainStopsAtTheFirstUnpublishedSlot() {
        EventRing ring = new EventRing(8);
        long first = ring.claim();
        long second = ring.claim();
        ring.slot(second).localPort = 2;
        ring.publish(second);
        assertEquals(0, ring.drain(e -> fail("the first slot is not published yet")));

        ring.slot(first).localPort = 1;
        ring.publish(first);
        List<Integer> seen = new ArrayList<>();
        assertEquals(2, ring.drain(e -> seen.add(e.localPort)));
        assertEquals(List.of(1, 2), seen);
    }

    @Test
    void fullRingDropsAndCountsThenRecoversAfterDrain() {
        EventRing ring = new EventRing(4);
        for (int i = 0; i < 4; i++) {
            put(ring, EventKind.CLOSED, i);
        }
        assertEquals(-1, ring.claim());
        assertEquals(-1, ring.claim());
        assertEquals(2, ring.dropped());
        List<Integer> seen = new ArrayList<>();
        assertEquals(4, ring.drain(e -> seen.add(e.localPort)));
        assertEquals(List.of(0, 1, 2, 3), seen);

        // Wrapped around: the same slots serve again, and nothing stale is handed out.
        for (int i = 10; i < 14; i++) {
            put(ring, EventKind.CLOSED, i);
        }
        assertEquals(-1, ring.claim());
        assertEquals(3, ring.dropped());
        seen.clear();
        assertEquals(4, ring.drain(e -> seen.add(e.localPort)));
        assertEquals(List.of(10, 11, 12, 13), seen);
    }

    @Test
    void slotsKeepNoReferencesAfterDrain() throws Exception {
        EventRing ring = new EventRing(2);
        long seq = ring.claim();
        Event e = ring.slot(seq);
        Object connection = new Object();
        WeakReference<Object> ref = new WeakReference<>(connection);
        e.kind = EventKind.CONNECTED;
        e.connection = connection;
        e.target = new InetSocketAddress("127.0.0.1", 9);
        e.localAddress = InetAddress.getLoopbackAddress();
        e.peerAddress = InetAddress.getLoopbackAddress();
        e.error = new RuntimeException("x");
        e.threadName = "t";
        e.callSite = StackWalker.getInstance().walk(s -> s.findFirst().orElse(null));
        ring.publish(seq);
        AtomicReference<Object> handled = new AtomicReference<>();
        ring.drain(ev -> handled.set(ev.connection));
        assertSame(connection, handled.get(), "the handler sees the fields");
        handled.set(null);

        assertNull(e.connection);
        assertNull(e.target);
        assertNull(e.localAddress);
        assertNull(e.peerAddress);
        assertNull(e.error);
        assertNull(e.threadName);
        assertNull(e.callSite);

        connection = null;
        assertTrue(gcUntil(() -> ref.get() == null), "the ring kept the connection alive");
    }

    /** Runs the collector until {@code done} holds, for at most about five seconds. */
    static boolean gcUntil(java.util.function.BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (done.getAsBoolean()) return true;
            System.gc();
            Thread.sleep(50);
        }
        return done.getAsBoolean();
    }

    @Test
    void aThrowingHandlerStillFreesAndClearsTheSlot() {
        EventRing ring = new EventRing(2);
        put(ring, EventKind.CONNECTED, 1);
        ring.slot(0).connection = new Object();
        put(ring, EventKind.CLOSED, 2);
        assertThrows(IllegalStateException.class, () -> ring.drain(e -> {
            throw new IllegalStateException("sink failed");
        }));
        assertNull(ring.slot(0).connection);
        assertEquals(1, ring.backlog());
        List<Integer> seen = new ArrayList<>();
        assertEquals(1, ring.drain(e -> seen.add(e.localPort)));
        assertEquals(List.of(2), seen);
    }

    @Test
    void concurrentProducersEveryEventExactlyOnceInPerProducerOrder() {
        final int producers = 4;
        final int perProducer = 50_000;
        EventRing ring = new EventRing(1024);
        AtomicLong refused = new AtomicLong();
        long[] nextExpected = new long[producers];
        int[] received = new int[producers];

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int p = 0; p < producers; p++) {
                final int id = p;
                Thread t = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < perProducer; i++) {
                            long seq;
                            while ((seq = ring.claim()) < 0) {
                                refused.incrementAndGet();
                                Thread.onSpinWait();
                            }
                            Event e = ring.slot(seq);
                            e.localPort = id;
                            e.startNanos = i;
                            e.kind = EventKind.CLOSED;
                            ring.publish(seq);
                        }
                    } catch (Throwable x) {
                        failure.compareAndSet(null, x);
                    }
                }, "producer-" + p);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            start.countDown();
            long total = (long) producers * perProducer;
            long handled = 0;
            while (handled < total) {
                int n = ring.drain(e -> {
                    int id = e.localPort;
                    if (e.startNanos != nextExpected[id]) {
                        throw new AssertionError("producer " + id + ": expected event " + nextExpected[id]
                                + " but got " + e.startNanos);
                    }
                    nextExpected[id]++;
                    received[id]++;
                });
                handled += n;
                if (n == 0) {
                    Thread.onSpinWait();
                }
                if (failure.get() != null) {
                    throw new AssertionError("producer failed", failure.get());
                }
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(0, ring.drain(e -> fail("an event beyond the total: " + e.localPort + "/" + e.startNanos)));
        });
        int[] expected = new int[producers];
        java.util.Arrays.fill(expected, perProducer);
        assertArrayEquals(expected, received);
        assertEquals(refused.get(), ring.dropped(), "every refused claim is counted as a drop");
        assertEquals(0, ring.backlog());
    }
}
