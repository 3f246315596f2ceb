package io.portwatch.otel;

import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
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

    @Test
    void prometheusIsTakenOutOfTheListTheSdkBuilds() {
        assertEquals("none", PrometheusEndpoint.others("prometheus"));
        assertEquals("otlp", PrometheusEndpoint.others("otlp,prometheus"));
        assertEquals("console,otlp", PrometheusEndpoint.others(" console , prometheus,otlp"));
        assertNull(PrometheusEndpoint.others("otlp"));
        assertNull(PrometheusEndpoint.others(null));
    }

    /** Alone: the endpoint serves the agent's meter, and spans and logs go nowhere (no localhost:4318). */
    @Test
    void aloneItServesTheMetersMetricsAndNothingElseIsExported() throws Exception {
        int port = freePort();
        List<String> problems = new ArrayList<>();
        Telemetry t = Telemetry.start(Map.of("otel.metrics.exporter", "prometheus",
                "otel.exporter.prometheus.host", "127.0.0.1", "otel.exporter.prometheus.port", String.valueOf(port)), problems::add);
        try {
            assertEquals(List.of(), problems);
            assertTrue(t.exporting());
            assertFalse(t.tracesExported(), "no endpoint, no traces exporter named: no spans");
            t.connectionCounters();
            t.meter().counterBuilder("portwatch.test.probe").build().add(3);
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("portwatch_test_probe_total{otel_scope_name=\"io.portwatch\"} 3"), r.body());
        } finally {
            t.sdk().shutdown().join(10, TimeUnit.SECONDS);
        }
        Thread.sleep(200); // the exporter stops its server on a thread of its own
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
                    "otel.exporter.prometheus.port", String.valueOf(taken.getLocalPort())), problems::add);
            t.sdk().shutdown().join(5, TimeUnit.SECONDS);
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
        assertNull(PrometheusEndpoint.start(DefaultConfigProperties.createFromMap(Map.of()), problems::add, false));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("cannot serve Prometheus metrics: the endpoint is served by the JDK module"
                + " jdk.httpserver, which this JVM does not have"), problems::toString);
        assertTrue(problems.get(0).contains("--add-modules jdk.httpserver"), problems::toString);
    }

    /** A port that is no number: the SDK's own words, in the same one line. */
    @Test
    void aBadPortIsOneLine() {
        List<String> problems = new ArrayList<>();
        assertNull(PrometheusEndpoint.start(DefaultConfigProperties.createFromMap(
                Map.of("otel.exporter.prometheus.port", "ninety")), problems::add, true));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("cannot serve Prometheus metrics on"), problems::toString);
        assertTrue(problems.get(0).contains("otel.exporter.prometheus.port=ninety"), problems::toString);
        assertThrows(RuntimeException.class, () -> DefaultConfigProperties.createFromMap(
                Map.of("otel.exporter.prometheus.port", "ninety")).getInt("otel.exporter.prometheus.port"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
