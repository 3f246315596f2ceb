package io.portwatch.export;

import io.portwatch.otlp.OtlpAttributes;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** portwatch's own defaults and the lines it says, over what the SDK would do. */
class ExportConfigTest {

    private static final String NOWHERE = "http://127.0.0.1:1";

    private static ExportConfig load(Map<String, String> arguments) {
        List<String> problems = new ArrayList<>();
        ExportConfig c = load(arguments, problems);
        assertEquals(List.of(), problems);
        return c;
    }

    private static ExportConfig load(Map<String, String> arguments, List<String> problems) {
        return SdkReference.ours(arguments, Map.of(), Map.of(), problems::add);
    }

    private static void assertOff(ExportConfig.Signal s) {
        assertFalse(s.otlp() || s.console() || s.prometheus(), s::toString);
    }

    /** No endpoint and no exporter named: nothing exported (the SDK would retry localhost:4318 forever). */
    @Test
    void nothingSetExportsNothing() {
        ExportConfig c = load(Map.of());
        assertFalse(c.exporting());
        assertFalse(c.disabled());
        assertOff(c.traces());
        assertOff(c.metrics());
        assertOff(c.logs());
        assertEquals(List.of(), c.notes());
    }

    @Test
    void theDefaults() {
        ExportConfig c = load(Map.of("otel.exporter.otlp.endpoint", NOWHERE));
        assertTrue(c.exporting());
        assertEquals("parentbased_always_on", c.samplerName());
        assertEquals(1.0, c.samplerRatio());
        assertEquals(List.of(5000L, 2048L, 512L, 30000L), List.of(c.spanDelayMillis(), (long) c.spanQueueSize(),
                (long) c.spanBatchSize(), c.spanExportTimeoutMillis()));
        assertEquals(List.of(1000L, 2048L, 512L, 30000L), List.of(c.logDelayMillis(), (long) c.logQueueSize(),
                (long) c.logBatchSize(), c.logExportTimeoutMillis()));
        assertEquals(60000, c.metricIntervalMillis());
        assertEquals(30000, c.metricExportTimeoutMillis());
        assertEquals("localhost", c.prometheusHost());
        assertEquals(9464, c.prometheusPort());
        for (ExportConfig.Signal s : List.of(c.traces(), c.metrics(), c.logs())) {
            assertTrue(s.otlp());
            assertFalse(s.console() || s.prometheus() || s.gzip());
            assertEquals(NOWHERE + "/v1/" + s.name(), s.endpoint().toString());
            assertEquals(Map.of(), s.headers());
            assertEquals(10000, s.timeoutMillis());
            assertNull(s.certificate());
        }
    }

    @Test
    void settingsAreRead() {
        Map<String, String> a = new HashMap<>();
        a.put("otel.exporter.otlp.endpoint", NOWHERE);
        a.put("otel.traces.sampler", "parentbased_traceidratio");
        a.put("otel.traces.sampler.arg", "0.1");
        a.put("otel.bsp.schedule.delay", "2s");
        a.put("otel.bsp.max.queue.size", "100");
        a.put("otel.bsp.max.export.batch.size", "200");
        a.put("otel.blrp.export.timeout", "0");
        a.put("otel.metric.export.interval", "15000");
        a.put("otel.metric.export.timeout", "5s");
        a.put("otel.logs.exporter", "console,otlp");
        ExportConfig c = load(a);
        assertEquals(0.1, c.samplerRatio());
        assertEquals(2000, c.spanDelayMillis());
        assertEquals(100, c.spanQueueSize());
        assertEquals(100, c.spanBatchSize(), "at most the queue, as the SDK makes it");
        assertEquals(Long.MAX_VALUE, c.logExportTimeoutMillis());
        assertEquals(15000, c.metricIntervalMillis());
        assertEquals(5000, c.metricExportTimeoutMillis());
        assertTrue(c.logs().console() && c.logs().otlp());
    }

    /** Metrics served to Prometheus, nothing else: no span or log record goes anywhere. */
    @Test
    void prometheusAlone() {
        ExportConfig c = load(Map.of("otel.metrics.exporter", "prometheus", "otel.exporter.prometheus.host", "0.0.0.0",
                "otel.exporter.prometheus.port", "9100"));
        assertTrue(c.exporting());
        assertTrue(c.metrics().prometheus());
        assertFalse(c.metrics().otlp());
        assertOff(c.traces());
        assertOff(c.logs());
        assertEquals("0.0.0.0", c.prometheusHost());
        assertEquals(9100, c.prometheusPort());
        assertNull(c.prometheusProblem());
    }

    @Test
    void otlpAndPrometheus() {
        ExportConfig c = load(Map.of("otel.metrics.exporter", "otlp,prometheus", "otel.exporter.otlp.endpoint", NOWHERE));
        assertTrue(c.metrics().prometheus() && c.metrics().otlp());
        assertTrue(c.traces().otlp() && c.logs().otlp());
    }

    /** A bad port costs the Prometheus endpoint alone, as before: not a problem, its own line. */
    @Test
    void aBadPrometheusPortIsTheEndpointsAlone() {
        ExportConfig c = load(Map.of("otel.metrics.exporter", "prometheus", "otel.exporter.prometheus.port", "ninety",
                "otel.exporter.otlp.endpoint", NOWHERE));
        assertTrue(c.exporting());
        assertTrue(c.traces().otlp());
        assertEquals(-1, c.prometheusPort());
        assertEquals("cannot serve Prometheus metrics: OTEL_EXPORTER_PROMETHEUS_PORT (otel.exporter.prometheus.port) is"
                + " ninety: expected a port number, 0 to 65535; tracking and the other exporters go on", c.prometheusProblem());
        assertNull(load(Map.of("otel.exporter.prometheus.port", "ninety", "otel.exporter.otlp.endpoint", NOWHERE))
                .prometheusProblem(), "not served, not said");
    }

    /** gRPC for a signal sent over OTLP: the line the SDK-based exporter said, and nothing exported. */
    @Test
    void grpcIsRefused() {
        List<String> problems = new ArrayList<>();
        ExportConfig c = load(Map.of("otel.exporter.otlp.endpoint", NOWHERE, "otel.exporter.otlp.protocol", "grpc",
                "otel.exporter.otlp.traces.protocol", "http/protobuf", "otel.exporter.otlp.logs.protocol", "grpc"), problems);
        assertEquals(List.of("OTLP over gRPC is not supported: OTEL_EXPORTER_OTLP_PROTOCOL (otel.exporter.otlp.protocol),"
                + " OTEL_EXPORTER_OTLP_LOGS_PROTOCOL (otel.exporter.otlp.logs.protocol) are grpc; set http/protobuf"
                + " instead, and the endpoint to the collector's OTLP/HTTP port, usually 4318"), problems);
        assertFalse(c.exporting());
        assertOff(c.traces());
        assertOff(c.metrics());
        assertOff(c.logs());
        assertEquals(List.of(), new ArrayList<String>() {{
            load(Map.of("otel.exporter.otlp.protocol", "grpc"), this);
        }}, "nothing sent over OTLP, nothing to refuse");
    }

    @Test
    void theProblemLines() {
        String[][] cases = {
                {"otel.traces.sampler", "jaeger_remote",
                        "OTEL_TRACES_SAMPLER (otel.traces.sampler) is jaeger_remote: expected always_on, always_off,"
                                + " traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio"},
                {"otel.bsp.max.queue.size", "lots",
                        "OTEL_BSP_MAX_QUEUE_SIZE (otel.bsp.max.queue.size) is lots: expected a whole number above zero"},
                {"otel.traces.exporter", "zipkin,otlp",
                        "OTEL_TRACES_EXPORTER (otel.traces.exporter) names zipkin, which portwatch does not have for traces:"
                                + " its exporters are otlp, console (or its older name, logging) or none"},
                {"otel.metrics.exporter", "none,prometheus",
                        "OTEL_METRICS_EXPORTER (otel.metrics.exporter) is none,prometheus: none cannot be named with other exporters"},
                {"otel.exporter.otlp.protocol", "http/json",
                        "OTEL_EXPORTER_OTLP_PROTOCOL (otel.exporter.otlp.protocol) is http/json: portwatch sends OTLP as"
                                + " http/protobuf only; set http/protobuf, and the endpoint to the collector's OTLP/HTTP port, usually 4318"},
                {"otel.exporter.otlp.traces.endpoint", "collector:4318",
                        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (otel.exporter.otlp.traces.endpoint) is collector:4318:"
                                + " expected a URL, such as http://collector:4318"},
                {"otel.exporter.otlp.compression", "zstd",
                        "OTEL_EXPORTER_OTLP_COMPRESSION (otel.exporter.otlp.compression) is zstd: expected gzip or none"},
                {"otel.exporter.otlp.client.key", "/k.pem",
                        "OTEL_EXPORTER_OTLP_CLIENT_KEY (otel.exporter.otlp.client.key) is set but not"
                                + " OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE (otel.exporter.otlp.client.certificate):"
                                + " a client key and a client certificate go together"},
                {"otel.exporter.otlp.certificate", "/nonexistent/ca.pem",
                        "OTEL_EXPORTER_OTLP_CERTIFICATE (otel.exporter.otlp.certificate) is /nonexistent/ca.pem: no such file"},
        };
        for (String[] c : cases) {
            List<String> problems = new ArrayList<>();
            ExportConfig config = load(Map.of("otel.exporter.otlp.endpoint", NOWHERE, c[0], c[1]), problems);
            assertEquals(List.of(c[2]), problems, "said once, though each signal reads the general settings");
            assertFalse(config.exporting());
        }
    }

    /** A header value is not shown: it may be a credential. */
    @Test
    void aBadHeaderIsSaidWithoutItsValue() {
        List<String> problems = new ArrayList<>();
        load(Map.of("otel.exporter.otlp.endpoint", NOWHERE, "otel.exporter.otlp.headers", "authorization=Bearer%s3cr3t"),
                problems);
        assertEquals(List.of("OTEL_EXPORTER_OTLP_HEADERS (otel.exporter.otlp.headers): the value of header authorization"
                + " has a % that is not followed by two hex digits (percent-encoding, as in %20 for a space)"), problems);
    }

    /** What only a signal that is not exported would use, or nothing exported at all: not checked, as the SDK does not. */
    @Test
    void settingsNothingUsesAreNotChecked() {
        load(Map.of("otel.exporter.otlp.endpoint", NOWHERE, "otel.traces.exporter", "none", "otel.bsp.max.queue.size", "x",
                "otel.traces.sampler", "x", "otel.exporter.otlp.traces.timeout", "x"));
        load(Map.of("otel.bsp.max.queue.size", "x", "otel.resource.attributes", "broken", "otel.exporter.otlp.timeout", "x"));
        ExportConfig disabled = load(Map.of("otel.sdk.disabled", "true", "otel.exporter.otlp.endpoint", NOWHERE,
                "otel.traces.exporter", "zipkin"));
        assertTrue(disabled.disabled());
        assertFalse(disabled.exporting());
        assertOff(disabled.traces());
    }

    /** An empty setting is the default: {@code OTEL_EXPORTER_OTLP_ENDPOINT=} is no endpoint (the SDK would reject it). */
    @Test
    void anEmptySettingIsTheDefault() {
        ExportConfig c = SdkReference.ours(Map.of(), Map.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "",
                "OTEL_TRACES_EXPORTER", " ", "OTEL_SERVICE_NAME", ""), problem -> { throw new AssertionError(problem); });
        assertFalse(c.exporting());
        ExportConfig trimmed = SdkReference.ours(Map.of(), Map.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", " " + NOWHERE + " ",
                "OTEL_TRACES_EXPORTER", " otlp "), problem -> { throw new AssertionError(problem); });
        assertEquals(NOWHERE + "/v1/traces", trimmed.traces().endpoint().toString());
    }

    @Test
    void theNotes() {
        Map<String, String> a = new HashMap<>();
        a.put("otel.exporter.otlp.endpoint", "http://collector:4317");
        a.put("otel.propagators", "b3multi");
        a.put("otel.exporter.otlp.metrics.temporality.preference", "delta");
        a.put("otel.span.attribute.value.length.limit", "100");
        assertEquals(List.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT (otel.exporter.otlp.endpoint) is http://collector:4317: port 4317 is usually"
                        + " the collector's OTLP/gRPC port; portwatch sends OTLP/HTTP, usually to port 4318",
                "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT (otel.span.attribute.value.length.limit) is ignored: portwatch's"
                        + " spans and log records carry a small, fixed set of attributes and events",
                "OTEL_PROPAGATORS (otel.propagators) is ignored: portwatch's spans start their own traces",
                "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE (otel.exporter.otlp.metrics.temporality.preference) is"
                        + " ignored: portwatch exports its counters as cumulative sums"), load(a).notes());
        assertEquals(List.of(), load(Map.of("otel.exporter.otlp.endpoint", NOWHERE,
                "otel.propagators", "tracecontext,baggage")).notes(), "the usual values change nothing");
        assertEquals(List.of(), load(Map.of("otel.propagators", "b3")).notes(), "nothing exported, nothing to say");
    }

    @Test
    void theResource() {
        ExportConfig c = load(Map.of("otel.exporter.otlp.endpoint", NOWHERE, "otel.resource.attributes",
                "deployment.environment=prod,service.instance.id=i-1"));
        OtlpAttributes r = c.resource();
        assertEquals(ResourceSettings.guessServiceName(System.getProperty("sun.java.command")), r.get("service.name"));
        assertEquals("service.name", r.key(0));
        assertEquals("portwatch", r.get("telemetry.sdk.name"));
        assertEquals("java", r.get("telemetry.sdk.language"));
        assertTrue(r.get("telemetry.sdk.version") instanceof String);
        assertEquals("prod", r.get("deployment.environment"));
        assertEquals("i-1", r.get("service.instance.id"), "configured, it wins, as in the SDK");

        String id = (String) load(Map.of("otel.exporter.otlp.endpoint", NOWHERE)).resource().get("service.instance.id");
        assertTrue(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), id);
        assertEquals(id, load(Map.of()).resource().get("service.instance.id"), "one per JVM");

        assertEquals("from-attributes", load(Map.of("otel.resource.attributes", "service.name=from-attributes"))
                .resource().get("service.name"));
        assertEquals("orders", load(Map.of("otel.resource.attributes", "service.name=from-attributes",
                "otel.service.name", "orders")).resource().get("service.name"));
    }

    /** The same guesses as the SDK-based agent's ({@code io.portwatch.otel.ServiceName}). */
    @Test
    void theServiceNameGuess() {
        String[][] cases = {{null, "unknown_service:java"}, {"", "unknown_service:java"}, {"   ", "unknown_service:java"},
                {"com.example.Main arg1 arg2", "Main"}, {"  com.example.Main\targ", "Main"}, {"Main", "Main"},
                {"/x/sample-app.jar --mode churn", "sample-app"}, {"lib/app-1.0.jar", "app-1.0"},
                {"C:\\apps\\app.jar -x", "app"}, {"com.example.app/com.example.Main", "Main"}, {"weird.", "weird."}};
        for (String[] c : cases) assertEquals(c[1], ResourceSettings.guessServiceName(c[0]), c[0]);
    }

    /** TLS files: a signal's own over the general ones; each must exist. */
    @Test
    void tlsFiles() throws IOException {
        File dir = Files.createTempDirectory("portwatch-tls").toFile();
        try {
            File ca = new File(dir, "ca.pem");
            File key = new File(dir, "key.pem");
            File chain = new File(dir, "chain.pem");
            for (File f : new File[]{ca, key, chain}) assertTrue(f.createNewFile());
            ExportConfig c = load(Map.of("otel.exporter.otlp.endpoint", "https://c:4318", "otel.exporter.otlp.certificate",
                    ca.getPath(), "otel.exporter.otlp.traces.client.key", key.getPath(),
                    "otel.exporter.otlp.traces.client.certificate", chain.getPath()));
            assertEquals(ca.getPath(), c.traces().certificate());
            assertEquals(key.getPath(), c.traces().clientKey());
            assertEquals(chain.getPath(), c.traces().clientCertificate());
            assertEquals(ca.getPath(), c.logs().certificate());
            assertNull(c.logs().clientKey());
        } finally {
            for (File f : dir.listFiles()) f.delete();
            dir.delete();
        }
    }
}
