package io.portwatch.export;

import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.portwatch.otlp.OtlpAttributes;
import io.portwatch.otlp.OtlpMetric;
import io.portwatch.track.AgentThreads;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;

import static io.portwatch.export.PrometheusTextTest.counter;
import static io.portwatch.export.PrometheusTextTest.gauge;
import static io.portwatch.export.PrometheusTextTest.point;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PrometheusServer} on loopback, asked what Prometheus and browsers ask, beside the SDK's exporter asked the same. */
class PrometheusServerTest {

    private static final OtlpAttributes RESOURCE = OtlpAttributes.of("service.name", "orders-writer", "service.instance.id", "a1b2-c3");
    private static final List<OtlpMetric> METRICS = List.of(
            counter("portwatch.connections.opened", "{connection}", point(3, "portwatch.direction", "outgoing"),
                    point(2, "portwatch.direction", "accepted", "portwatch.instrumented", false)),
            gauge("portwatch.ports.used", "{port}", point(120, "server.address", "10.1.2.3", "server.port", 5432L),
                    point(7, "server.address", "10.1.2.4", "server.port", 3306L)),
            gauge("portwatch.ports.seconds_left", "s", point(550, "server.address", "10.1.2.3", "server.port", 5432L)),
            gauge("portwatch.ports.time_wait.rate", "{port}/s", point(2, "portwatch.holder", "jvm")));
    private static final String PROMETHEUS_2 = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
            + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    private static final String PROMETHEUS_3 = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
            + "application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,"
            + "text/plain;version=0.0.4;q=0.2,*/*;q=0.1";
    private static final String PROTOBUF = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
            + "encoding=delimited;q=0.6," + PROMETHEUS_2;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Status, content type, encoding and (unzipped) body, request by request, as the exporter
     * answers: the format by {@code Accept}, gzip by {@code Accept-Encoding}, HEAD, POST, paths
     * below {@code /metrics}, {@code name[]}, {@code debug}, {@code /-/healthy}, protobuf refused.
     */
    @Test
    void answersEveryRequestAsTheExporterDoes() throws Exception {
        int port = freePort();
        PrometheusHttpServer reference = PrometheusHttpServer.builder().setHost("127.0.0.1").setPort(port).build();
        reference.register(ExporterReference.registration(ExporterReference.toSdk(METRICS, RESOURCE, "io.portwatch", null)));
        PrometheusServer ours = PrometheusServer.start("127.0.0.1", 0, () -> METRICS,
                new PrometheusText(RESOURCE, "io.portwatch", null, p -> { }));
        try {
            int ourPort = ours.address().getPort();
            String[][] requests = {
                    // method, path, Accept, Accept-Encoding
                    {"GET", "/metrics", null, null},
                    {"GET", "/metrics", PROMETHEUS_2, null},
                    {"GET", "/metrics", PROMETHEUS_3, null},
                    {"GET", "/metrics", "text/plain", null},
                    {"GET", "/metrics", "application/openmetrics-text", "gzip"},
                    {"GET", "/metrics", null, "deflate, GZIP"},
                    {"GET", "/metrics", PROMETHEUS_2, "gzip;q=1.0"},
                    {"HEAD", "/metrics", PROMETHEUS_2, null},
                    {"POST", "/metrics", null, null},
                    {"GET", "/metrics/anything", null, null},
                    {"GET", "/metrics?name[]=portwatch_connections_opened_total&name%5B%5D=target_info", PROMETHEUS_2, null},
                    {"GET", "/metrics?debug=openmetrics", null, "gzip"},
                    {"GET", "/metrics?debug=text", PROMETHEUS_2, null},
                    {"GET", "/metrics?debug=nonsense", null, null},
                    {"GET", "/-/healthy", null, null},
                    {"GET", "/metrics", PROTOBUF, null},
            };
            for (String[] r : requests) {
                Answer expected = ask(port, r);
                Answer actual = ask(ourPort, r);
                String what = String.join(" ", r[0], r[1], "Accept: " + r[2], "Accept-Encoding: " + r[3]);
                assertEquals(expected.status, actual.status, what);
                assertEquals(expected.contentType, actual.contentType, what);
                assertEquals(expected.contentEncoding, actual.contentEncoding, what);
                if (expected.status == 500 && r[2] == PROTOBUF) {
                    // The exporter's answer goes on with its stack trace (so its length differs too).
                    assertEquals(expected.body.split("\n")[0], actual.body.split("\n")[0], what);
                    assertEquals("An Exception occurred while scraping metrics: java.lang.UnsupportedOperationException:"
                            + " Prometheus protobuf writer not available", actual.body.split("\n")[0]);
                } else {
                    assertEquals(expected.contentLength, actual.contentLength, what);
                    PrometheusTextTest.assertRendersSame(expected.body, actual.body);
                }
            }
            Answer index = ask(ourPort, new String[] {"GET", "/", null, null});
            assertEquals(200, index.status);
            assertEquals("text/html; charset=utf-8", index.contentType);
            assertTrue(index.body.contains("<a href=\"metrics\">"), index.body);
            Answer scrape = ask(ourPort, new String[] {"GET", "/metrics", PROMETHEUS_3, "gzip"});
            assertTrue(scrape.body.contains("portwatch_ports_seconds_left_seconds{otel_scope_name=\"io.portwatch\","
                    + "server_address=\"10.1.2.3\",server_port=\"5432\"} 550.0\n"), scrape.body);
            assertTrue(scrape.body.endsWith("# EOF\n"), scrape.body);
        } finally {
            ours.stop();
            reference.shutdown();
        }
    }

    /**
     * Every thread the server starts (its handler's, and the JDK's dispatcher and timer, born on
     * it) is in the agent's group, whose sockets the agent ignores, and a daemon; stopped, all end.
     */
    @Test
    void itsThreadsAreTheAgentsDaemonsAndEndWithIt() throws Exception {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        PrometheusServer server = PrometheusServer.start("127.0.0.1", 0, () -> METRICS,
                new PrometheusText(RESOURCE, "io.portwatch", null, p -> { }));
        List<Thread> started = new ArrayList<>();
        try {
            String response = rawGet(server.address().getPort());
            assertTrue(response.startsWith("HTTP/1.1 200 OK"), response);
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (!before.contains(t) && t.isAlive()) started.add(t);
            }
            assertTrue(started.stream().anyMatch(t -> t.getName().equals("HTTP-Dispatcher")), started::toString);
            assertTrue(started.stream().anyMatch(t -> t.getName().startsWith("portwatch-prometheus-http-")), started::toString);
            for (Thread t : started) {
                assertEquals(AgentThreads.GROUP, t.getThreadGroup(), t::toString);
                assertTrue(t.isDaemon(), t::toString);
            }
        } finally {
            server.stop();
        }
        for (Thread t : started) {
            t.join(5000);
            assertFalse(t.isAlive(), () -> "still running after stop: " + t);
        }
    }

    /** A port in use is the bind failure itself, for the caller to say which port and what to do. */
    @Test
    void aPortInUseIsTheBindFailure() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            BindException e = assertThrows(BindException.class, () -> PrometheusServer.start("127.0.0.1", taken.getLocalPort(),
                    () -> METRICS, new PrometheusText(RESOURCE, "io.portwatch", null, p -> { })));
            assertEquals("Address already in use", e.getMessage());
        }
    }

    /** A collection that throws costs that scrape (HTTP 500, said once), not the server. */
    @Test
    void aFailedCollectionCostsOneScrape() throws Exception {
        AtomicBoolean fail = new AtomicBoolean(true);
        List<String> problems = new ArrayList<>();
        PrometheusServer server = PrometheusServer.start("127.0.0.1", 0, () -> {
            if (fail.get()) throw new IllegalStateException("boom");
            return METRICS;
        }, new PrometheusText(RESOURCE, "io.portwatch", null, problems::add));
        try {
            int port = server.address().getPort();
            Answer failed = ask(port, new String[] {"GET", "/metrics", null, null});
            assertEquals(500, failed.status);
            assertEquals("An Exception occurred while scraping metrics: java.lang.IllegalStateException: boom\n", failed.body);
            ask(port, new String[] {"GET", "/metrics", null, null});
            assertEquals(List.of("Prometheus: a scrape failed: java.lang.IllegalStateException: boom"), problems);
            fail.set(false);
            Answer ok = ask(port, new String[] {"GET", "/metrics", null, null});
            assertEquals(200, ok.status);
            assertTrue(ok.body.contains("portwatch_connections_opened_total"), ok.body);
        } finally {
            server.stop();
        }
    }

    @Test
    void gzipIsAcceptedAsTheExporterReadsAcceptEncoding() {
        assertTrue(PrometheusServer.gzipAccepted(List.of("br", "deflate, gzip")));
        assertTrue(PrometheusServer.gzipAccepted(List.of(" GZip ")));
        assertFalse(PrometheusServer.gzipAccepted(List.of("gzip;q=1.0")));
        assertFalse(PrometheusServer.gzipAccepted(null));
    }

    private Answer ask(int port, String[] r) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + r[1])).timeout(Duration.ofSeconds(10))
                .method(r[0], HttpRequest.BodyPublishers.noBody());
        if (r[2] != null) b.header("Accept", r[2]);
        if (r[3] != null) b.header("Accept-Encoding", r[3]);
        HttpResponse<byte[]> response = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response);
    }

    /** GET /metrics over a socket of its own (no client threads), HTTP/1.0, closed after the answer. */
    private static String rawGet(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** What is compared of a response. */
    private static final class Answer {
        final int status;
        final String contentType;
        final String contentEncoding;
        final String contentLength;
        final String body;

        Answer(HttpResponse<byte[]> r) throws IOException {
            status = r.statusCode();
            contentType = r.headers().firstValue("Content-Type").orElse(null);
            contentEncoding = r.headers().firstValue("Content-Encoding").orElse(null);
            contentLength = r.headers().firstValue("Content-Length").orElse(null);
            byte[] bytes = r.body();
            if ("gzip".equals(contentEncoding)) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                    bytes = in.readAllBytes();
                }
            }
            body = new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
