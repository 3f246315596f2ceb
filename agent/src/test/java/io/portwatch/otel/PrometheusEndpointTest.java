package io.portwatch.otel;

import io.portwatch.export.MetricRegistry;
import io.portwatch.otlp.OtlpAttributes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code otel.metrics.exporter=prometheus}: served by the agent, alone or beside OTLP; a port in use costs it alone. */
class PrometheusEndpointTest {

    /** Alone: the endpoint serves the agent's meter, and spans and logs go nowhere (no localhost:4318). */
    @Test
    void aloneItServesTheMetersMetricsAndNothingElseIsExported() throws Exception {
        int port = freePort();
        List<String> problems = new ArrayList<>();
        Telemetry t = Telemetry.start(Map.of("otel.metrics.exporter", "prometheus",
                "otel.exporter.prometheus.host", "127.0.0.1", "otel.exporter.prometheus.port", String.valueOf(port)), problems::add,
                note -> {});
        try {
            assertEquals(List.of(), problems);
            assertTrue(t.exporting());
            assertFalse(t.tracesExported(), "no endpoint, no traces exporter named: no spans");
            t.connectionCounters();
            t.metrics().counter("portwatch.test.probe", "a probe", "").add(3, io.portwatch.otlp.OtlpAttributes.EMPTY);
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("portwatch_test_probe_total{otel_scope_name=\"io.portwatch\"} 3"), r.body());
        } finally {
            t.shutdown(10_000, problems::add);
        }
        try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
            assertEquals(port, again.getLocalPort(), "the port is free again after shutdown");
        }
    }

    /** The port taken: one line naming it and the setting; the OTLP spans are exported all the same. */
    @Test
    void aPortInUseIsOneLineAndTheOtherExportersGoOn() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            List<String> problems = new ArrayList<>();
            Telemetry t = Telemetry.start(Map.of("otel.exporter.otlp.endpoint", "http://127.0.0.1:1",
                    "otel.metrics.exporter", "otlp,prometheus", "otel.exporter.prometheus.host", "127.0.0.1",
                    "otel.exporter.prometheus.port", String.valueOf(taken.getLocalPort())), problems::add, note -> {});
            t.shutdown(0, problems::add);
            assertEquals(List.of("cannot serve Prometheus metrics on 127.0.0.1:" + taken.getLocalPort()
                    + ": Address already in use; another process or server holds it: choose a free port with"
                    + " OTEL_EXPORTER_PROMETHEUS_PORT (otel.exporter.prometheus.port); tracking and the other exporters go on"),
                    problems);
            assertTrue(t.exporting());
            assertTrue(t.tracesExported());
        }
    }

    @Test
    void aJvmWithoutTheHttpServerModuleIsOneLine() {
        List<String> problems = new ArrayList<>();
        assertNull(PrometheusEndpoint.start("127.0.0.1", 0, new MetricRegistry(0, null), OtlpAttributes.EMPTY,
                problems::add, false));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("cannot serve Prometheus metrics: the endpoint is served by the JDK module"
                + " jdk.httpserver, which this JVM does not have"), problems::toString);
        assertTrue(problems.get(0).contains("--add-modules jdk.httpserver"), problems::toString);
    }

    /** A port that is no number: one line, and the other exporters go on. */
    @Test
    void aBadPortIsOneLine() {
        List<String> problems = new ArrayList<>();
        Telemetry t = Telemetry.start(Map.of("otel.exporter.otlp.endpoint", "http://127.0.0.1:1",
                "otel.metrics.exporter", "otlp,prometheus", "otel.exporter.prometheus.port", "ninety"), problems::add,
                note -> {});
        t.shutdown(0, problems::add);
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).contains("ninety"), problems::toString);
        assertTrue(t.tracesExported());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
