package io.portwatch.export;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Sampler}'s decisions against the SDK's own samplers', and {@link SpanIds}. */
class SamplerTest {

    private static final String[] NAMES = {"always_on", "always_off", "traceidratio", "parentbased_always_on",
            "parentbased_always_off", "parentbased_traceidratio"};
    private static final double[] RATIOS = {0.0, 1.0, 0.5, 0.25, 0.1, 0.001, 0.999, 1e-9, Double.NaN};

    @Test
    void decidesAsTheSdkForRandomAndEdgeTraceIds() {
        Random random = new Random(42);
        byte[][] ids = new byte[20_000][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = new byte[16];
            random.nextBytes(ids[i]);
        }
        long[] edges = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, -Long.MAX_VALUE,
                (long) (0.5 * Long.MAX_VALUE), (long) (0.5 * Long.MAX_VALUE) - 1, -(long) (0.5 * Long.MAX_VALUE)};
        for (int i = 0; i < edges.length; i++) {
            ids[i] = new byte[16];
            ids[i][0] = 1;
            for (int b = 0; b < 8; b++) ids[i][15 - b] = (byte) (edges[i] >>> (8 * b));
        }
        for (String name : NAMES) {
            for (double ratio : RATIOS) {
                Sampler ours = Sampler.of(name, ratio);
                io.opentelemetry.sdk.trace.samplers.Sampler sdk = sdk(name, ratio);
                int sampled = 0;
                for (byte[] id : ids) {
                    String hex = TraceId.fromBytes(id);
                    boolean expected = sampled(sdk, Context.root(), hex);
                    assertEquals(expected, ours.sampleRoot(id), name + " " + ratio + " root " + hex);
                    if (expected) sampled++;
                    for (boolean parent : new boolean[]{true, false}) {
                        assertEquals(sampled(sdk, parent(hex, parent), hex), ours.sampleChild(id, parent),
                                name + " " + ratio + " child of a " + (parent ? "" : "not ") + "sampled parent " + hex);
                    }
                }
                if (name.endsWith("traceidratio") && ratio == 0.5) {
                    assertTrue(Math.abs(sampled - ids.length / 2) < ids.length / 20, "about half: " + sampled);
                }
            }
        }
    }

    @Test
    void refusesWhatTheSdkRefuses() {
        assertThrows(IllegalArgumentException.class, () -> Sampler.of("traceidratio", 1.5));
        assertThrows(IllegalArgumentException.class, () -> Sampler.of("parentbased_traceidratio", -0.1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sampler.of("sometimes", 1));
        assertTrue(e.getMessage().contains("otel.traces.sampler: sometimes"), e.getMessage());
        assertEquals("parentbased_always_on", Sampler.of(null, 1).name(), "unset: the SDK's default");
        assertEquals("always_on", Sampler.of(" always_on ", 1).name());
    }

    @Test
    void idsAreRandomAndNeverZero() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            byte[] trace = SpanIds.traceId();
            byte[] span = SpanIds.spanId();
            assertEquals(16, trace.length);
            assertEquals(8, span.length);
            assertTrue(TraceId.isValid(TraceId.fromBytes(trace)));
            assertTrue(SpanId.isValid(SpanId.fromBytes(span)));
            assertFalse(Arrays.equals(new byte[8], Arrays.copyOfRange(trace, 8, 16)), "the sampled part is never zero");
            assertTrue(seen.add(TraceId.fromBytes(trace)), "no repeats");
            assertTrue(seen.add(SpanId.fromBytes(span)), "no repeats");
        }
    }

    private static io.opentelemetry.sdk.trace.samplers.Sampler sdk(String name, double ratio) {
        boolean parentBased = name.startsWith("parentbased_");
        String root = parentBased ? name.substring("parentbased_".length()) : name;
        io.opentelemetry.sdk.trace.samplers.Sampler s = root.equals("always_on")
                ? io.opentelemetry.sdk.trace.samplers.Sampler.alwaysOn()
                : root.equals("always_off") ? io.opentelemetry.sdk.trace.samplers.Sampler.alwaysOff()
                : io.opentelemetry.sdk.trace.samplers.Sampler.traceIdRatioBased(ratio);
        return parentBased ? io.opentelemetry.sdk.trace.samplers.Sampler.parentBased(s) : s;
    }

    private static Context parent(String traceHex, boolean sampled) {
        SpanContext parent = SpanContext.create(traceHex, "00f067aa0ba902b7",
                sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault());
        return Context.root().with(Span.wrap(parent));
    }

    private static boolean sampled(io.opentelemetry.sdk.trace.samplers.Sampler sdk, Context parent, String traceHex) {
        return sdk.shouldSample(parent, traceHex, "tcp.connection", SpanKind.CLIENT, Attributes.empty(),
                Collections.emptyList()).getDecision() == SamplingDecision.RECORD_AND_SAMPLE;
    }
}
