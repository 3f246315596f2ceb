package io.portwatch.otel;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SDK's real batch processor, its queue overrun by a burst while the export is stuck. */
class SpanLossesTest {

    private static final int QUEUE = 4;
    private static final int BATCH = 2;
    private static final int SPANS = 50;

    @Test
    void countsWhatTheBatchQueueDroppedAndSaysSo() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        SpanLosses losses = new SpanLosses(lines::add);
        losses.capacity(QUEUE, BATCH);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger received = new AtomicInteger();
        SdkTracerProvider tracing = stuckUntil(release, received, losses, lines);
        Tracer tracer = tracing.get("test");
        for (int i = 0; i < SPANS; i++) {
            tracer.spanBuilder("s" + i).startSpan().end();
        }
        release.countDown();
        assertTrue(tracing.shutdown().join(10, TimeUnit.SECONDS).isSuccess());

        assertEquals(SPANS, losses.ended());
        assertTrue(received.get() < SPANS, "the burst overran the queue: " + received);
        assertEquals(SPANS - received.get(), losses.notExported(), "after shutdown, exactly the dropped ones");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("at least ") && l.contains("spans dropped")), lines::toString);
        assertEquals(1, lines.size(), () -> "one line, not one per batch: " + lines);
        assertEquals("cannot export " + (SPANS - received.get()) + " of " + SPANS + " spans: " + (SPANS - received.get())
                + " dropped by the OpenTelemetry SDK's span queue when full", Telemetry.lostSpans(losses, true));
    }

    /**
     * The same burst, each span built only when {@link SpanLosses#room()} says so: the queue never
     * overflows, so the SDK drops nothing; the spans not built are counted and said, once.
     */
    @Test
    void noSpanIsBuiltThatTheQueueWouldDrop() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        SpanLosses losses = new SpanLosses(lines::add);
        losses.capacity(QUEUE, BATCH);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger received = new AtomicInteger();
        SdkTracerProvider tracing = stuckUntil(release, received, losses, lines);
        Tracer tracer = tracing.get("test");
        int built = 0;
        for (int i = 0; i < SPANS; i++) {
            if (losses.room()) {
                tracer.spanBuilder("s" + i).startSpan().end();
                built++;
            }
        }
        release.countDown();
        assertTrue(tracing.shutdown().join(10, TimeUnit.SECONDS).isSuccess());

        assertTrue(built < SPANS, "the stuck export left no room for all: " + built);
        assertEquals(built, received.get(), "every span built was exported: none dropped");
        assertEquals(0, losses.notExported());
        assertEquals(SPANS - built, losses.notBuilt());
        assertEquals(1, lines.size(), () -> "one line while running: " + lines);
        assertTrue(lines.get(0).startsWith("the OpenTelemetry SDK's span queue is full: spans are not built until it has room"), lines::toString);
        assertEquals("cannot export " + (SPANS - built) + " of " + SPANS + " spans: " + (SPANS - built) + " not built,"
                + " the OpenTelemetry SDK's span queue being full (a collector down or slow, or more connections than"
                + " it takes: otel.bsp.max.queue.size)", Telemetry.lostSpans(losses, true));
    }

    /**
     * Spans the processor drops all the same (built without asking) do not shrink the room for
     * good: once a batch short of full shows the queue empty, there is room again.
     */
    @Test
    void spansDroppedAllTheSameDoNotShrinkTheRoomForGood() throws Exception {
        SpanLosses losses = new SpanLosses(line -> {});
        losses.capacity(QUEUE, BATCH);
        CountDownLatch release = new CountDownLatch(1);
        SdkTracerProvider tracing = stuckUntil(release, new AtomicInteger(), losses, new ArrayList<>());
        Tracer tracer = tracing.get("test");
        for (int i = 0; i < SPANS; i++) {
            tracer.spanBuilder("unasked" + i).startSpan().end(); // the queue overflows: dropped
        }
        assertFalse(losses.room(), "the counts say the queue is full");
        release.countDown();
        // The export catches up; a span ended once the queue is empty goes out alone, a batch short of full.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!losses.room() && System.nanoTime() < deadline) {
            tracer.spanBuilder("later").startSpan().end();
            Thread.sleep(20);
        }
        assertTrue(losses.room(), "room again once the queue is seen empty");
        assertTrue(tracing.shutdown().join(10, TimeUnit.SECONDS).isSuccess());
        assertTrue(losses.notExported() > 0, "the dropped spans are still counted as dropped");
    }

    /** With an export that keeps up, there is always room. */
    @Test
    void anExportThatKeepsUpLeavesRoomForEverySpan() {
        SpanLosses losses = new SpanLosses(line -> {});
        losses.capacity(QUEUE, BATCH);
        SdkTracerProvider tracing = SdkTracerProvider.builder()
                .addSpanProcessor(losses)
                .addSpanProcessor(io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(
                        new ReportingSpanExporter(TestExporters.exporting(spans -> CompletableResultCode.ofSuccess()), line -> {}, losses)))
                .build();
        for (int i = 0; i < SPANS; i++) {
            assertTrue(losses.room(), "room for span " + i);
            tracing.get("test").spanBuilder("s" + i).startSpan().end();
        }
        assertEquals(0, losses.notBuilt());
        assertEquals(null, Telemetry.lostSpans(losses, true));
        assertFalse(losses.lastExportFailed());
    }

    /** A collector that refuses every batch: nothing dropped, all failed, and the exit line says which. */
    @Test
    void spansTheCollectorRefusedAreToldApartFromDroppedOnes() {
        List<String> lines = new CopyOnWriteArrayList<>();
        SpanLosses losses = new SpanLosses(lines::add);
        SpanExporter refusing = TestExporters.exporting(spans -> CompletableResultCode.ofFailure());
        SdkTracerProvider tracing = SdkTracerProvider.builder()
                .addSpanProcessor(losses)
                .addSpanProcessor(BatchSpanProcessor.builder(new ReportingSpanExporter(refusing, lines::add, losses)).build())
                .build();
        for (int i = 0; i < 10; i++) {
            tracing.get("test").spanBuilder("s" + i).startSpan().end();
        }
        assertTrue(tracing.shutdown().join(10, TimeUnit.SECONDS).isDone());

        assertEquals(0, losses.notExported());
        assertEquals(10, losses.notDelivered());
        assertTrue(losses.lastExportFailed(), "the exit will not wait long for this collector");
        assertEquals("cannot export 10 of 10 spans: 10 not accepted by the collector", Telemetry.lostSpans(losses, true));
        assertEquals("cannot export 10 of 10 spans: 10 still on their way when the exit's time was up (a collector down,"
                + " slow or unreachable?)", Telemetry.lostSpans(losses, false));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("cannot export spans")), lines::toString);
    }

    /**
     * The SDK's real batch processor (a {@value #QUEUE}-span queue, {@value #BATCH}-span batches)
     * beside {@code losses}, its export stuck until {@code release}; what it exports is added to
     * {@code received}, the lines said to {@code lines}.
     */
    private static SdkTracerProvider stuckUntil(CountDownLatch release, AtomicInteger received, SpanLosses losses,
                                                List<String> lines) {
        SpanExporter stuck = TestExporters.exporting(spans -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            received.addAndGet(spans.size());
            return CompletableResultCode.ofSuccess();
        });
        return SdkTracerProvider.builder()
                .addSpanProcessor(losses)
                .addSpanProcessor(BatchSpanProcessor.builder(new ReportingSpanExporter(stuck, lines::add, losses))
                        .setMaxQueueSize(QUEUE).setMaxExportBatchSize(BATCH).setScheduleDelay(Duration.ofMillis(1)).build())
                .build();
    }
}
