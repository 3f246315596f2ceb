package io.portwatch.export;

import io.portwatch.otlp.OtlpAttributes;
import io.portwatch.otlp.OtlpMetric;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A counter of whole numbers, added to as things happen: one cumulative series per attribute set,
 * kept for the life of the process, as the OpenTelemetry SDK's cumulative sums are. A series'
 * start time is when it was first added to, as in the SDK (not the registry's start).
 * Past {@link MetricRegistry#CARDINALITY_LIMIT} series, new attribute sets are counted in one
 * series {@code otel.metric.overflow=true}.
 *
 * <p>{@link #add} is called per connection on the reporter thread, and collected on the export
 * thread: an add to an existing series is a lock-free map look-up (the attribute sets are built
 * once and their hash cached) and an atomic add.
 */
public final class LongCounter extends Instrument {

    private final MetricRegistry registry;
    private final ConcurrentHashMap<OtlpAttributes, Series> series = new ConcurrentHashMap<>();
    private volatile boolean negativeReported;
    private volatile boolean overflowReported;

    LongCounter(MetricRegistry registry, String name, String description, String unit) {
        super(name, description, unit, COUNTER, false);
        this.registry = registry;
    }

    /**
     * Adds {@code value} to the series of {@code attributes} (null: no attributes). A negative
     * value is ignored, as the SDK ignores it (a counter only increases), and said once; zero
     * starts a series, as in the SDK.
     */
    public void add(long value, OtlpAttributes attributes) {
        if (value < 0) {
            if (!negativeReported) {
                negativeReported = true;
                registry.problem("metric " + name + " is a counter, it can only increase: "
                        + value + " ignored (and any other negative value, without a word)");
            }
            return;
        }
        OtlpAttributes a = attributes == null ? OtlpAttributes.EMPTY : attributes;
        Series s = series.get(a);
        if (s == null) s = newSeries(a);
        s.addAndGet(value);
    }

    /** The series of a new attribute set, or the overflow series once there are too many. */
    private Series newSeries(OtlpAttributes a) {
        // The SDK's rule: one short of the limit, the last place being the overflow series'.
        if (series.size() >= registry.cardinalityLimit - 1) {
            if (!overflowReported) {
                overflowReported = true;
                registry.problem("metric " + name + " has " + (registry.cardinalityLimit - 1)
                        + " attribute sets: the others are counted together as otel.metric.overflow=true");
            }
            a = MetricRegistry.OVERFLOW;
            Series overflow = series.get(a);
            if (overflow != null) return overflow;
        }
        Series s = new Series(registry.epochNanos());
        Series raced = series.putIfAbsent(a, s);
        return raced != null ? raced : s;
    }

    @Override
    List<OtlpMetric.Point> points(long nowEpochNanos) {
        List<OtlpMetric.Point> points = new ArrayList<>(series.size());
        for (Map.Entry<OtlpAttributes, Series> e : series.entrySet()) {
            Series s = e.getValue();
            points.add(new OtlpMetric.Point(e.getKey(), s.startEpochNanos, nowEpochNanos, s.get(), 0));
        }
        return points;
    }

    /**
     * A series' count and start. An {@link AtomicLong} itself rather than holding one: one object
     * per series instead of two.
     */
    @SuppressWarnings("serial")
    private static final class Series extends AtomicLong {
        final long startEpochNanos;

        Series(long startEpochNanos) {
            this.startEpochNanos = startEpochNanos;
        }
    }
}
