package io.portwatch.otlp;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link OtlpEncoder}'s requests, decoded with opentelemetry-proto's generated classes. */
class OtlpEncoderTest {

    private static final OtlpAttributes RESOURCE = OtlpAttributes.of(
            "service.name", "checkout-ß", "host.name", "db-01", "process.pid", 4242L);
    private static final OtlpEncoder ENCODER = new OtlpEncoder(RESOURCE, "io.portwatch", "0.1.0");

    private static final byte[] TRACE_ID = bytes(16, 0xA1);
    private static final byte[] ROOT_ID = bytes(8, 0x10);
    private static final byte[] CHILD_ID = bytes(8, 0xF0);
    private static final long T0 = 1_765_100_000_123_456_789L;

    /** Every attribute type, a non-ASCII and an IPv6 string, extreme longs, an empty string. */
    private static final OtlpAttributes ALL_TYPES = OtlpAttributes.builder()
            .put("server.address", "2001:db8::ff00:42:8329")
            .put("peer", "[fe80::1%eth0]:5432")
            .put("db.name", "Grüße 東京 🚀")
            .put("empty", "")
            .put("server.port", 3306L)
            .put("negative", -1L)
            .put("min", Long.MIN_VALUE)
            .put("max", Long.MAX_VALUE)
            .put("ratio", 0.25)
            .put("below.zero", -1.5e-300)
            .put("zero.double", 0.0)
            .put("yes", true)
            .put("no", false)
            .build();

    @Test
    void aRootSpanAndAChildSpanWithEveryField() throws Exception {
        OtlpSpan root = new OtlpSpan(TRACE_ID, ROOT_ID, null, "connection churn", OtlpSpan.Kind.SERVER, T0, T0 + 5_000_000,
                ALL_TYPES, Arrays.asList(
                new OtlpSpan.Event("opened", T0 + 1, OtlpAttributes.of("fd", 17L)),
                new OtlpSpan.Event("closé", T0 + 2, OtlpAttributes.EMPTY)), false, null);
        OtlpSpan child = new OtlpSpan(TRACE_ID, CHILD_ID, ROOT_ID, "JDBC connect", OtlpSpan.Kind.CLIENT, T0 + 10, T0 + 20,
                OtlpAttributes.EMPTY, Collections.<OtlpSpan.Event>emptyList(), true, "connection refused: 127.0.0.1:1");

        byte[] bytes = ENCODER.traces(Arrays.asList(root, child));
        ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(bytes);
        // protobuf-java writes fields in number order, as the encoder does for spans: equal bytes
        // say no field is unknown, repeated or padded, and every length is in as few bytes as it takes.
        assertArrayEquals(request.toByteArray(), bytes);

        assertEquals(1, request.getResourceSpansCount());
        ResourceSpans resourceSpans = request.getResourceSpans(0);
        assertResource(resourceSpans.getResource());
        assertEquals("", resourceSpans.getSchemaUrl());
        assertEquals(1, resourceSpans.getScopeSpansCount());
        assertScope(resourceSpans.getScopeSpans(0).getScope(), "io.portwatch", "0.1.0");
        List<Span> spans = resourceSpans.getScopeSpans(0).getSpansList();
        assertEquals(2, spans.size());

        Span r = spans.get(0);
        assertArrayEquals(TRACE_ID, r.getTraceId().toByteArray());
        assertArrayEquals(ROOT_ID, r.getSpanId().toByteArray());
        assertTrue(r.getParentSpanId().isEmpty());
        assertEquals("", r.getTraceState());
        assertEquals("connection churn", r.getName());
        assertEquals(Span.SpanKind.SPAN_KIND_SERVER, r.getKind());
        assertEquals(T0, r.getStartTimeUnixNano());
        assertEquals(T0 + 5_000_000, r.getEndTimeUnixNano());
        assertAttributes(ALL_TYPES, r.getAttributesList());
        assertEquals(2, r.getEventsCount());
        assertEquals("opened", r.getEvents(0).getName());
        assertEquals(T0 + 1, r.getEvents(0).getTimeUnixNano());
        assertAttributes(OtlpAttributes.of("fd", 17L), r.getEvents(0).getAttributesList());
        assertEquals("closé", r.getEvents(1).getName());
        assertEquals(T0 + 2, r.getEvents(1).getTimeUnixNano());
        assertEquals(0, r.getEvents(1).getAttributesCount());
        assertTrue(r.hasStatus(), "an unset status is sent, empty, as the SDK sends it");
        assertEquals(Status.getDefaultInstance(), r.getStatus());
        assertEquals(0x103, r.getFlags(), "sampled, random trace id, parent not remote");
        assertEquals(0, r.getLinksCount());
        assertEquals(0, r.getDroppedAttributesCount() + r.getDroppedEventsCount() + r.getDroppedLinksCount());

        Span c = spans.get(1);
        assertArrayEquals(TRACE_ID, c.getTraceId().toByteArray());
        assertArrayEquals(CHILD_ID, c.getSpanId().toByteArray());
        assertArrayEquals(ROOT_ID, c.getParentSpanId().toByteArray());
        assertEquals("JDBC connect", c.getName());
        assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, c.getKind());
        assertEquals(T0 + 10, c.getStartTimeUnixNano());
        assertEquals(T0 + 20, c.getEndTimeUnixNano());
        assertEquals(0, c.getAttributesCount());
        assertEquals(0, c.getEventsCount());
        assertEquals(Status.StatusCode.STATUS_CODE_ERROR, c.getStatus().getCode());
        assertEquals("connection refused: 127.0.0.1:1", c.getStatus().getMessage());
        assertEquals(0x103, c.getFlags());
    }

    @Test
    void anErrorWithoutMessageAnInternalSpanAndNulls() throws Exception {
        OtlpSpan span = new OtlpSpan(TRACE_ID, ROOT_ID, null, null, OtlpSpan.Kind.INTERNAL, 0, 0, null, null, true, null);
        byte[] bytes = new OtlpEncoder(OtlpAttributes.EMPTY, "scope", null).traces(Arrays.asList(null, span, null));
        ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(bytes);
        assertEquals(1, request.getResourceSpans(0).getScopeSpans(0).getSpansCount(), "null spans are left out");
        assertTrue(request.getResourceSpans(0).hasResource());
        assertEquals(Resource.getDefaultInstance(), request.getResourceSpans(0).getResource());
        assertScope(request.getResourceSpans(0).getScopeSpans(0).getScope(), "scope", "");
        Span s = request.getResourceSpans(0).getScopeSpans(0).getSpans(0);
        assertEquals("", s.getName());
        assertEquals(Span.SpanKind.SPAN_KIND_INTERNAL, s.getKind());
        assertEquals(0, s.getStartTimeUnixNano());
        assertEquals(0, s.getAttributesCount() + s.getEventsCount());
        assertEquals(Status.StatusCode.STATUS_CODE_ERROR, s.getStatus().getCode());
        assertEquals("", s.getStatus().getMessage());
    }

    /** Lengths that take two and three bytes: spans over 127 bytes, one over 16383, a request of megabytes. */
    @Test
    void manySpansAndLargeOnes() throws Exception {
        List<OtlpSpan> spans = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            byte[] spanId = bytes(8, i);
            spans.add(new OtlpSpan(TRACE_ID, spanId, i % 2 == 0 ? null : ROOT_ID, "span " + i + " ü", OtlpSpan.Kind.CLIENT,
                    T0 + i, T0 + 2L * i, ALL_TYPES.toBuilder().put("i", (long) i).build(),
                    Collections.singletonList(new OtlpSpan.Event("e" + i, T0 + i, OtlpAttributes.of("k", "v"))),
                    i % 3 == 0, i % 3 == 0 ? "failed " + i : null));
        }
        char[] big = new char[20_000];
        Arrays.fill(big, 'é');
        spans.add(new OtlpSpan(TRACE_ID, ROOT_ID, null, "big", OtlpSpan.Kind.SERVER, T0, T0,
                OtlpAttributes.of("sql", new String(big)), null, false, null));

        byte[] bytes = ENCODER.traces(spans);
        ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(bytes);
        assertArrayEquals(request.toByteArray(), bytes);
        List<Span> decoded = request.getResourceSpans(0).getScopeSpans(0).getSpansList();
        assertEquals(spans.size(), decoded.size());
        assertTrue(bytes.length > 2_097_152, "a request whose lengths take four bytes: " + bytes.length);
        assertTrue(decoded.get(0).getSerializedSize() > 127);
        assertTrue(decoded.get(5000).getSerializedSize() > 16383);
        for (int i = 0; i < 5000; i++) {
            Span s = decoded.get(i);
            assertEquals("span " + i + " ü", s.getName());
            assertArrayEquals(bytes(8, i), s.getSpanId().toByteArray());
            assertEquals(i % 2 == 0, s.getParentSpanId().isEmpty());
            assertEquals(T0 + 2L * i, s.getEndTimeUnixNano());
            assertAttributes(spans.get(i).attributes, s.getAttributesList());
            assertEquals("e" + i, s.getEvents(0).getName());
            assertEquals(i % 3 == 0 ? "failed " + i : "", s.getStatus().getMessage());
        }
        assertEquals(new String(big), decoded.get(5000).getAttributes(0).getValue().getStringValue());
        // The next request of the encoder starts from this one's size; a smaller one is still whole.
        assertEquals(1, ExportTraceServiceRequest.parseFrom(ENCODER.traces(spans.subList(0, 1)))
                .getResourceSpans(0).getScopeSpans(0).getSpansCount());
    }

    @Test
    void gaugesAndCumulativeSumsOfLongsAndDoubles() throws Exception {
        OtlpAttributes pool = OtlpAttributes.of("pool", "HikariPool-1", "server.address", "::1");
        OtlpMetric longSum = new OtlpMetric("portwatch.connections.opened", "Connections opened", "{connection}",
                OtlpMetric.Type.SUM, false, Arrays.asList(
                new OtlpMetric.Point(pool, T0, T0 + 60, 12345678901L, 0),
                new OtlpMetric.Point(OtlpAttributes.EMPTY, T0, T0 + 60, 0, 0),
                new OtlpMetric.Point(OtlpAttributes.of("x", true), T0, T0 + 60, Long.MIN_VALUE, 0)));
        OtlpMetric doubleGauge = new OtlpMetric("portwatch.budget.usage", "", null, OtlpMetric.Type.GAUGE, true,
                Arrays.asList(new OtlpMetric.Point(pool, T0, T0 + 60, 0, 0.75),
                        new OtlpMetric.Point(OtlpAttributes.EMPTY, 0, T0 + 61, 99, 0.0)));
        OtlpMetric longGauge = new OtlpMetric("open", "Open now", "1", OtlpMetric.Type.GAUGE, false,
                Collections.singletonList(new OtlpMetric.Point(ALL_TYPES, T0, T0 + 1, -7, 0)));
        OtlpMetric doubleSum = new OtlpMetric("seconds", "Time", "s", OtlpMetric.Type.SUM, true,
                Collections.singletonList(new OtlpMetric.Point(pool, T0, T0 + 1, 0, 1e-9)));

        byte[] bytes = ENCODER.metrics(Arrays.asList(longSum, doubleGauge, longGauge, doubleSum));
        ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(bytes);
        assertArrayEquals(request.toByteArray(), bytes);
        assertEquals(1, request.getResourceMetricsCount());
        ResourceMetrics resourceMetrics = request.getResourceMetrics(0);
        assertResource(resourceMetrics.getResource());
        assertEquals(1, resourceMetrics.getScopeMetricsCount());
        assertScope(resourceMetrics.getScopeMetrics(0).getScope(), "io.portwatch", "0.1.0");
        List<Metric> metrics = resourceMetrics.getScopeMetrics(0).getMetricsList();
        assertEquals(4, metrics.size());

        Metric m = metrics.get(0);
        assertEquals("portwatch.connections.opened", m.getName());
        assertEquals("Connections opened", m.getDescription());
        assertEquals("{connection}", m.getUnit());
        assertEquals(Metric.DataCase.SUM, m.getDataCase());
        assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, m.getSum().getAggregationTemporality());
        assertTrue(m.getSum().getIsMonotonic());
        assertPoints(longSum, m.getSum().getDataPointsList());

        m = metrics.get(1);
        assertEquals("portwatch.budget.usage", m.getName());
        assertEquals("", m.getDescription());
        assertEquals("", m.getUnit());
        assertEquals(Metric.DataCase.GAUGE, m.getDataCase());
        assertPoints(doubleGauge, m.getGauge().getDataPointsList());

        m = metrics.get(2);
        assertEquals(Metric.DataCase.GAUGE, m.getDataCase());
        assertEquals("1", m.getUnit());
        assertPoints(longGauge, m.getGauge().getDataPointsList());

        m = metrics.get(3);
        assertEquals(Metric.DataCase.SUM, m.getDataCase());
        assertTrue(m.getSum().getIsMonotonic());
        assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, m.getSum().getAggregationTemporality());
        assertPoints(doubleSum, m.getSum().getDataPointsList());
    }

    @Test
    void logRecordsWithEveryField() throws Exception {
        OtlpLog warn = new OtlpLog(T0, OtlpLog.WARN, "WARN", "portwatch.budget.exceeded",
                "Budget exceeded: 12 connections/s to [2001:db8::1]:5432 — Grüße", ALL_TYPES);
        OtlpLog info = new OtlpLog(T0 + 1, OtlpLog.INFO, "INFO", null, null, OtlpAttributes.EMPTY);
        OtlpLog emptyBody = new OtlpLog(T0 + 2, OtlpLog.INFO, "", "e", "", null);

        byte[] bytes = ENCODER.logs(Arrays.asList(warn, info, emptyBody));
        ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(bytes);
        assertEquals(1, request.getResourceLogsCount());
        ResourceLogs resourceLogs = request.getResourceLogs(0);
        assertResource(resourceLogs.getResource());
        assertEquals(1, resourceLogs.getScopeLogsCount());
        assertScope(resourceLogs.getScopeLogs(0).getScope(), "io.portwatch", "0.1.0");
        List<LogRecord> records = resourceLogs.getScopeLogs(0).getLogRecordsList();
        assertEquals(3, records.size());

        LogRecord w = records.get(0);
        assertEquals(T0, w.getTimeUnixNano());
        assertEquals(T0, w.getObservedTimeUnixNano());
        assertEquals(SeverityNumber.SEVERITY_NUMBER_WARN, w.getSeverityNumber());
        assertEquals("WARN", w.getSeverityText());
        assertEquals("portwatch.budget.exceeded", w.getEventName());
        assertEquals(AnyValue.ValueCase.STRING_VALUE, w.getBody().getValueCase());
        assertEquals("Budget exceeded: 12 connections/s to [2001:db8::1]:5432 — Grüße", w.getBody().getStringValue());
        assertAttributes(ALL_TYPES, w.getAttributesList());
        assertEquals(0, w.getFlags());
        assertTrue(w.getTraceId().isEmpty() && w.getSpanId().isEmpty());

        LogRecord i = records.get(1);
        assertEquals(T0 + 1, i.getTimeUnixNano());
        assertEquals(T0 + 1, i.getObservedTimeUnixNano());
        assertEquals(SeverityNumber.SEVERITY_NUMBER_INFO, i.getSeverityNumber());
        assertEquals("INFO", i.getSeverityText());
        assertEquals("", i.getEventName());
        assertFalse(i.hasBody());
        assertEquals(0, i.getAttributesCount());

        LogRecord e = records.get(2);
        assertTrue(e.hasBody(), "an empty body is a body");
        assertEquals(AnyValue.ValueCase.STRING_VALUE, e.getBody().getValueCase());
        assertEquals("", e.getSeverityText());
        assertEquals("e", e.getEventName());
    }

    @Test
    void nothingToSendIsAnEmptyRequest() throws Exception {
        assertEquals(0, ENCODER.traces(Collections.<OtlpSpan>emptyList()).length);
        assertEquals(0, ENCODER.metrics(Collections.<OtlpMetric>emptyList()).length);
        assertEquals(0, ENCODER.logs(null).length);
        assertEquals(ExportTraceServiceRequest.getDefaultInstance(), ExportTraceServiceRequest.parseFrom(new byte[0]));
    }

    private static void assertPoints(OtlpMetric expected, List<NumberDataPoint> points) {
        assertEquals(expected.points.size(), points.size());
        for (int i = 0; i < points.size(); i++) {
            OtlpMetric.Point e = expected.points.get(i);
            NumberDataPoint p = points.get(i);
            assertEquals(e.startEpochNanos, p.getStartTimeUnixNano());
            assertEquals(e.epochNanos, p.getTimeUnixNano());
            if (expected.doubles) {
                assertEquals(NumberDataPoint.ValueCase.AS_DOUBLE, p.getValueCase(), "a zero is sent too");
                assertEquals(e.doubleValue, p.getAsDouble());
            } else {
                assertEquals(NumberDataPoint.ValueCase.AS_INT, p.getValueCase(), "a zero is sent too");
                assertEquals(e.longValue, p.getAsInt());
            }
            assertAttributes(e.attributes, p.getAttributesList());
            assertEquals(0, p.getExemplarsCount());
            assertEquals(0, p.getFlags());
        }
    }

    private static void assertResource(Resource resource) {
        assertAttributes(RESOURCE, resource.getAttributesList());
        assertEquals(0, resource.getDroppedAttributesCount());
    }

    private static void assertScope(InstrumentationScope scope, String name, String version) {
        assertEquals(name, scope.getName());
        assertEquals(version, scope.getVersion());
        assertEquals(0, scope.getAttributesCount());
    }

    /** The same keys in the same order, each value of the same type. */
    private static void assertAttributes(OtlpAttributes expected, List<KeyValue> actual) {
        Map<String, Object> want = new LinkedHashMap<>();
        for (int i = 0; i < expected.size(); i++) want.put(expected.key(i), expected.value(i));
        Map<String, Object> got = new LinkedHashMap<>();
        for (KeyValue kv : actual) {
            AnyValue v = kv.getValue();
            switch (v.getValueCase()) {
                case STRING_VALUE: got.put(kv.getKey(), v.getStringValue()); break;
                case INT_VALUE: got.put(kv.getKey(), v.getIntValue()); break;
                case DOUBLE_VALUE: got.put(kv.getKey(), v.getDoubleValue()); break;
                case BOOL_VALUE: got.put(kv.getKey(), v.getBoolValue()); break;
                default: got.put(kv.getKey(), "unexpected " + v.getValueCase());
            }
        }
        assertEquals(new ArrayList<>(want.entrySet()), new ArrayList<>(got.entrySet()));
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (seed * 7 + i * 13 + (seed >>> 8));
        return b;
    }
}
