package io.portwatch.report;

import java.util.Arrays;

/**
 * One quantity over the whole run, in a fixed number of time buckets: when the run outgrows them,
 * neighbouring buckets are merged in pairs and each bucket covers twice the time. Memory stays at
 * {@code capacity} doubles whatever the run length; the resolution coarsens instead (a day-long
 * run at 256 buckets still has one point every six minutes). Not thread-safe: {@link RunHistory}
 * guards it.
 */
final class Series {

    /** How two values that fall into one bucket become one. */
    enum Merge {
        /** Gauges where the peak matters (ports held): a merged bucket keeps the highest. */
        MAX,
        /** Events counted per bucket (connections ended): a merged bucket keeps the sum. */
        SUM
    }

    private final double[] values;
    private final Merge merge;
    private long bucketMillis;
    /** Highest bucket index written so far; -1 while empty. */
    private int last = -1;

    Series(int capacity, long bucketMillis, Merge merge) {
        if (capacity < 2 || capacity % 2 != 0) throw new IllegalArgumentException("capacity must be even and >= 2");
        this.values = new double[capacity];
        this.merge = merge;
        this.bucketMillis = bucketMillis;
        // A gauge's empty bucket has no value (NaN: drawn as a gap); a count's is zero.
        Arrays.fill(values, merge == Merge.MAX ? Double.NaN : 0);
    }

    /** Adds {@code value} at {@code elapsedMillis} since the run started (negative: ignored). */
    void add(long elapsedMillis, double value) {
        if (elapsedMillis < 0 || Double.isNaN(value)) return;
        while (elapsedMillis / bucketMillis >= values.length) {
            coarsen();
        }
        int i = (int) (elapsedMillis / bucketMillis);
        values[i] = combine(values[i], value);
        last = Math.max(last, i);
    }

    /** Halves the resolution: bucket i takes buckets 2i and 2i+1. */
    private void coarsen() {
        int half = values.length / 2;
        for (int i = 0; i < half; i++) {
            values[i] = combine(values[2 * i], values[2 * i + 1]);
        }
        Arrays.fill(values, half, values.length, merge == Merge.MAX ? Double.NaN : 0);
        bucketMillis *= 2;
        last = last < 0 ? -1 : last / 2;
    }

    private double combine(double a, double b) {
        if (merge == Merge.SUM) return a + b;
        if (Double.isNaN(a)) return b;
        if (Double.isNaN(b)) return a;
        return Math.max(a, b);
    }

    long bucketMillis() {
        return bucketMillis;
    }

    /**
     * The points so far, as {@code {elapsed millis at the bucket's middle, value}}: gauges only
     * where a value was recorded; counts for every bucket up to {@code untilMillis} (zeros
     * included), as a rate per second when {@code perSecond}.
     */
    double[][] points(long untilMillis, boolean perSecond) {
        int end = merge == Merge.SUM
                ? (int) Math.min(values.length - 1, Math.max(last, untilMillis / bucketMillis)) : last;
        double[][] out = new double[end + 1][];
        int n = 0;
        for (int i = 0; i <= end; i++) {
            if (Double.isNaN(values[i])) continue;
            double v = perSecond ? values[i] * 1000.0 / bucketMillis : values[i];
            out[n++] = new double[] {i * bucketMillis + bucketMillis / 2.0, v};
        }
        return Arrays.copyOf(out, n);
    }

    int capacity() {
        return values.length;
    }
}
