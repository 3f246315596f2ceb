package io.portwatch.export;

/**
 * Whether a span is sampled, decided as the OpenTelemetry SDK's samplers named by
 * {@code otel.traces.sampler} decide it, so that a configuration keeps its meaning:
 * {@code always_on}, {@code always_off}, {@code traceidratio} and their {@code parentbased_}
 * forms ({@code parentbased_always_on} is the SDK's default).
 *
 * <p>{@code traceidratio} is the SDK's {@code TraceIdRatioBasedSampler}: the trace id's last 8
 * bytes, as a big-endian long, its absolute value below {@code (long) (ratio * Long.MAX_VALUE)}
 * ({@code Long.MIN_VALUE} for 0, {@code Long.MAX_VALUE} for 1); the same for a child span, whatever
 * its parent's decision. A {@code parentbased_} sampler decides a root span so, and a child as its
 * parent was (the SDK's defaults for a parent in the same process).
 */
public final class Sampler {

    /** The SDK's default, {@code otel.traces.sampler} unset. */
    public static final String DEFAULT = "parentbased_always_on";

    /** How a root span is decided. */
    private static final int ALWAYS_ON = 0;
    private static final int ALWAYS_OFF = 1;
    private static final int RATIO = 2;

    private final String name;
    private final int root;
    private final double ratio;
    private final boolean parentBased;
    /** A root span is sampled when the trace id's random part's absolute value is below this. */
    private final long idUpperBound;

    private Sampler(String name, int root, double ratio, boolean parentBased) {
        this.name = name;
        this.root = root;
        this.ratio = ratio;
        this.parentBased = parentBased;
        this.idUpperBound = idUpperBound(ratio);
    }

    /**
     * The sampler {@code otel.traces.sampler} names (null: the SDK's default), {@code ratio} being
     * {@code otel.traces.sampler.arg} (used by the {@code traceidratio} ones only; the SDK's
     * default is 1.0).
     *
     * @throws IllegalArgumentException for another name (one line, to say as a configuration
     *                                  error), or a ratio outside [0, 1]
     */
    public static Sampler of(String name, double ratio) {
        String n = name == null ? DEFAULT : name.trim();
        boolean parentBased = n.startsWith("parentbased_");
        String root = parentBased ? n.substring("parentbased_".length()) : n;
        if (root.equals("always_on")) return new Sampler(n, ALWAYS_ON, 1.0, parentBased);
        if (root.equals("always_off")) return new Sampler(n, ALWAYS_OFF, 0.0, parentBased);
        if (root.equals("traceidratio")) {
            if (ratio < 0.0 || ratio > 1.0) {
                throw new IllegalArgumentException("otel.traces.sampler.arg must be a ratio in [0.0, 1.0], not " + ratio);
            }
            return new Sampler(n, RATIO, ratio, parentBased);
        }
        throw new IllegalArgumentException("unrecognized value for otel.traces.sampler: " + name + " (always_on,"
                + " always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio)");
    }

    /**
     * The SDK's bound, its special cases too: the limits avoid a loss of precision, and
     * {@code Long.MIN_VALUE} is never passed, not even by the id whose absolute value it is.
     */
    private static long idUpperBound(double ratio) {
        if (ratio == 0.0) return Long.MIN_VALUE;
        if (ratio == 1.0) return Long.MAX_VALUE;
        return (long) (ratio * Long.MAX_VALUE);
    }

    /** Whether a root span of trace {@code traceId} (16 bytes) is sampled. */
    public boolean sampleRoot(byte[] traceId) {
        if (root == ALWAYS_ON) return true;
        if (root == ALWAYS_OFF) return false;
        return Math.abs(randomPart(traceId)) < idUpperBound;
    }

    /** Whether a child span of trace {@code traceId} is sampled, its parent having been or not. */
    public boolean sampleChild(byte[] traceId, boolean parentSampled) {
        return parentBased ? parentSampled : sampleRoot(traceId);
    }

    /** The trace id's last 8 bytes, big-endian: the part the SDK takes as random. */
    static long randomPart(byte[] traceId) {
        long v = 0;
        for (int i = 8; i < 16; i++) {
            v = (v << 8) | (traceId[i] & 0xff);
        }
        return v;
    }

    /** The name, as configured. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return root == RATIO ? name + "{" + ratio + "}" : name;
    }
}
