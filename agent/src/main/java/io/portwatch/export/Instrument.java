package io.portwatch.export;

import io.portwatch.otlp.OtlpMetric;

import java.util.List;

/**
 * What every instrument of a {@link MetricRegistry} has: the identity the OpenTelemetry SDK
 * compares when an instrument is registered twice (name, ignoring case; description; unit; kind;
 * whole numbers or doubles), and its points at a collection.
 */
abstract class Instrument {

    /** The kinds the SDK tells apart: a counter and an observable counter of one name are not the same. */
    static final int COUNTER = 0;
    static final int OBSERVABLE_COUNTER = 1;
    static final int GAUGE = 2;

    final String name;
    final String description;
    final String unit;
    final int kind;
    final boolean doubles;

    Instrument(String name, String description, String unit, int kind, boolean doubles) {
        this.name = name;
        this.description = description == null ? "" : description;
        this.unit = unit == null ? "" : unit;
        this.kind = kind;
        this.doubles = doubles;
    }

    /** Whether the SDK would hand out this instrument's storage for these. */
    final boolean sameAs(String name, String description, String unit, int kind, boolean doubles) {
        return this.name.equalsIgnoreCase(name) && this.description.equals(description == null ? "" : description)
                && this.unit.equals(unit == null ? "" : unit) && this.kind == kind && this.doubles == doubles;
    }

    final OtlpMetric.Type type() {
        return kind == GAUGE ? OtlpMetric.Type.GAUGE : OtlpMetric.Type.SUM;
    }

    /** The points of a collection at {@code nowEpochNanos}; an empty list when there are none. */
    abstract List<OtlpMetric.Point> points(long nowEpochNanos);
}
