package io.portwatch.otel;

import io.portwatch.export.BatchQueue;
import io.portwatch.export.Sampler;
import io.portwatch.export.SpanIds;
import io.portwatch.otlp.OtlpSpan;

/**
 * Where the spans portwatch builds go: their ids, the sampler's decision
 * ({@code OTEL_TRACES_SAMPLER}), and the span queue. A span is built only while the queue has room
 * ({@link #room()}): at high connection rates span building and export are most of what the agent
 * costs, and a span the queue would drop (a collector down, hanging or slow) is not worth building;
 * the queue counts it as not built, and the export loop says so now and then.
 */
public final class SpanOutput {

    /** No spans leave the process: none is built. */
    static final SpanOutput NONE = new SpanOutput(null, null);

    private final Sampler sampler;
    private final BatchQueue<OtlpSpan> queue;

    SpanOutput(Sampler sampler, BatchQueue<OtlpSpan> queue) {
        this.sampler = sampler;
        this.queue = queue;
    }

    /** Whether a span built now finds room in the queue; ask just before building one. */
    public boolean room() {
        return queue != null && queue.room();
    }

    public byte[] traceId() {
        return SpanIds.traceId();
    }

    public byte[] spanId() {
        return SpanIds.spanId();
    }

    /** The sampler's decision for a span that starts a trace. */
    public boolean sampledRoot(byte[] traceId) {
        return sampler.sampleRoot(traceId);
    }

    /** The sampler's decision for a span whose parent was (or was not) sampled. */
    public boolean sampledChild(byte[] traceId, boolean parentSampled) {
        return sampler.sampleChild(traceId, parentSampled);
    }

    /** The ended span, to the queue (which counts it if it is full after all). */
    public void end(OtlpSpan span) {
        queue.offer(span);
    }
}
