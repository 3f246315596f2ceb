package io.portwatch.otlp;

import java.util.List;

/**
 * One metric of a collection, as it goes out: a gauge or a cumulative monotonic sum, of whole
 * numbers or of doubles, with one point per attribute set.
 */
public final class OtlpMetric {

    public enum Type {
        GAUGE, SUM
    }

    public final String name;
    public final String description;
    public final String unit;
    public final Type type;
    /** Whether the points carry {@link Point#doubleValue} rather than {@link Point#longValue}. */
    public final boolean doubles;
    public final List<Point> points;

    public OtlpMetric(String name, String description, String unit, Type type, boolean doubles, List<Point> points) {
        this.name = name;
        this.description = description;
        this.unit = unit;
        this.type = type;
        this.doubles = doubles;
        this.points = points;
    }

    /** A data point; a sum's is cumulative from {@link #startEpochNanos}. */
    public static final class Point {
        public final OtlpAttributes attributes;
        public final long startEpochNanos;
        public final long epochNanos;
        public final long longValue;
        public final double doubleValue;

        public Point(OtlpAttributes attributes, long startEpochNanos, long epochNanos, long longValue, double doubleValue) {
            this.attributes = attributes;
            this.startEpochNanos = startEpochNanos;
            this.epochNanos = epochNanos;
            this.longValue = longValue;
            this.doubleValue = doubleValue;
        }
    }
}
