package io.portwatch.export;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.portwatch.otlp.OtlpAttributes;
import io.portwatch.otlp.OtlpMetric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PrometheusText} against the SDK's Prometheus exporter it replaces: the same metrics,
 * rendered by both, must give the same text, line for line, in both formats. Nothing is
 * normalised: neither writes timestamps (no {@code _created}, no scrape time) by default.
 */
class PrometheusTextTest {

    private static final OtlpAttributes RESOURCE = OtlpAttributes.of("service.name", "orders-writer", "service.instance.id", "a1b2-c3");
    private static final String SCOPE = "io.portwatch";
    private static final long START = 1_700_000_000_123_456_789L;
    private static final long NOW = START + 61_000_000_000L;

    /**
     * The metrics recorded through the real SDK (counters, long and double gauges, several series,
     * attribute keys and values with dots and odd characters, a two-attribute resource), collected
     * once and handed to both.
     */
    @Test
    void metricsRecordedThroughTheSdkRenderAsTheExporterRendersThem() {
        Capture capture = new Capture();
        Resource resource = Resource.create(ExporterReference.attributes(RESOURCE));
        try (SdkMeterProvider provider = SdkMeterProvider.builder().setResource(resource).registerMetricReader(capture).build()) {
            Meter meter = provider.meterBuilder(SCOPE).setInstrumentationVersion("0.1.0").build();
            LongCounter opened = meter.counterBuilder("portwatch.connections.opened").setUnit("{connection}")
                    .setDescription("Physical TCP connections \"opened\" \\ accepted\nby this JVM").build();
            opened.add(3, Attributes.of(AttributeKey.stringKey("portwatch.direction"), "outgoing"));
            opened.add(5, Attributes.of(AttributeKey.stringKey("portwatch.direction"), "accepted"));
            opened.add(2, Attributes.of(AttributeKey.stringKey("portwatch.direction"), "accepted",
                    AttributeKey.booleanKey("portwatch.instrumented"), false));
            DoubleCounter cpu = meter.counterBuilder("portwatch.cpu.time").ofDoubles().setUnit("s").build();
            cpu.add(0.25, Attributes.of(AttributeKey.stringKey("thread"), "reporter"));
            cpu.add(1.5, Attributes.of(AttributeKey.stringKey("thread"), "sampler"));
            meter.gaugeBuilder("portwatch.ports.used").ofLongs().setUnit("{port}").setDescription("ports held toward it now")
                    .buildWithCallback(r -> {
                        r.record(120, destination("10.1.2.3", 5432));
                        r.record(28231, destination("10.1.2.4", 3306));
                        r.record(0, destination("db.internal", 3306));
                    });
            meter.gaugeBuilder("portwatch.ports.seconds_left").setUnit("s")
                    .buildWithCallback(r -> {
                        r.record(550.25, destination("10.1.2.3", 5432));
                        r.record(1e10, destination("10.1.2.4", 3306));
                    });
            meter.gaugeBuilder("portwatch.ports.time_wait.rate").setUnit("{port}/s")
                    .buildWithCallback(r -> {
                        r.record(0.5, Attributes.of(AttributeKey.stringKey("portwatch.holder"), "jvm"));
                        r.record(1.5, Attributes.of(AttributeKey.stringKey("portwatch.holder"), "other"));
                    });
            meter.gaugeBuilder("portwatch.connect.duration").setUnit("ms").buildWithCallback(r -> r.record(12.75));
            meter.gaugeBuilder("portwatch.connect.duration.trend").setUnit("1")
                    .buildWithCallback(r -> {
                        r.record(1e-7, Attributes.of(AttributeKey.stringKey("k"), "small"));
                        r.record(Double.NEGATIVE_INFINITY, Attributes.of(AttributeKey.stringKey("k"), "low"));
                        r.record(Double.POSITIVE_INFINITY, Attributes.of(AttributeKey.stringKey("k"), "high"));
                    });
            meter.gaugeBuilder("portwatch.odd.attributes").ofLongs()
                    .buildWithCallback(r -> r.record(Long.MAX_VALUE, Attributes.builder()
                            .put("odd-key/with.dots", "quote\" back\\slash\nnewline é€😀")
                            .put("3d.key", true)
                            .put("ratio", 0.125)
                            .put("__reserved", -7L)
                            .build()));
            Collection<MetricData> data = capture.registration.collectAllMetrics();
            assertEquals(8, data.size(), data::toString);
            assertSame(data, "0.1.0");
        }
    }

    private static Attributes destination(String address, long port) {
        return Attributes.of(AttributeKey.stringKey("server.address"), address, AttributeKey.longKey("server.port"), port,
                AttributeKey.stringKey("network.local.address"), "10.0.0.5");
    }

    /** The corners of the naming and the merging, each set rendered by both. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("corners")
    void cornersRenderAsTheExporterRendersThem(String name, List<OtlpMetric> metrics, OtlpAttributes resource, String version) {
        List<String> problems = new ArrayList<>();
        PrometheusText text = new PrometheusText(resource, SCOPE, version, problems::add);
        List<MetricData> data = ExporterReference.toSdk(metrics, resource, SCOPE, version);
        assertRendersSame(ExporterReference.render(data, false), text.text(metrics));
        assertRendersSame(ExporterReference.render(data, true), text.openMetrics(metrics));
    }

    static Stream<Arguments> corners() {
        return Stream.of(
                Arguments.of("values", List.of(
                        doubleGauge("g.values", Double.NaN, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 3.0, 1e21, 123456789.0),
                        gauge("g.longs", "", longs(0, -1, Long.MIN_VALUE, 9_999_999, 10_000_000))), RESOURCE, "0.1.0"),
                Arguments.of("labels", List.of(
                        gauge("g.collide", "", point(1, "a.b", "x", "a_b", "y", "a-b", "z", "c", "w")),
                        gauge("g.scope", "", point(1, "otel.scope.name", "mine", "otel.scope.version", "v9", "_y", "u", "__x", 7L)),
                        gauge("g.order", "", point(1, "b", "1"), point(2, "a", "1"), point(3, "a", "0", "b", "0"), point(4),
                                point(5, "b", "1", "c", "1"), point(6, "a", "10"), point(7, "a", "9"), point(8, "B", "1"))),
                        OtlpAttributes.of("a.b", "1", "a_b", "2", "service.name", "q\"uote\\\n"), null),
                Arguments.of("names", List.of(
                        gauge("3g..x__y:z", "By", point(1)),
                        gauge("x.total", "1", point(2)),
                        counter("c.total", "1", point(3)),
                        counter("_total", "", point(4)),
                        gauge("y_info_created", "", point(5)),
                        gauge("été.name", "", point(6)),
                        gauge("name.seconds", "s", point(7)),
                        counter("c.secs", "s", point(8))), RESOURCE, "0.1.0"),
                Arguments.of("units", List.of(
                        gauge("u.1", "KiBy/h", point(1)), gauge("u.2", "{a}b/{c}", point(2)), gauge("u.3", "_x.y-z_", point(3)),
                        gauge("u.4", "foo_total", point(4)), gauge("u.5", "%", point(5)), gauge("u.6", "Cel/s", point(6)),
                        gauge("u.7", "/s", point(7)), gauge("u.8", "{unclosed", point(8)), gauge("u.9", "m/{x}", point(9)),
                        gauge("u.10", " {a} ", point(10)), gauge("u.11", "1/s", point(11)), gauge("u.12", "By/%", point(12)),
                        gauge("u.13", "total", point(13)), gauge("u.14", "x/y/z", point(14)), gauge("u.15", "{a}s", point(15)),
                        gauge("u.16", "  s", point(16)), gauge("u.17", "é", point(17)), counter("u.18", "d", point(18))),
                        RESOURCE, "0.1.0"),
                Arguments.of("merged and conflicting", List.of(
                        new OtlpMetric("m.merge", "one", "", OtlpMetric.Type.GAUGE, false, List.of(point(1, "k", "1"))),
                        new OtlpMetric("m_merge", "two", "", OtlpMetric.Type.GAUGE, false, List.of(point(2, "k", "2"))),
                        new OtlpMetric("h.merge", "same", "", OtlpMetric.Type.GAUGE, false, List.of(point(1, "k", "1"))),
                        new OtlpMetric("h-merge", "same", "", OtlpMetric.Type.GAUGE, false, List.of(point(2, "k", "0"))),
                        gauge("t.conflict", "", point(1)), counter("t.conflict", "", point(2)),
                        gauge("v.x", "s", point(1)), gauge("v.x.seconds", "", point(2, "k", "2")),
                        gauge("w.x.seconds", "", point(1)), gauge("w.x", "s", point(2, "k", "2")),
                        gauge("empty", "", new OtlpMetric.Point[0])), RESOURCE, "0.1.0"),
                Arguments.of("left out", List.of(
                        gauge("empty.key", "", point(1, "", "x")), gauge("bad.key", "", point(1, ".", "x")),
                        gauge("duplicate", "", point(1, "a.b", "x"), point(2, "a_b", "x")),
                        gauge("xseconds", "s", point(1)), gauge("...", "", point(1)),
                        gauge("kept", "", point(1, "ok", "yes"))), RESOURCE, "0.1.0"),
                Arguments.of("nothing written but the resource", List.of(gauge("empty", "", new OtlpMetric.Point[0])), RESOURCE, "0.1.0"),
                Arguments.of("no metrics, no resource", List.of(), RESOURCE, "0.1.0"),
                Arguments.of("all left out, no resource", List.of(gauge("bad", "", point(1, ".", "x"))), RESOURCE, "0.1.0"),
                Arguments.of("a metric takes target_info's name", List.of(gauge("target", "", point(1))), RESOURCE, "0.1.0"),
                Arguments.of("empty resource", List.of(gauge("g", "", point(1))), OtlpAttributes.EMPTY, "0.1.0"));
    }

    /** What the exporter leaves out is left out here too, and said, once however many scrapes. */
    @Test
    void aMetricLeftOutIsSaidOnce() {
        List<String> problems = new ArrayList<>();
        PrometheusText text = new PrometheusText(RESOURCE, SCOPE, null, problems::add);
        List<OtlpMetric> metrics = List.of(gauge("duplicate", "", point(1, "a.b", "x"), point(2, "a_b", "x")), gauge("kept", "", point(1)));
        String first = text.text(metrics);
        String second = text.text(metrics);
        assertEquals(first, second);
        assertFalse(first.contains("duplicate"), first);
        assertTrue(first.contains("kept{otel_scope_name=\"io.portwatch\"} 1.0\n"), first);
        assertEquals(List.of("Prometheus: metric duplicate left out: two series with the labels {a_b=\"x\",otel_scope_name=\"io.portwatch\"}"),
                problems);
    }

    /** {@code name[]}: a metric is kept when a name asked for begins with its name (so {@code _total} and {@code _info} work). */
    @Test
    void theNameFilterKeepsMetricsWhoseNameBeginsANameAskedFor() {
        PrometheusText text = new PrometheusText(RESOURCE, SCOPE, null, p -> { });
        List<OtlpMetric> metrics = List.of(counter("c", "", point(1)), gauge("c.x", "", point(2)), gauge("d", "", point(3)));
        assertEquals("# HELP c_total desc of c\n# TYPE c_total counter\nc_total{otel_scope_name=\"io.portwatch\"} 1.0\n"
                        + "# TYPE target_info gauge\ntarget_info{service_instance_id=\"a1b2-c3\",service_name=\"orders-writer\"} 1\n",
                text.render(metrics, false, List.of("c_total", "target_info")));
        assertEquals(text.text(metrics), text.render(metrics, false, List.of()));
        assertEquals("# EOF\n", text.render(metrics, true, List.of("")));
    }

    private static void assertSame(Collection<MetricData> data, String version) {
        List<OtlpMetric> metrics = ExporterReference.fromSdk(data);
        List<String> problems = new ArrayList<>();
        PrometheusText text = new PrometheusText(RESOURCE, SCOPE, version, problems::add);
        assertRendersSame(ExporterReference.render(data, false), text.text(metrics));
        assertRendersSame(ExporterReference.render(data, true), text.openMetrics(metrics));
        assertEquals(List.of(), problems);
    }

    /** Equal texts; else the first line that differs, then the whole of both. */
    static void assertRendersSame(String expected, String actual) {
        if (expected.equals(actual)) return;
        List<String> e = Arrays.asList(expected.split("\n", -1));
        List<String> a = Arrays.asList(actual.split("\n", -1));
        int i = 0;
        while (i < e.size() && i < a.size() && e.get(i).equals(a.get(i))) i++;
        assertEquals(expected, actual, "line " + (i + 1) + " differs:\n  exporter: "
                + (i < e.size() ? e.get(i) : "(end)") + "\n  ours:     " + (i < a.size() ? a.get(i) : "(end)") + "\n");
    }

    static OtlpMetric gauge(String name, String unit, OtlpMetric.Point... points) {
        return new OtlpMetric(name, "", unit, OtlpMetric.Type.GAUGE, false, Arrays.asList(points));
    }

    /** A gauge of doubles, one series a value, labelled by its index. */
    static OtlpMetric doubleGauge(String name, double... values) {
        List<OtlpMetric.Point> points = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            points.add(new OtlpMetric.Point(OtlpAttributes.of("i", (long) i), START, NOW, 0, values[i]));
        }
        return new OtlpMetric(name, "", "", OtlpMetric.Type.GAUGE, true, points);
    }

    static OtlpMetric counter(String name, String unit, OtlpMetric.Point... points) {
        return new OtlpMetric(name, "desc of " + name, unit, OtlpMetric.Type.SUM, false, Arrays.asList(points));
    }

    /** A whole-number point with attributes from alternating keys and values. */
    static OtlpMetric.Point point(long value, Object... keysAndValues) {
        return new OtlpMetric.Point(OtlpAttributes.of(keysAndValues), START, NOW, value, 0);
    }

    private static OtlpMetric.Point[] longs(long... values) {
        OtlpMetric.Point[] out = new OtlpMetric.Point[values.length];
        for (int i = 0; i < values.length; i++) out[i] = point(values[i], "i", (long) i);
        return out;
    }

    /** Holds the SDK's collection, to read it once for both renderers. */
    private static final class Capture implements MetricReader {
        CollectionRegistration registration;

        @Override
        public void register(CollectionRegistration registration) {
            this.registration = registration;
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
        }

        @Override
        public CompletableResultCode forceFlush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
