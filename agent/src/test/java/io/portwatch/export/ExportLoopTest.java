package io.portwatch.export;

import io.portwatch.otlp.OtlpAttributes;
import io.portwatch.otlp.OtlpLog;
import io.portwatch.otlp.OtlpMetric;
import io.portwatch.otlp.OtlpSpan;
import io.portwatch.track.AgentThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ExportLoop} on short intervals, with sinks that accept, refuse, throw or hang. */
class ExportLoopTest {

    private static final long HOUR = TimeUnit.HOURS.toMillis(1);

    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final ExportLoop loop = new ExportLoop(problems::add);
    /** Released at the end, so that a sink made to hang does not hold its thread for good. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        assertTrue(loop.shutdown(5_000));
    }

    @Test
    void exportsEachSignalAtItsInterval() throws Exception {
        Recorder<OtlpSpan> spans = new Recorder<>();
        Recorder<OtlpLog> logs = new Recorder<>();
        Recorder<OtlpMetric> metrics = new Recorder<>();
        BatchQueue<OtlpSpan> spanQueue = new BatchQueue<>(100);
        BatchQueue<OtlpLog> logQueue = new BatchQueue<>(100);
        MetricRegistry registry = new MetricRegistry(System.currentTimeMillis() * 1_000_000, problems::add);
        registry.counter("c", null, null).add(1, OtlpAttributes.EMPTY);
        loop.exportSpans(spanQueue, spans, 150, 512);
        loop.exportLogs(logQueue, logs, 250, 512);
        loop.exportMetrics(registry, metrics, 100);
        long start = System.nanoTime();
        loop.start();
        spanQueue.offer(span(1));
        logQueue.offer(log());

        waitFor(() -> spans.items.size() == 1);
        assertTrue(elapsedMillis(start) >= 150, "not before the span delay: " + elapsedMillis(start));
        waitFor(() -> logs.items.size() == 1);
        assertTrue(elapsedMillis(start) >= 250, "not before the log delay: " + elapsedMillis(start));
        waitFor(() -> metrics.batches.size() >= 4);
        long elapsed = elapsedMillis(start);
        assertTrue(elapsed >= 400, "one collection each interval, not more often: " + elapsed);
        assertEquals("c", metrics.batches.get(0).get(0).name);
        assertTrue(metrics.batches.get(3).get(0).points.get(0).epochNanos
                > metrics.batches.get(0).get(0).points.get(0).epochNanos);
        assertEquals(1, loop.spans().delivered());
        assertEquals(1, loop.logs().delivered());
        assertEquals(0, loop.metrics().notDelivered());
        assertEquals(Collections.emptyList(), problems);
    }

    @Test
    void aFullBatchGoesAtOnceTheRestWaitsForTheDelay() throws Exception {
        Recorder<OtlpSpan> spans = new Recorder<>();
        BatchQueue<OtlpSpan> queue = new BatchQueue<>(100);
        loop.exportSpans(queue, spans, HOUR, 4);
        loop.start();
        for (int i = 0; i < 10; i++) queue.offer(span(i));
        waitFor(() -> spans.items.size() == 8);
        Thread.sleep(200);
        assertEquals(8, spans.items.size(), "two full batches; the other two wait");
        assertEquals(2, queue.size());
        for (List<OtlpSpan> batch : spans.batches) assertEquals(4, batch.size());
        assertTrue(loop.flush(5_000));
        assertEquals(10, spans.items.size());
        assertEquals(2, spans.batches.get(2).size());
        assertEquals("s9", spans.items.get(9).name, "in order");
    }

    @Test
    void aQueueSmallerThanABatchGoesWhenFull() throws Exception {
        Recorder<OtlpSpan> spans = new Recorder<>();
        BatchQueue<OtlpSpan> queue = new BatchQueue<>(3);
        loop.exportSpans(queue, spans, HOUR, 512);
        loop.start();
        for (int i = 0; i < 3; i++) queue.offer(span(i));
        waitFor(() -> spans.items.size() == 3);
        assertEquals(1, spans.batches.size());
    }

    @Test
    void flushExportsWhatIsQueuedAndOneCollection() {
        Recorder<OtlpSpan> spans = new Recorder<>();
        Recorder<OtlpMetric> metrics = new Recorder<>();
        BatchQueue<OtlpSpan> queue = new BatchQueue<>(100);
        MetricRegistry registry = new MetricRegistry(0, problems::add);
        registry.gauge("g", null, null, false, m -> m.record(1, null));
        loop.exportSpans(queue, spans, HOUR, 2);
        loop.exportMetrics(registry, metrics, HOUR);
        loop.start();
        for (int i = 0; i < 5; i++) queue.offer(span(i));
        assertTrue(loop.flush(5_000));
        assertEquals(5, spans.items.size());
        assertEquals(1, metrics.batches.size());
        assertEquals(5, loop.spans().exported());
        assertEquals(5, queue.offered());
    }

    @Test
    void flushAndShutdownReturnInTimeWhenASinkHangs() throws Exception {
        BatchQueue<OtlpSpan> queue = new BatchQueue<>(100);
        CountDownLatch exporting = new CountDownLatch(1);
        loop.exportSpans(queue, batch -> {
            exporting.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        }, HOUR, 512);
        loop.start();
        queue.offer(span(1));
        long start = System.nanoTime();
        assertFalse(loop.flush(300), "the sink never returns");
        long elapsed = elapsedMillis(start);
        assertTrue(elapsed >= 290 && elapsed < 2_000, "waited its timeout, no more: " + elapsed);
        assertTrue(exporting.await(5, TimeUnit.SECONDS));
        assertEquals(1, loop.spans().exported());
        assertEquals(0, loop.spans().delivered() + loop.spans().notDelivered(), "on its way still");

        start = System.nanoTime();
        assertFalse(loop.shutdown(300));
        elapsed = elapsedMillis(start);
        assertTrue(elapsed >= 290 && elapsed < 2_000, "waited its timeout, no more: " + elapsed);
        Thread thread = exportThread();
        assertNotNull(thread, "left behind in the sink");
        assertTrue(thread.isDaemon(), "a daemon: it does not keep the JVM up");
    }

    /** The loop's wake-up taken by the sink's own wait (a latch parks too): the flush is not lost. */
    @Test
    void aFlushAskedForWhileASinkWaitsIsNotLost() throws Exception {
        BatchQueue<OtlpSpan> queue = new BatchQueue<>(100);
        CountDownLatch exporting = new CountDownLatch(1);
        loop.exportSpans(queue, batch -> {
            exporting.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        }, HOUR, 512);
        loop.start();
        queue.offer(span(1));
        assertFalse(loop.flush(100));
        assertTrue(exporting.await(5, TimeUnit.SECONDS));
        boolean[] flushed = {false};
        Thread flusher = new Thread(() -> flushed[0] = loop.flush(5_000));
        flusher.start();
        Thread.sleep(200); // its wake-up lands in the latch's wait
        release.countDown();
        long start = System.nanoTime();
        flusher.join();
        assertTrue(flushed[0]);
        assertTrue(elapsedMillis(start) < 2_000, "at once, not at the next due time: " + elapsedMillis(start));
    }

    @Test
    void shutdownEndsTheThreadAndLeavesNoOtherBehind() throws Exception {
        Recorder<OtlpSpan> spans = new Recorder<>();
        BatchQueue<OtlpSpan> queue = new BatchQueue<>(100);
        loop.exportSpans(queue, spans, HOUR, 512);
        Set<Thread> nonDaemonBefore = nonDaemonThreads();
        loop.start();
        Thread thread = exportThread();
        assertNotNull(thread);
        assertTrue(thread.isDaemon());
        assertEquals(AgentThreads.GROUP, thread.getThreadGroup(), "its sockets untracked");
        queue.offer(span(1));
        assertTrue(loop.shutdown(5_000));
        assertFalse(thread.isAlive());
        assertEquals(1, spans.items.size(), "what was queued went out first");
        assertNull(exportThread(), "no export thread left");
        Set<Thread> nonDaemon = nonDaemonThreads();
        nonDaemon.removeAll(nonDaemonBefore);
        assertEquals(Collections.emptySet(), nonDaemon, "no thread that would keep the JVM up");
        assertTrue(loop.shutdown(100), "again: done already");
        assertFalse(loop.flush(100), "nothing flushes after the shutdown");
    }

    @Test
    void countsAndSaysFailuresOnceAndTheRecovery() {
        BatchQueue<OtlpSpan> queue = new BatchQueue<>(3);
        AtomicInteger calls = new AtomicInteger();
        loop.exportSpans(queue, batch -> {
            int call = calls.incrementAndGet();
            if (call == 1) return false;
            if (call == 2) throw new IllegalStateException("collector unreachable");
            return true;
        }, HOUR, 1);
        for (int i = 0; i < 5; i++) queue.offer(span(i)); // two dropped
        assertFalse(queue.room());
        loop.start();
        assertTrue(loop.flush(5_000));
        assertEquals(3, calls.get());
        SignalExport<OtlpSpan> s = loop.spans();
        assertEquals(3, s.exported());
        assertEquals(1, s.delivered());
        assertEquals(2, s.notDelivered(), "refused, and thrown");
        assertFalse(s.lastExportFailed());
        assertEquals(2, queue.dropped());
        assertEquals(1, queue.notBuilt());
        assertEquals(3, problems.size(), problems::toString);
        assertEquals("cannot export spans (1 not delivered since the last report)", problems.get(0));
        assertEquals("exporting spans works again", problems.get(1));
        assertTrue(problems.get(2).startsWith("the queue of spans was full (3): 1 not built and 2 dropped"), problems::toString);

        // Reset first: a full batch (of one) wakes the loop, which may export it before the flush.
        calls.set(0);
        queue.offer(span(9));
        assertTrue(loop.flush(5_000));
        assertTrue(s.lastExportFailed());
        assertEquals(4, problems.size(), problems::toString);
        assertEquals("cannot export spans (1 not delivered since the last report)", problems.get(3));
    }

    @Test
    void aSinkThatFlushesGetsNoAnswerRatherThanADeadlock() {
        BatchQueue<OtlpSpan> queue = new BatchQueue<>(10);
        List<Boolean> answers = new CopyOnWriteArrayList<>();
        loop.exportSpans(queue, batch -> answers.add(loop.flush(HOUR)), HOUR, 512);
        loop.start();
        queue.offer(span(1));
        assertTrue(loop.flush(5_000));
        assertEquals(List.of(false), answers);
    }

    private static Set<Thread> nonDaemonThreads() {
        Set<Thread> threads = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!t.isDaemon() && t.isAlive()) threads.add(t);
        }
        return threads;
    }

    private static Thread exportThread() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("portwatch-export-") && t.isAlive()) return t;
        }
        return null;
    }

    private static OtlpSpan span(int i) {
        return new OtlpSpan(SpanIds.traceId(), SpanIds.spanId(), null, "s" + i, OtlpSpan.Kind.CLIENT, 1, 2,
                OtlpAttributes.EMPTY, Collections.emptyList(), false, null);
    }

    private static OtlpLog log() {
        return new OtlpLog(1, OtlpLog.WARN, "WARN", "portwatch.port_exhaustion", "body", OtlpAttributes.EMPTY);
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(5);
        }
    }

    /** A sink that accepts everything and keeps it. */
    private static final class Recorder<T> implements ExportLoop.Sink<T> {
        final List<T> items = new CopyOnWriteArrayList<>();
        final List<List<T>> batches = new CopyOnWriteArrayList<>();

        @Override
        public boolean export(List<T> batch) {
            batches.add(new ArrayList<>(batch));
            items.addAll(batch);
            return true;
        }
    }
}
