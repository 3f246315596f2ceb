package io.portwatch.budget;

/**
 * How long {@code connect()} takes toward one destination, smoothed, and how that compares with
 * the best it has been. As the ephemeral range fills, the kernel searches longer for a free port
 * ({@code __inet_hash_connect()}; measured: 28,000 loopback connections in a row took 33 s,
 * far slower at the end than at the start), so a rising trend is an early sign of exhaustion that
 * needs no table read. Reporter thread only.
 */
public final class ConnectLatency {

    /** Weight of each new connect in the smoothed value: about the last 10 count. */
    private static final double ALPHA = 0.1;
    /** Connects before the best value is taken: the first few include class loading and DNS. */
    private static final int WARM_UP = 20;

    private double smoothed = Double.NaN;
    private double best = Double.POSITIVE_INFINITY;
    private long samples;

    public void observe(double millis) {
        if (millis < 0 || Double.isNaN(millis)) return;
        smoothed = Double.isNaN(smoothed) ? millis : smoothed + ALPHA * (millis - smoothed);
        if (++samples >= WARM_UP) {
            best = Math.min(best, smoothed);
        }
    }

    /** The smoothed connect duration in milliseconds; NaN before the first connect. */
    public double millis() {
        return smoothed;
    }

    /** The smoothed duration over the best smoothed duration since warm-up (1 = as fast as ever); NaN before. */
    public double trend() {
        return samples < WARM_UP || !(best > 0) ? Double.NaN : smoothed / best;
    }

    /** The best smoothed duration since warm-up, in milliseconds; NaN before. */
    public double bestMillis() {
        return samples < WARM_UP ? Double.NaN : best;
    }
}
