package io.portwatch.export;

import io.portwatch.otlp.OtlpAttributes;
import io.portwatch.otlp.OtlpMetric;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A gauge or an observable counter: its observers are asked for their values at each collection,
 * on the export thread only. The series are what they recorded this time, the ones they no longer
 * record gone, as in the OpenTelemetry SDK, whose rules for these show in the output and are
 * followed here:
 * <ul>
 *   <li>an attribute set recorded twice in one collection: a gauge keeps the last value, a counter
 *       the sum;</li>
 *   <li>a series' start time is the instrument's creation when it first appears at the first
 *       collection, otherwise the previous collection's time; it keeps it while it is recorded at
 *       every collection;</li>
 *   <li>past {@link MetricRegistry#CARDINALITY_LIMIT} series (the ones of the previous collection
 *       still counting until this one ends), new attribute sets go to one series
 *       {@code otel.metric.overflow=true}, summed or last-value as above;</li>
 *   <li>an observer that throws keeps what it recorded before it threw.</li>
 * </ul>
 */
final class ObservedMetric extends Instrument implements MetricRegistry.Measurements {

    private final MetricRegistry registry;
    private final long createdEpochNanos;
    private final List<MetricRegistry.Observer> observers = new ArrayList<>(1);
    private final Map<OtlpAttributes, Series> series = new HashMap<>();
    /** During a collection: the start time of a series that appears now. */
    private long newSeriesStart;
    private boolean overflowReported;

    ObservedMetric(MetricRegistry registry, String name, String description, String unit, int kind, boolean doubles,
                   long createdEpochNanos) {
        super(name, description, unit, kind, doubles);
        this.registry = registry;
        this.createdEpochNanos = createdEpochNanos;
    }

    /** Another observer of the same instrument (a second registration of the same identity). */
    void add(MetricRegistry.Observer observer) {
        observers.add(observer);
    }

    /**
     * Runs the observers; returns what those that threw said ({@code name (Exception: message)}),
     * or null when none did.
     */
    String observe(long lastCollectEpochNanos) {
        newSeriesStart = lastCollectEpochNanos != 0 ? lastCollectEpochNanos : createdEpochNanos;
        String failed = null;
        for (int i = 0; i < observers.size(); i++) {
            try {
                observers.get(i).observe(this);
            } catch (Throwable e) {
                // The collection goes on: the other observers, and the next collections, may well work.
                failed = name + " (" + e + ")";
            }
        }
        return failed;
    }

    @Override
    List<OtlpMetric.Point> points(long nowEpochNanos) {
        List<OtlpMetric.Point> points = new ArrayList<>(series.size());
        for (Iterator<Map.Entry<OtlpAttributes, Series>> it = series.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<OtlpAttributes, Series> e = it.next();
            Series s = e.getValue();
            if (!s.recorded) {
                it.remove();
                continue;
            }
            points.add(new OtlpMetric.Point(e.getKey(), s.startEpochNanos, nowEpochNanos, s.longValue, s.doubleValue));
            s.recorded = false;
            s.longValue = 0;
            s.doubleValue = 0;
        }
        return points;
    }

    @Override
    public void record(long value, OtlpAttributes a) {
        Series s = series(a);
        if (kind == GAUGE) {
            s.longValue = value;
            s.doubleValue = value;
        } else {
            s.longValue += value;
            s.doubleValue += value;
        }
    }

    @Override
    public void record(double value, OtlpAttributes a) {
        Series s = series(a);
        if (kind == GAUGE) {
            s.longValue = (long) value;
            s.doubleValue = value;
        } else {
            s.longValue += (long) value;
            s.doubleValue += value;
        }
    }

    private Series series(OtlpAttributes attributes) {
        OtlpAttributes a = attributes == null ? OtlpAttributes.EMPTY : attributes;
        Series s = series.get(a);
        if (s == null) {
            if (series.size() >= registry.cardinalityLimit - 1) {
                if (!overflowReported) {
                    overflowReported = true;
                    registry.problem("metric " + name + " has " + (registry.cardinalityLimit - 1)
                            + " attribute sets: the others are recorded together as otel.metric.overflow=true");
                }
                a = MetricRegistry.OVERFLOW;
                s = series.get(a);
            }
            if (s == null) {
                s = new Series(newSeriesStart);
                series.put(a, s);
            }
        }
        s.recorded = true;
        return s;
    }

    /** A series; both values kept, the metric's kind says which goes out. */
    private static final class Series {
        final long startEpochNanos;
        boolean recorded;
        long longValue;
        double doubleValue;

        Series(long startEpochNanos) {
            this.startEpochNanos = startEpochNanos;
        }
    }
}
