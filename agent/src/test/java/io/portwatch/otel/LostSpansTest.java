package io.portwatch.otel;

import io.portwatch.export.BatchQueue;
import io.portwatch.export.ExportLoop;
import io.portwatch.otlp.OtlpAttributes;
import io.portwatch.otlp.OtlpSpan;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The line at exit about spans that did not reach the collector, from a real export loop and queue. */
class LostSpansTest {

    private static final int QUEUE = 4;
    private static final int BATCH = 2;
    private static final int SPANS = 50;

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AtomicInteger received = new AtomicInteger();

    /** Each span built only when the queue has room: none dropped; the ones not built counted, said once. */
    @Test
    void noSpanIsBuiltThatTheQueueWouldDrop() {
        CountDownLatch release = new CountDownLatch(1);
        BatchQueue<OtlpSpan> queue = new BatchQueue<>(QUEUE);
        ExportLoop loop = loop(queue, stuckUntil(release));
        int built = 0;
        for (int i = 0; i < SPANS; i++) {
            if (queue.room()) {
                queue.offer(span());
                built++;
            }
        }
        release.countDown();
        assertTrue(loop.shutdown(10_000));

        assertTrue(built < SPANS, "the stuck export left no room for all: " + built);
        assertEquals(built, received.get(), "every span built was exported");
        assertEquals("cannot export " + (SPANS - built) + " of " + SPANS + " spans: " + (SPANS - built) + " not built,"
                + " the span queue being full (a collector down or slow, or more connections than it takes:"
                + " otel.bsp.max.queue.size)", Telemetry.lostSpans(loop.spans()));
        assertEquals(1, lines.size(), () -> "one line while running: " + lines);
        assertTrue(lines.get(0).startsWith("the queue of spans was full"), lines::toString);
    }

    /** Spans offered without asking past a full queue are dropped, and told apart. */
    @Test
    void spansPastAFullQueueAreDropped() {
        CountDownLatch release = new CountDownLatch(1);
        BatchQueue<OtlpSpan> queue = new BatchQueue<>(QUEUE);
        ExportLoop loop = loop(queue, stuckUntil(release));
        for (int i = 0; i < SPANS; i++) queue.offer(span());
        release.countDown();
        assertTrue(loop.shutdown(10_000));

        int dropped = SPANS - received.get();
        assertTrue(dropped > 0, "the burst overran the queue");
        assertEquals("cannot export " + dropped + " of " + SPANS + " spans: " + dropped + " dropped by the span queue when full",
                Telemetry.lostSpans(loop.spans()));
    }

    /** A collector that refuses every batch: all failed, said while running and at exit. */
    @Test
    void spansTheCollectorRefusedAreToldApart() {
        BatchQueue<OtlpSpan> queue = new BatchQueue<>(16);
        ExportLoop loop = loop(queue, new ExportLoop.Sink<OtlpSpan>() {
            @Override
            public boolean export(List<OtlpSpan> batch) {
                throw new IllegalStateException("OTLP export to http://collector:4318/v1/traces failed: HTTP 503");
            }
        });
        for (int i = 0; i < 10; i++) queue.offer(span());
        assertTrue(loop.shutdown(10_000));

        assertTrue(loop.spans().lastExportFailed(), "the exit will not wait long for this collector");
        assertEquals("cannot export 10 of 10 spans: 10 not accepted by the collector", Telemetry.lostSpans(loop.spans()));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("cannot export spans") && l.endsWith("HTTP 503")), lines::toString);
    }

    /** An export still stuck when the exit's time is up. */
    @Test
    void spansStillOnTheirWayAtExit() {
        CountDownLatch never = new CountDownLatch(1);
        BatchQueue<OtlpSpan> queue = new BatchQueue<>(16);
        ExportLoop loop = loop(queue, stuckUntil(never));
        for (int i = 0; i < 3; i++) queue.offer(span());
        assertEquals(false, loop.shutdown(200));
        assertEquals("cannot export 3 of 3 spans: 3 still on their way when the exit's time was up (a collector down,"
                + " slow or unreachable?)", Telemetry.lostSpans(loop.spans()));
        never.countDown();
    }

    @Test
    void anExportThatKeepsUpLosesNothing() {
        BatchQueue<OtlpSpan> queue = new BatchQueue<>(QUEUE);
        ExportLoop loop = loop(queue, stuckUntil(new CountDownLatch(0)));
        for (int i = 0; i < SPANS; i++) {
            while (queue.size() >= QUEUE) Thread.onSpinWait(); // not room(), which counts each no
            queue.offer(span());
        }
        assertTrue(loop.shutdown(10_000));
        assertEquals(SPANS, received.get());
        assertNull(Telemetry.lostSpans(loop.spans()));
    }

    private ExportLoop loop(BatchQueue<OtlpSpan> queue, ExportLoop.Sink<OtlpSpan> sink) {
        ExportLoop loop = new ExportLoop(lines::add);
        loop.exportSpans(queue, sink, 1, BATCH);
        loop.start();
        return loop;
    }

    /** A sink stuck until {@code release}, then counting what it got. */
    private ExportLoop.Sink<OtlpSpan> stuckUntil(CountDownLatch release) {
        return new ExportLoop.Sink<OtlpSpan>() {
            @Override
            public boolean export(List<OtlpSpan> batch) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                received.addAndGet(batch.size());
                return true;
            }
        };
    }

    private static OtlpSpan span() {
        return new OtlpSpan(new byte[16], new byte[8], null, "s", OtlpSpan.Kind.INTERNAL, 1, 2, OtlpAttributes.EMPTY,
                Collections.<OtlpSpan.Event>emptyList(), false, null);
    }
}
