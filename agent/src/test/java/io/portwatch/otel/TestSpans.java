package io.portwatch.otel;

import io.portwatch.export.BatchQueue;
import io.portwatch.export.Sampler;
import io.portwatch.otlp.OtlpSpan;

import java.util.ArrayList;
import java.util.List;

/** A span output for tests: every span sampled, kept in a large queue, read back in order. */
final class TestSpans {

    private final BatchQueue<OtlpSpan> queue = new BatchQueue<>(100_000);
    private final List<OtlpSpan> ended = new ArrayList<>();
    final SpanOutput output = new SpanOutput(Sampler.of("always_on", 1.0), queue);

    /** Every span ended so far, in the order they ended. */
    List<OtlpSpan> ended() {
        queue.drain(ended, Integer.MAX_VALUE);
        return ended;
    }
}
