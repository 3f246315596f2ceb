package io.portwatch.otel;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        losses.waiting(QUEUE + BATCH);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger received = new AtomicInteger();
        SpanExporter stuck = exporter(spans -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            received.addAndGet(spans.size());
            return CompletableResultCode.ofSuccess();
        });
        SdkTracerProvider tracing = SdkTracerProvider.builder()
                .addSpanProcessor(losses)
                .addSpanProcessor(BatchSpanProcessor.builder(new ReportingSpanExporter(stuck, lines::add, losses))
                        .setMaxQueueSize(QUEUE).setMaxExportBatchSize(BATCH).setScheduleDelay(Duration.ofMillis(1)).build())
                .build();
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
        assertEquals("cannot export " + (SPANS - received.get()) + " of " + SPANS + " spans: dropped by the"
                + " OpenTelemetry SDK's span queue when full (otel.bsp.max.queue.size)", Telemetry.lostSpans(losses, true));
    }

    /** A collector that refuses every batch: nothing dropped, all failed, and the exit line says which. */
    @Test
    void spansTheCollectorRefusedAreToldApartFromDroppedOnes() {
        List<String> lines = new CopyOnWriteArrayList<>();
        SpanLosses losses = new SpanLosses(lines::add);
        SpanExporter refusing = exporter(spans -> CompletableResultCode.ofFailure());
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
        assertEquals("cannot export 10 of 10 spans: the collector did not accept them", Telemetry.lostSpans(losses, true));
        assertTrue(Telemetry.lostSpans(losses, false).contains("still under way"));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("cannot export spans")), lines::toString);
    }

    /** An exporter whose export is {@code export}; flush and shutdown succeed at once. */
    private static SpanExporter exporter(java.util.function.Function<Collection<SpanData>, CompletableResultCode> export) {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                return export.apply(spans);
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
    }
}
