package io.portwatch.otlp;

import java.util.List;

/**
 * Encodes spans, metrics and log records as the bodies of OTLP/HTTP's protobuf export requests
 * ({@code ExportTraceServiceRequest}, {@code ExportMetricsServiceRequest},
 * {@code ExportLogsServiceRequest} of opentelemetry-proto), each with one resource and one
 * instrumentation scope, the bytes the OpenTelemetry Java SDK's exporter would send for the same
 * data: the same fields in the same order, proto3's defaults (zero, empty) left out as it leaves
 * them out, an unset status sent as an empty {@code Status}, and a span's flags those of a sampled
 * span of a random trace id whose parent, if any, is in the same process.
 *
 * <p>Each call writes into a buffer of its own, so the three signals may be encoded on different
 * threads; the buffer starts at about the size of the same signal's previous request, which spares
 * the copies of its growth. A null string, attribute set or event list is left out as an empty
 * one would be, and so is a null span, metric, point, log record or event. Nothing is thrown but
 * for a request over 2 GB.
 */
public final class OtlpEncoder {

    // Field numbers, from opentelemetry-proto 1.9.0 (the tests decode with its generated classes).
    private static final int REQUEST_RESOURCE_DATA = 1; // resource_spans, resource_metrics, resource_logs
    private static final int RESOURCE_DATA_RESOURCE = 1, RESOURCE_DATA_SCOPE_DATA = 2; // ...scope_spans, scope_metrics, scope_logs
    private static final int SCOPE_DATA_SCOPE = 1, SCOPE_DATA_ITEMS = 2; // ...spans, metrics, log_records
    private static final int RESOURCE_ATTRIBUTES = 1;
    private static final int SCOPE_NAME = 1, SCOPE_VERSION = 2;
    private static final int KEY_VALUE_KEY = 1, KEY_VALUE_VALUE = 2;
    private static final int ANY_STRING = 1, ANY_BOOL = 2, ANY_INT = 3, ANY_DOUBLE = 4;

    private static final int SPAN_TRACE_ID = 1, SPAN_SPAN_ID = 2, SPAN_PARENT_SPAN_ID = 4, SPAN_NAME = 5,
            SPAN_KIND = 6, SPAN_START = 7, SPAN_END = 8, SPAN_ATTRIBUTES = 9, SPAN_EVENTS = 11, SPAN_STATUS = 15,
            SPAN_FLAGS = 16;
    private static final int EVENT_TIME = 1, EVENT_NAME = 2, EVENT_ATTRIBUTES = 3;
    private static final int STATUS_MESSAGE = 2, STATUS_CODE = 3;
    private static final int STATUS_CODE_ERROR = 2;
    /**
     * A span's flags: its trace flags, sampled (0x01) and random trace id (0x02, W3C Trace Context
     * level 2), and 0x100, "whether the parent is remote is known", its answer (0x200) being no.
     * What the SDK's marshaler (1.68) writes for each span portwatch made with it: sampled, in a
     * trace whose id its default generator made at random, the parent, if any, in the same
     * process. So the trace ids given to this encoder must be random too (their last 7 bytes at
     * least), as those of {@code ThreadLocalRandom} or {@code SecureRandom} are.
     */
    private static final int SAMPLED_RANDOM_LOCAL_SPAN_FLAGS = 0x103;

    private static final int METRIC_NAME = 1, METRIC_DESCRIPTION = 2, METRIC_UNIT = 3, METRIC_GAUGE = 5,
            METRIC_SUM = 7;
    private static final int DATA_POINTS = 1; // of Gauge and Sum
    private static final int SUM_TEMPORALITY = 2, SUM_MONOTONIC = 3;
    private static final int TEMPORALITY_CUMULATIVE = 2;
    private static final int POINT_START = 2, POINT_TIME = 3, POINT_AS_DOUBLE = 4, POINT_AS_INT = 6,
            POINT_ATTRIBUTES = 7;

    private static final int LOG_TIME = 1, LOG_SEVERITY_NUMBER = 2, LOG_SEVERITY_TEXT = 3, LOG_BODY = 5,
            LOG_ATTRIBUTES = 6, LOG_OBSERVED_TIME = 11, LOG_EVENT_NAME = 12;

    /** The encoded {@code Resource} and {@code InstrumentationScope}: the same in every request. */
    private final byte[] resource;
    private final byte[] scope;

    // Sizes of the last requests, for the next one's buffer. Racy on purpose: a stale size only
    // costs a copy.
    private int tracesSize;
    private int metricsSize;
    private int logsSize;

    /** resource: the resource's attributes; scopeVersion may be null. */
    public OtlpEncoder(OtlpAttributes resource, String scopeName, String scopeVersion) {
        ProtoWriter w = new ProtoWriter(256);
        attributes(w, RESOURCE_ATTRIBUTES, resource);
        this.resource = w.toByteArray();
        w = new ProtoWriter(64);
        optionalString(w, SCOPE_NAME, scopeName);
        optionalString(w, SCOPE_VERSION, scopeVersion);
        this.scope = w.toByteArray();
    }

    /** An {@code ExportTraceServiceRequest}; none (no bytes) for no spans. */
    public byte[] traces(List<OtlpSpan> spans) {
        if (spans == null || spans.isEmpty()) return new byte[0];
        ProtoWriter w = new ProtoWriter(tracesSize + tracesSize / 4);
        int resourceData = w.beginMessage(REQUEST_RESOURCE_DATA);
        int scopeData = beginScopeData(w);
        for (int i = 0; i < spans.size(); i++) {
            OtlpSpan item = spans.get(i);
            if (item != null) span(w, item);
        }
        w.endMessage(scopeData);
        w.endMessage(resourceData);
        byte[] request = w.toByteArray();
        tracesSize = request.length;
        return request;
    }

    /** An {@code ExportMetricsServiceRequest}; none (no bytes) for no metrics. */
    public byte[] metrics(List<OtlpMetric> metrics) {
        if (metrics == null || metrics.isEmpty()) return new byte[0];
        ProtoWriter w = new ProtoWriter(metricsSize + metricsSize / 4);
        int resourceData = w.beginMessage(REQUEST_RESOURCE_DATA);
        int scopeData = beginScopeData(w);
        for (int i = 0; i < metrics.size(); i++) {
            OtlpMetric item = metrics.get(i);
            if (item != null) metric(w, item);
        }
        w.endMessage(scopeData);
        w.endMessage(resourceData);
        byte[] request = w.toByteArray();
        metricsSize = request.length;
        return request;
    }

    /** An {@code ExportLogsServiceRequest}; none (no bytes) for no log records. */
    public byte[] logs(List<OtlpLog> logs) {
        if (logs == null || logs.isEmpty()) return new byte[0];
        ProtoWriter w = new ProtoWriter(logsSize + logsSize / 4);
        int resourceData = w.beginMessage(REQUEST_RESOURCE_DATA);
        int scopeData = beginScopeData(w);
        for (int i = 0; i < logs.size(); i++) {
            OtlpLog item = logs.get(i);
            if (item != null) log(w, item);
        }
        w.endMessage(scopeData);
        w.endMessage(resourceData);
        byte[] request = w.toByteArray();
        logsSize = request.length;
        return request;
    }

    /** Writes the resource and starts the one scope's data, the same in all three signals: returns its mark. */
    private int beginScopeData(ProtoWriter w) {
        w.bytesField(RESOURCE_DATA_RESOURCE, resource);
        int scopeData = w.beginMessage(RESOURCE_DATA_SCOPE_DATA);
        w.bytesField(SCOPE_DATA_SCOPE, scope);
        return scopeData;
    }

    private static void span(ProtoWriter w, OtlpSpan span) {
        int m = w.beginMessage(SCOPE_DATA_ITEMS);
        if (span.traceId != null) w.bytesField(SPAN_TRACE_ID, span.traceId);
        if (span.spanId != null) w.bytesField(SPAN_SPAN_ID, span.spanId);
        if (span.parentSpanId != null) w.bytesField(SPAN_PARENT_SPAN_ID, span.parentSpanId);
        optionalString(w, SPAN_NAME, span.name);
        if (span.kind != null) w.varintField(SPAN_KIND, span.kind.number);
        optionalFixed64(w, SPAN_START, span.startEpochNanos);
        optionalFixed64(w, SPAN_END, span.endEpochNanos);
        attributes(w, SPAN_ATTRIBUTES, span.attributes);
        List<OtlpSpan.Event> events = span.events;
        if (events != null) {
            for (int i = 0; i < events.size(); i++) {
                OtlpSpan.Event event = events.get(i);
                if (event == null) continue;
                int e = w.beginMessage(SPAN_EVENTS);
                optionalFixed64(w, EVENT_TIME, event.epochNanos);
                optionalString(w, EVENT_NAME, event.name);
                attributes(w, EVENT_ATTRIBUTES, event.attributes);
                w.endMessage(e);
            }
        }
        int status = w.beginMessage(SPAN_STATUS); // written when UNSET too, empty, as the SDK does
        if (span.error) {
            optionalString(w, STATUS_MESSAGE, span.statusMessage);
            w.varintField(STATUS_CODE, STATUS_CODE_ERROR);
        }
        w.endMessage(status);
        w.fixed32Field(SPAN_FLAGS, SAMPLED_RANDOM_LOCAL_SPAN_FLAGS);
        w.endMessage(m);
    }

    private static void metric(ProtoWriter w, OtlpMetric metric) {
        int m = w.beginMessage(SCOPE_DATA_ITEMS);
        optionalString(w, METRIC_NAME, metric.name);
        optionalString(w, METRIC_DESCRIPTION, metric.description);
        optionalString(w, METRIC_UNIT, metric.unit);
        boolean sum = metric.type == OtlpMetric.Type.SUM;
        int data = w.beginMessage(sum ? METRIC_SUM : METRIC_GAUGE);
        List<OtlpMetric.Point> points = metric.points;
        if (points != null) {
            for (int i = 0; i < points.size(); i++) {
                OtlpMetric.Point point = points.get(i);
                if (point == null) continue;
                int p = w.beginMessage(DATA_POINTS);
                optionalFixed64(w, POINT_START, point.startEpochNanos);
                optionalFixed64(w, POINT_TIME, point.epochNanos);
                // A oneof member: written even when zero.
                if (metric.doubles) {
                    w.doubleField(POINT_AS_DOUBLE, point.doubleValue);
                } else {
                    w.fixed64Field(POINT_AS_INT, point.longValue);
                }
                attributes(w, POINT_ATTRIBUTES, point.attributes);
                w.endMessage(p);
            }
        }
        if (sum) {
            w.varintField(SUM_TEMPORALITY, TEMPORALITY_CUMULATIVE);
            w.boolField(SUM_MONOTONIC, true);
        }
        w.endMessage(data);
        w.endMessage(m);
    }

    private static void log(ProtoWriter w, OtlpLog log) {
        int m = w.beginMessage(SCOPE_DATA_ITEMS);
        optionalFixed64(w, LOG_TIME, log.epochNanos);
        // The SDK stamps the observed time when the record is emitted, which is when portwatch
        // stamps its time: one value for both.
        optionalFixed64(w, LOG_OBSERVED_TIME, log.epochNanos);
        if (log.severityNumber != 0) w.varintField(LOG_SEVERITY_NUMBER, log.severityNumber);
        optionalString(w, LOG_SEVERITY_TEXT, log.severityText);
        if (log.body != null) {
            int body = w.beginMessage(LOG_BODY);
            w.stringField(ANY_STRING, log.body);
            w.endMessage(body);
        }
        attributes(w, LOG_ATTRIBUTES, log.attributes);
        optionalString(w, LOG_EVENT_NAME, log.eventName);
        w.endMessage(m);
    }

    /**
     * Each attribute as a {@code KeyValue} of field {@code field}. A key is encoded again each
     * time, straight into the buffer: that allocates nothing and, for the ASCII keys portwatch
     * uses, is one pass over a few chars, where a cache of encoded keys would cost a lookup each.
     */
    private static void attributes(ProtoWriter w, int field, OtlpAttributes attributes) {
        if (attributes == null) return;
        for (int i = 0; i < attributes.size(); i++) {
            int kv = w.beginMessage(field);
            optionalString(w, KEY_VALUE_KEY, attributes.key(i));
            int any = w.beginMessage(KEY_VALUE_VALUE);
            Object value = attributes.value(i);
            // AnyValue's members are a oneof: written even when empty, zero or false.
            if (value instanceof String) {
                w.stringField(ANY_STRING, (String) value);
            } else if (value instanceof Long) {
                w.varintField(ANY_INT, (Long) value);
            } else if (value instanceof Double) {
                w.doubleField(ANY_DOUBLE, (Double) value);
            } else if (value instanceof Boolean) {
                w.boolField(ANY_BOOL, (Boolean) value);
            }
            w.endMessage(any);
            w.endMessage(kv);
        }
    }

    private static void optionalString(ProtoWriter w, int field, String value) {
        if (value != null && !value.isEmpty()) w.stringField(field, value);
    }

    private static void optionalFixed64(ProtoWriter w, int field, long value) {
        if (value != 0) w.fixed64Field(field, value);
    }
}
