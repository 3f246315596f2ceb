package io.portwatch.it.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP/HTTP receiver on loopback: decodes the protobuf the agent's exporter sends, so the
 * tests assert on what went over the wire, not on what the agent meant to send.
 */
public final class OtlpReceiver implements AutoCloseable {

    /** A received span, flattened for assertions. */
    public static final class ReceivedSpan {
        public final String service;
        public final String name;
        public final Span.SpanKind kind;
        public final Map<String, Object> attributes;
        public final io.opentelemetry.proto.trace.v1.Status.StatusCode status;
        public final String traceId;
        public final String spanId;
        public final String parentSpanId;
        public final long startNanos;
        public final long endNanos;

        ReceivedSpan(String service, Span s) {
            this.service = service;
            this.name = s.getName();
            this.kind = s.getKind();
            this.attributes = flatten(s.getAttributesList());
            this.status = s.getStatus().getCode();
            this.traceId = hex(s.getTraceId().toByteArray());
            this.spanId = hex(s.getSpanId().toByteArray());
            this.parentSpanId = hex(s.getParentSpanId().toByteArray());
            this.startNanos = s.getStartTimeUnixNano();
            this.endNanos = s.getEndTimeUnixNano();
        }

        public String str(String key) {
            Object v = attributes.get(key);
            return v == null ? null : v.toString();
        }

        public Long num(String key) {
            return (Long) attributes.get(key);
        }

        @Override
        public String toString() {
            return name + " " + kind + " " + status + " " + attributes;
        }
    }

    /** A received log record, flattened. */
    public static final class ReceivedLog {
        public final String severity;
        public final String eventName;
        public final String body;
        public final Map<String, Object> attributes;
        /** The record's time, else its observed time (Unix epoch nanoseconds; 0 when neither is set). */
        public final long timeUnixNanos;
        /** When this receiver got it ({@link System#currentTimeMillis()}). */
        public final long receivedMillis = System.currentTimeMillis();

        ReceivedLog(LogRecord r) {
            this.timeUnixNanos = r.getTimeUnixNano() != 0 ? r.getTimeUnixNano() : r.getObservedTimeUnixNano();
            this.severity = r.getSeverityText();
            this.eventName = r.getEventName();
            this.body = r.getBody().getStringValue();
            this.attributes = flatten(r.getAttributesList());
        }

        @Override
        public String toString() {
            return severity + " " + eventName + " " + body + " " + attributes;
        }
    }

    private final HttpServer server;
    /** The host part of {@link #endpoint()}. */
    private final String endpointHost;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private final List<ReceivedLog> logs = new CopyOnWriteArrayList<>();
    private final List<String> metricNames = new CopyOnWriteArrayList<>();
    private final List<Metric> metrics = new CopyOnWriteArrayList<>();
    /** Every request as protobuf text, resources included: for searching what left the process. */
    private final List<String> requestTexts = new CopyOnWriteArrayList<>();

    public OtlpReceiver() throws IOException {
        this(InetAddress.getLoopbackAddress(), "127.0.0.1");
    }

    /**
     * A receiver listening on {@code bindAddress} (e.g. the host end of a veth pair into a test's
     * network namespace), so that a child in another namespace can export to {@link #endpoint()}.
     */
    public OtlpReceiver(InetAddress bindAddress) throws IOException {
        this(bindAddress, bindAddress instanceof java.net.Inet6Address
                ? "[" + bindAddress.getHostAddress() + "]" : bindAddress.getHostAddress());
    }

    private OtlpReceiver(InetAddress bindAddress, String endpointHost) throws IOException {
        this.endpointHost = endpointHost;
        server = HttpServer.create(new InetSocketAddress(bindAddress, 0), 50);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "otlp-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/v1/traces", this::traces);
        server.createContext("/v1/metrics", this::metrics);
        server.createContext("/v1/logs", this::logs);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String endpoint() {
        return "http://" + endpointHost + ":" + port();
    }

    public List<ReceivedSpan> spans() {
        return Collections.unmodifiableList(new ArrayList<>(spans));
    }

    public List<ReceivedSpan> spans(Predicate<ReceivedSpan> filter) {
        List<ReceivedSpan> out = new ArrayList<>();
        for (ReceivedSpan s : spans) {
            if (filter.test(s)) out.add(s);
        }
        return out;
    }

    public List<ReceivedLog> logs() {
        return new ArrayList<>(logs);
    }

    public List<String> metricNames() {
        return new ArrayList<>(metricNames);
    }

    /** Every span, metric and log request received, as protobuf text, resources included. */
    public String everythingReceived() {
        return String.join("\n", requestTexts);
    }

    public List<Metric> metrics() {
        return new ArrayList<>(metrics);
    }

    /** Waits until at least {@code count} spans match, or the timeout passes; returns the matches. */
    public List<ReceivedSpan> awaitSpans(Predicate<ReceivedSpan> filter, int count, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ReceivedSpan> found = spans(filter);
            if (found.size() >= count || System.nanoTime() > deadline) return found;
            Thread.sleep(50);
        }
    }

    /** The log records that match {@code filter}, as soon as there is one, or none after {@code timeout}. */
    public List<ReceivedLog> awaitLogs(Predicate<ReceivedLog> filter, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ReceivedLog> found = new ArrayList<>();
            for (ReceivedLog l : logs) {
                if (filter.test(l)) found.add(l);
            }
            if (!found.isEmpty() || System.nanoTime() > deadline) return found;
            Thread.sleep(50);
        }
    }

    private void traces(HttpExchange ex) throws IOException {
        ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(body(ex));
        requestTexts.add(req.toString());
        for (ResourceSpans rs : req.getResourceSpansList()) {
            String service = String.valueOf(flatten(rs.getResource().getAttributesList()).get("service.name"));
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                    spans.add(new ReceivedSpan(service, s));
                }
            }
        }
        ok(ex);
    }

    private void metrics(HttpExchange ex) throws IOException {
        ExportMetricsServiceRequest req = ExportMetricsServiceRequest.parseFrom(body(ex));
        requestTexts.add(req.toString());
        for (ResourceMetrics rm : req.getResourceMetricsList()) {
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric m : sm.getMetricsList()) {
                    metricNames.add(m.getName());
                    metrics.add(m);
                }
            }
        }
        ok(ex);
    }

    private void logs(HttpExchange ex) throws IOException {
        ExportLogsServiceRequest req = ExportLogsServiceRequest.parseFrom(body(ex));
        requestTexts.add(req.toString());
        for (ResourceLogs rl : req.getResourceLogsList()) {
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                for (LogRecord r : sl.getLogRecordsList()) {
                    logs.add(new ReceivedLog(r));
                }
            }
        }
        ok(ex);
    }

    private static byte[] body(HttpExchange ex) throws IOException {
        InputStream in = ex.getRequestBody();
        if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
            in = new GZIPInputStream(in);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    private static void ok(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        ex.sendResponseHeaders(200, 0);
        ex.getResponseBody().close();
    }

    static Map<String, Object> flatten(List<KeyValue> kvs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (KeyValue kv : kvs) {
            AnyValue v = kv.getValue();
            Object o;
            switch (v.getValueCase()) {
                case STRING_VALUE: o = v.getStringValue(); break;
                case INT_VALUE: o = v.getIntValue(); break;
                case BOOL_VALUE: o = v.getBoolValue(); break;
                case DOUBLE_VALUE: o = v.getDoubleValue(); break;
                default: o = v.toString(); break;
            }
            m.put(kv.getKey(), o);
        }
        return m;
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) sb.append(String.format("%02x", b));
        return sb.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
