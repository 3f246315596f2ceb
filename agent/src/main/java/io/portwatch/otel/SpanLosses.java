package io.portwatch.otel;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Tells when the SDK's batch span processor drops spans. It does so without a word when its queue
 * is full ({@code otel.bsp.max.queue.size}, 2,048 by default), which a burst of connection ends
 * faster than the export can fill; only its own metric counts them. Here the spans ended (a
 * processor beside it) are set against the spans handed to the exporter: more ended than the
 * queue and one batch can hold means some were dropped. Exact once the SDK has shut down.
 */
final class SpanLosses implements SpanProcessor {

    private static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final LongAdder ended = new LongAdder();
    /** Handed to the exporter, whatever came of it. */
    private final AtomicLong exported = new AtomicLong();
    /** Accepted by the collector. */
    private final AtomicLong delivered = new AtomicLong();
    private final Consumer<String> problems;
    /** Spans that can wait in the batch processor without being dropped: its queue and one batch. */
    private volatile long waiting = 2048 + 512;
    private long reported;
    private long lastReportNanos;

    SpanLosses(Consumer<String> problems) {
        this.problems = problems;
    }

    /** The batch processor's queue size plus its batch size, as configured. */
    void waiting(long spans) {
        waiting = spans;
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
        return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        if (span.getSpanContext().isSampled()) ended.increment(); // the batch processor takes sampled spans only
    }

    @Override
    public boolean isEndRequired() {
        return true;
    }

    /**
     * {@code n} spans handed to the exporter; says so, at most every few minutes, when spans have
     * certainly been dropped since the last line. The exporter's thread.
     */
    synchronized void exported(int n) {
        long total = exported.addAndGet(n);
        long dropped = ended.sum() - total - waiting;
        long now = System.nanoTime();
        if (dropped > reported && (reported == 0 || now - lastReportNanos > QUIET_NANOS)) {
            problems.accept("at least " + dropped + " spans dropped so far: more connections ended than the"
                    + " OpenTelemetry SDK's span queue holds (otel.bsp.max.queue.size; the counters and the summary"
                    + " count every connection)");
            reported = dropped;
            lastReportNanos = now;
        }
    }

    /** {@code n} spans the collector accepted. */
    void delivered(int n) {
        delivered.addAndGet(n);
    }

    /** Spans ended and not (yet) handed to the exporter: after the SDK's shutdown, the ones dropped. */
    long notExported() {
        return ended.sum() - exported.get();
    }

    /** Spans handed to the exporter that the collector has not accepted: failed, or still on their way. */
    long notDelivered() {
        return exported.get() - delivered.get();
    }

    long ended() {
        return ended.sum();
    }
}
