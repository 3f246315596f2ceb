package io.portwatch.export;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.portwatch.otlp.OtlpAttributes;
import io.portwatch.otlp.OtlpMetric;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same instruments, measurements and collections through the OpenTelemetry SDK's meter
 * provider (cumulative, as the SDK's OTLP exporter asks) and through {@link MetricRegistry}, on
 * one clock: the outputs, start times included, are the same.
 */
class MetricRegistrySdkTest {

    /** Both clocks, epoch nanoseconds. */
    private long now = 1_000_000L;
    /** What the observers record next: attribute value of {@code k} to value. */
    private final Map<String, Double> gaugeValues = new TreeMap<>();
    private int bigSeries;
    private final Logger sdkLogger = Logger.getLogger("io.opentelemetry");
    private final Level sdkLevel = sdkLogger.getLevel();

    @AfterEach
    void restoreLogging() {
        sdkLogger.setLevel(sdkLevel);
    }

    @Test
    void sameOutputAsTheSdk() {
        sdkLogger.setLevel(Level.OFF); // its warnings (negative add, duplicate, cardinality) are expected here
        Reader reader = new Reader();
        SdkMeterProvider sdk = SdkMeterProvider.builder().setClock(new TestClock()).registerMetricReader(reader).build();
        Meter meter = sdk.get("io.portwatch");
        List<String> problems = new ArrayList<>();
        MetricRegistry registry = new MetricRegistry(now, problems::add, () -> now, MetricRegistry.CARDINALITY_LIMIT);

        now += 1000;
        io.opentelemetry.api.metrics.LongCounter sdkCounter = meter.counterBuilder("c").setDescription("d").setUnit("1").build();
        LongCounter counter = registry.counter("c", "d", "1");
        now += 1000;
        add(sdkCounter, counter, 1, "a");
        now += 500;
        add(sdkCounter, counter, 0, "z");
        add(sdkCounter, counter, -4, "a");
        now += 500;
        // Registered again: the same instrument, and another one of the same name.
        add(meter.counterBuilder("c").setDescription("d").setUnit("1").build(), registry.counter("c", "d", "1"), 2, "a");
        add(meter.counterBuilder("c").setDescription("other").build(), registry.counter("c", "other", null), 7, "a");
        meter.counterBuilder("unused").build();
        registry.counter("unused", null, null);
        now += 1000;
        gaugeValues.put("a", 3.0);
        meter.gaugeBuilder("g").ofLongs().buildWithCallback(m -> {
            for (Map.Entry<String, Double> e : gaugeValues.entrySet()) m.record(e.getValue().longValue(), sdk(e.getKey()));
        });
        registry.gauge("g", null, null, false, m -> {
            for (Map.Entry<String, Double> e : gaugeValues.entrySet()) m.record(e.getValue().longValue(), ours(e.getKey()));
        });
        meter.counterBuilder("oc").ofDoubles().setUnit("s").buildWithCallback(m -> {
            for (Map.Entry<String, Double> e : gaugeValues.entrySet()) {
                m.record(e.getValue(), sdk(e.getKey()));
                m.record(0.5, sdk(e.getKey())); // twice in one callback: summed
            }
        });
        registry.observableCounter("oc", null, "s", true, m -> {
            for (Map.Entry<String, Double> e : gaugeValues.entrySet()) {
                m.record(e.getValue(), ours(e.getKey()));
                m.record(0.5, ours(e.getKey()));
            }
        });
        meter.gaugeBuilder("empty").buildWithCallback(m -> {});
        registry.gauge("empty", null, null, true, m -> {});
        now += 6000;
        compare(reader, registry, "first collection");

        now += 1000;
        add(sdkCounter, counter, 5, "b");
        gaugeValues.remove("a");
        gaugeValues.put("b", 4.0);
        now += 1000;
        meter.gaugeBuilder("late").buildWithCallback(m -> m.record(1.5));
        registry.gauge("late", null, null, true, m -> m.record(1.5, null));
        now += 8000;
        compare(reader, registry, "a series gone, one new, an instrument new");

        now += 5000;
        gaugeValues.put("a", 9.0);
        gaugeValues.put("b", 4.5);
        compare(reader, registry, "a series back");

        io.opentelemetry.api.metrics.LongCounter sdkBig = meter.counterBuilder("big").build();
        LongCounter big = registry.counter("big", null, null);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 2100; i++) {
                now += 1;
                add(sdkBig, big, 1, "s" + i);
            }
        }
        meter.gaugeBuilder("gbig").buildWithCallback(m -> {
            for (int i = 0; i < bigSeries; i++) m.record(i, sdk("s" + i));
        });
        registry.gauge("gbig", null, null, true, m -> {
            for (int i = 0; i < bigSeries; i++) m.record(i, ours("s" + i));
        });
        meter.counterBuilder("ocbig").buildWithCallback(m -> {
            for (int i = 0; i < bigSeries; i++) m.record(10, sdk("s" + i));
        });
        registry.observableCounter("ocbig", null, null, false, m -> {
            for (int i = 0; i < bigSeries; i++) m.record(10, ours("s" + i));
        });
        bigSeries = 2003;
        now += 10_000;
        compare(reader, registry, "past the cardinality limit");
        bigSeries = 10;
        now += 10_000;
        compare(reader, registry, "back under it");
        assertTrue(problems.size() >= 4, problems::toString);
    }

    private static void add(io.opentelemetry.api.metrics.LongCounter sdk, LongCounter ours, long value, String k) {
        sdk.add(value, sdk(k));
        ours.add(value, ours(k));
    }

    private static Attributes sdk(String k) {
        return Attributes.of(AttributeKey.stringKey("k"), k, AttributeKey.longKey("n"), 1L);
    }

    private static OtlpAttributes ours(String k) {
        return OtlpAttributes.of("k", k, "n", 1L);
    }

    private void compare(Reader reader, MetricRegistry registry, String when) {
        TreeSet<String> expected = new TreeSet<>();
        for (MetricData d : reader.registration.collectAllMetrics()) expected.add(text(d));
        TreeSet<String> actual = new TreeSet<>();
        for (OtlpMetric m : registry.collect(now)) actual.add(text(m));
        assertEquals(String.join("\n", expected), String.join("\n", actual), when);
    }

    private static String text(MetricData d) {
        TreeSet<String> points = new TreeSet<>();
        for (PointData p : d.getData().getPoints()) {
            TreeMap<String, Object> attributes = new TreeMap<>();
            p.getAttributes().forEach((k, v) -> attributes.put(k.getKey(), v));
            Object value = p instanceof LongPointData ? (Object) ((LongPointData) p).getValue()
                    : (Object) ((DoublePointData) p).getValue();
            points.add(attributes + " " + p.getStartEpochNanos() + ".." + p.getEpochNanos() + " = " + value);
        }
        MetricDataType t = d.getType();
        boolean doubles = t == MetricDataType.DOUBLE_GAUGE || t == MetricDataType.DOUBLE_SUM;
        String type = t == MetricDataType.LONG_GAUGE || t == MetricDataType.DOUBLE_GAUGE ? "GAUGE" : "SUM";
        return d.getName() + " [" + d.getDescription() + "] (" + d.getUnit() + ") " + type + (doubles ? " doubles" : "")
                + " " + points.size() + " points\n  " + String.join("\n  ", points);
    }

    private static String text(OtlpMetric m) {
        TreeSet<String> points = new TreeSet<>();
        for (OtlpMetric.Point p : m.points) {
            TreeMap<String, Object> attributes = new TreeMap<>();
            for (int i = 0; i < p.attributes.size(); i++) attributes.put(p.attributes.key(i), p.attributes.value(i));
            Object value = m.doubles ? (Object) p.doubleValue : (Object) p.longValue;
            points.add(attributes + " " + p.startEpochNanos + ".." + p.epochNanos + " = " + value);
        }
        return m.name + " [" + m.description + "] (" + m.unit + ") " + m.type + (m.doubles ? " doubles" : "")
                + " " + points.size() + " points\n  " + String.join("\n  ", points);
    }

    private final class TestClock implements Clock {
        @Override
        public long now() {
            return now;
        }

        @Override
        public long nanoTime() {
            return now;
        }
    }

    /** A reader that collects when told, cumulative for every instrument. */
    private static final class Reader implements MetricReader {
        CollectionRegistration registration;

        @Override
        public void register(CollectionRegistration registration) {
            this.registration = registration;
        }

        @Override
        public CompletableResultCode forceFlush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
        }
    }
}
