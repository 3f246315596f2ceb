package io.portwatch.track;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reporter on its own thread polls its queue instead of blocking on it: what it is handed still
 * reaches the sink, in order and on that thread, whether it comes in a burst or to an idle
 * reporter; and a stop ends it promptly, even while it is parked, delivering what is left.
 */
class ReporterThreadTest {

    private static final long WAIT_MILLIS = 5_000;

    @Test
    void deliversOnItsOwnThreadInOrderBusyOrIdle() throws Exception {
        Reporter reporter = new Reporter(1024);
        List<Long> sent = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        reporter.sink(new ConnectionSink() {
            @Override
            public void ended(ConnectionRecord record) {
                sent.add(record.id);
                threads.add(Thread.currentThread().getName());
            }
        });
        Thread t = reporter.start(task -> new Thread(task, "reporter-under-test"), () -> { });
        try {
            for (int i = 0; i < 500; i++) reporter.ended(TestRecords.closed(i)); // a burst
            awaitSize(sent, 500);
            Thread.sleep(300); // long enough for the loop to back off to its longest park
            reporter.ended(TestRecords.closed(500));
            awaitSize(sent, 501);
            for (int i = 0; i < sent.size(); i++) assertEquals(i, sent.get(i).longValue(), "in order");
            assertTrue(threads.stream().allMatch("reporter-under-test"::equals), () -> "on its own thread: " + threads);
        } finally {
            reporter.stop();
            t.join(WAIT_MILLIS);
        }
        assertFalse(t.isAlive(), "stopped");
    }

    @Test
    void aStopEndsAParkedReporterAndWhatIsLeftGoesOut() throws Exception {
        Reporter reporter = new Reporter(1024);
        List<Long> sent = new CopyOnWriteArrayList<>();
        reporter.sink(new ConnectionSink() {
            @Override
            public void ended(ConnectionRecord record) {
                sent.add(record.id);
            }
        });
        // The kernel is never due but at exit: the ended connections wait for the stop.
        reporter.kernelCheck((awaiting, now, force) -> force ? awaiting.size() : 0);
        Thread t = reporter.start(task -> new Thread(task, "reporter-under-test"), () -> { });
        reporter.ended(TestRecords.closed(1));
        Thread.sleep(300); // taken, waiting for the kernel; the loop is parked
        assertTrue(sent.isEmpty(), "held for the kernel's word: " + sent);
        long stopped = System.nanoTime();
        reporter.stop();
        t.join(WAIT_MILLIS);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
        assertFalse(t.isAlive(), "stopped");
        assertEquals(List.of(1L), sent, "delivered at the stop");
        // a park lasts 50 ms at most, and the stop unparks it; the bound is for a loaded machine
        assertTrue(tookMillis < 1_000, "stop took " + tookMillis + " ms");
    }

    private static void awaitSize(List<?> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (list.size() < size && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals(size, list.size(), "delivered");
    }
}
