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
 * Keeps the SDK's batch span processor from dropping spans, and says what was not exported.
 *
 * <p>The processor drops a span without a word when its queue is full
 * ({@code otel.bsp.max.queue.size}, 2,048 by default): a burst of connection ends faster than the
 * export, or a collector that is down or hangs (the exporter retries one batch for seconds while
 * the queue fills). Building such a span is wasted work, and at high connection rates span
 * building and export are most of what the agent costs. So the spans ended (a processor beside
 * the batch processor) are set against the spans handed to the exporter: what lies between is in
 * the queue or in the batch being filled. {@link #room()} lets a span be built only while that
 * is below the queue's size, less a margin for spans built without asking (a JDBC connection's
 * span, whose socket's span already names it as parent; budget warnings); the others are not
 * built, and counted. The connection counters and the summary still count every connection.
 *
 * <p>Any span the processor drops all the same is seen as spans ended and never handed over. They
 * are said too, at most every few minutes; exactly once the SDK has shut down.
 */
final class SpanLosses implements SpanProcessor {

    private static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final LongAdder ended = new LongAdder();
    /** Handed to the exporter, whatever came of it. */
    private final AtomicLong exported = new AtomicLong();
    /** Accepted by the collector. */
    private final AtomicLong delivered = new AtomicLong();
    private volatile boolean lastExportFailed;
    /** Not built: the queue had no room. */
    private final AtomicLong notBuilt = new AtomicLong();
    private final Consumer<String> problems;
    /** Spans that can wait in the batch processor without being dropped: its queue and one batch. */
    private volatile long waiting = 2048 + 512;
    /** Spans in the batch processor past which no more are built. */
    private volatile long roomLimit = 2048 - 512;
    private volatile int batchSize = 512;
    /**
     * Spans ended and not handed over as the last batch short of full found them, when the queue
     * was empty: dropped all the same (or ended while it was taken). Without this, every span the
     * processor dropped would shrink the room for good.
     */
    private final AtomicLong forgotten = new AtomicLong();
    private long reported;
    private long lastReportNanos;
    /** {@link #room()}'s own line: the reporter thread only. */
    private long notBuiltReportNanos;
    private boolean notBuiltReported;

    SpanLosses(Consumer<String> problems) {
        this.problems = problems;
    }

    /** The batch processor's queue size and batch size, as configured. */
    void capacity(int queueSize, int batchSize) {
        waiting = (long) queueSize + batchSize;
        roomLimit = queueSize - Math.min(batchSize, queueSize / 4);
        this.batchSize = batchSize;
    }

    /**
     * Whether a span built now finds room in the batch processor's queue; if not, it is counted
     * as not built, and said at most every few minutes. The reporter thread.
     */
    boolean room() {
        if (ended.sum() - exported.get() - forgotten.get() < roomLimit) return true;
        long n = notBuilt.incrementAndGet();
        long now = System.nanoTime();
        if (!notBuiltReported || now - notBuiltReportNanos > QUIET_NANOS) {
            problems.accept("the OpenTelemetry SDK's span queue is full: spans are not built until it has room ("
                    + n + " so far; a collector down or slow, or more connections than it takes: otel.bsp.max.queue.size);"
                    + " the counters and the summary count every connection");
            notBuiltReported = true;
            notBuiltReportNanos = now;
        }
        return false;
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
        long endedNow = ended.sum();
        if (n < batchSize) {
            // The processor takes a batch short of full only when its queue is empty: whatever the
            // counts say is still queued is not, give or take spans ended meanwhile (set, not
            // added to, so that those few do not add up over a long run).
            forgotten.set(endedNow - total);
        }
        long dropped = endedNow - total - waiting;
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
        lastExportFailed = false;
    }

    /** An export the collector did not accept (refused, timed out, an error answer). */
    void failed() {
        lastExportFailed = true;
    }

    /** Whether the last export that ended failed: the collector is most likely down still. */
    boolean lastExportFailed() {
        return lastExportFailed;
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

    /** Spans not built because the queue had no room ({@link #room()}). */
    long notBuilt() {
        return notBuilt.get();
    }
}
