package io.portwatch.export;

import io.portwatch.otlp.OtlpAttributes;
import io.portwatch.otlp.OtlpMetric;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * portwatch's metrics, in place of the OpenTelemetry SDK's meter provider: counters added to as
 * things happen ({@link LongCounter}), and gauges and observable counters whose observers are
 * asked at each collection. Every sum is cumulative, the SDK's default temporality.
 *
 * <p>What shows in the output follows the SDK (1.68): a series' start time (a counter's: when it
 * was first added to; an observed one's: see {@link ObservedMetric}), the cardinality limit of
 * {@link #CARDINALITY_LIMIT} series per metric with the overflow series
 * {@code otel.metric.overflow=true}, and an instrument registered twice: with the same identity
 * (name ignoring case, description, unit, kind, number type) it is the same instrument; otherwise
 * both are exported, under the same name, and that is said once. A metric without points is left
 * out of a collection.
 *
 * <p>Instruments are registered on any thread; {@link #collect} runs on one thread at a time (the
 * export thread), and so do the observers.
 */
public final class MetricRegistry {

    /** Series per metric, the SDK's default: the last place is the overflow series'. */
    public static final int CARDINALITY_LIMIT = 2000;

    static final OtlpAttributes OVERFLOW = OtlpAttributes.of("otel.metric.overflow", true);

    final int cardinalityLimit;
    private final long startEpochNanos;
    private final long startNanoTime;
    /** Epoch nanoseconds now, for tests; null: the monotonic clock from the start. */
    private final LongSupplier clock;
    private final Consumer<String> problems;
    /** In registration order; guarded by this. */
    private final List<Instrument> instruments = new ArrayList<>();
    private long lastCollectEpochNanos;

    /**
     * {@code startEpochNanos}: the time now; the registry's clock (series start times, and
     * {@link #epochNanos()}) runs on from it on the monotonic clock, so that a change of the
     * wall clock does not make a series start after its points. {@code problems}: where what goes
     * wrong is said, in one line (an observer that throws, too many series, a negative add).
     */
    public MetricRegistry(long startEpochNanos, Consumer<String> problems) {
        this(startEpochNanos, problems, null, CARDINALITY_LIMIT);
    }

    MetricRegistry(long startEpochNanos, Consumer<String> problems, LongSupplier clock, int cardinalityLimit) {
        this.startEpochNanos = startEpochNanos;
        this.startNanoTime = System.nanoTime();
        this.problems = problems;
        this.clock = clock;
        this.cardinalityLimit = cardinalityLimit;
    }

    /** Epoch nanoseconds now, on the registry's clock: the time to {@link #collect} at. */
    public long epochNanos() {
        return clock != null ? clock.getAsLong() : startEpochNanos + (System.nanoTime() - startNanoTime);
    }

    /** A counter of whole numbers (a cumulative monotonic sum); the same one for the same identity. */
    public LongCounter counter(String name, String description, String unit) {
        synchronized (this) {
            for (int i = 0; i < instruments.size(); i++) {
                Instrument existing = instruments.get(i);
                if (existing.sameAs(name, description, unit, Instrument.COUNTER, false)) return (LongCounter) existing;
            }
            LongCounter counter = new LongCounter(this, name, description, unit);
            register(counter);
            return counter;
        }
    }

    /** A gauge: the values {@code observer} records at each collection, whole numbers unless {@code doubles}. */
    public void gauge(String name, String description, String unit, boolean doubles, Observer observer) {
        observed(name, description, unit, Instrument.GAUGE, doubles, observer);
    }

    /**
     * A monotonic cumulative sum whose totals {@code observer} records at each collection (the
     * values observed are the sums, not increments), whole numbers unless {@code doubles}.
     */
    public void observableCounter(String name, String description, String unit, boolean doubles, Observer observer) {
        observed(name, description, unit, Instrument.OBSERVABLE_COUNTER, doubles, observer);
    }

    private synchronized void observed(String name, String description, String unit, int kind, boolean doubles,
                                       Observer observer) {
        for (int i = 0; i < instruments.size(); i++) {
            Instrument existing = instruments.get(i);
            if (existing.sameAs(name, description, unit, kind, doubles)) {
                ((ObservedMetric) existing).add(observer);
                return;
            }
        }
        ObservedMetric metric = new ObservedMetric(this, name, description, unit, kind, doubles, epochNanos());
        metric.add(observer);
        register(metric);
    }

    /** Adds an instrument, saying so when another of the same name is exported beside it. */
    private void register(Instrument added) {
        for (int i = 0; i < instruments.size(); i++) {
            if (instruments.get(i).name.equalsIgnoreCase(added.name)) {
                problem("metric " + added.name + " registered twice with a different description, unit or kind:"
                        + " both are exported, under the same name");
                break;
            }
        }
        instruments.add(added);
    }

    /**
     * The metrics at {@code nowEpochNanos}: runs the observers (one that throws is skipped, keeping
     * what it recorded before, and the failures are said in one line per collection), and leaves
     * out the metrics without a point.
     */
    public synchronized List<OtlpMetric> collect(long nowEpochNanos) {
        List<OtlpMetric> metrics = new ArrayList<>(instruments.size());
        StringBuilder failed = null;
        for (int i = 0; i < instruments.size(); i++) {
            Instrument instrument = instruments.get(i);
            if (instrument instanceof ObservedMetric) {
                String failure = ((ObservedMetric) instrument).observe(lastCollectEpochNanos);
                if (failure != null) {
                    if (failed == null) failed = new StringBuilder("metric observers failed, their other values left out: ");
                    else failed.append(", ");
                    failed.append(failure);
                }
            }
            List<OtlpMetric.Point> points = instrument.points(nowEpochNanos);
            if (!points.isEmpty()) {
                metrics.add(new OtlpMetric(instrument.name, instrument.description, instrument.unit, instrument.type(),
                        instrument.doubles, points));
            }
        }
        lastCollectEpochNanos = nowEpochNanos;
        if (failed != null) problem(failed.toString());
        return metrics;
    }

    /** Says {@code line}; a problems consumer that throws is not the registry's caller's problem. */
    void problem(String line) {
        try {
            problems.accept(line);
        } catch (RuntimeException ignored) {
            // Nowhere left to say it.
        }
    }

    /** Records the values of a gauge or an observable counter, at a collection. */
    public interface Observer {
        void observe(Measurements m);
    }

    /** What an {@link Observer} records values with: one per attribute set (null: none). */
    public interface Measurements {
        void record(long value, OtlpAttributes a);

        void record(double value, OtlpAttributes a);
    }
}
