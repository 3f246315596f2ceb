package io.portwatch.it;

import io.opentelemetry.proto.metrics.v1.Metric;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.ExhaustionRun;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.workload.ExporterThreadsWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's own Prometheus endpoint ({@code OTEL_METRICS_EXPORTER=prometheus}) on loopback, in a
 * child JVM per configured JDK: its server's threads are the agent's, so its scrapes are never
 * tracked as the application's connections; a port in use costs the endpoint alone, in one line;
 * beside OTLP, both get the metrics.
 */
class PrometheusEndpointIT {

    private static final int N = 5;
    /** The HTTP server's threads: the JDK's dispatcher and timers, the endpoint's worker. */
    private static final Pattern SERVER_THREAD = Pattern.compile(
            "HTTP-Dispatcher|idle-timeout-task|req-rsp-timeout-task|server-timer.*|portwatch-prometheus-http.*");

    /**
     * N connections, then scraped N + 1 times, each scrape on a new connection: the endpoint still
     * counts N accepted, and so does the summary at exit; every thread of its server is in the
     * agent's group and a daemon. Nothing else is exported, so nothing else is tried.
     */
    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void itsThreadsAreTheAgentsAndItsScrapesAreNotTracked(String jdk) throws Exception {
        int port = ExhaustionRun.freePort();
        Path out = Files.createTempFile("child", ".out");
        Path err = Files.createTempFile("child", ".err");
        try {
            Process p = new ChildJvm(jdk).agentArgs("summary=on")
                    .env("OTEL_METRICS_EXPORTER", "prometheus").env("OTEL_EXPORTER_PROMETHEUS_PORT", String.valueOf(port))
                    .main(ExporterThreadsWorkload.class, String.valueOf(N), "6000").start(out, err);
            String last;
            try {
                awaitOutgoing(port, N, p);
                for (int i = 0; i < N; i++) scrape(port);
                Thread.sleep(500); // past the reporter's delivery of anything the scrapes might have left
                last = scrape(port);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not end");
            } finally {
                p.destroyForcibly();
            }
            String stdout = Files.readString(out);
            String stderr = Files.readString(err);
            String all = "--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
            assertEquals(0, p.exitValue(), all);
            assertEquals(N, counter(last, "accepted"), () -> "scrapes counted as accepted connections:\n" + last);
            assertEquals(N, counter(last, "outgoing"), last);
            assertTrue(stderr.contains("[portwatch] summary: " + N + " outgoing and " + N + " accepted"), all);
            assertFalse(stderr.contains("[portwatch] ERROR"), all);

            List<String> serverThreads = Arrays.stream(stdout.split("\n")).filter(l -> l.startsWith("thread ")
                    && SERVER_THREAD.matcher(l.substring("thread ".length()).split(" #")[0]).matches())
                    .collect(Collectors.toList());
            assertTrue(serverThreads.stream().anyMatch(l -> l.startsWith("thread HTTP-Dispatcher")), all);
            assertTrue(serverThreads.stream().anyMatch(l -> l.startsWith("thread portwatch-prometheus-http")), all);
            for (String t : serverThreads) {
                assertTrue(t.endsWith(" group=portwatch daemon=true"), () -> "outside the agent's group, or keeps the JVM up: " + t);
            }
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The port taken: one error line naming it and the fix; spans, OTLP metrics and tracking go on. */
    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void aPortInUseIsOneLineAndEverythingElseGoesOn(String jdk) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
             OtlpReceiver receiver = new OtlpReceiver()) {
            int port = taken.getLocalPort();
            ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver).agentArgs("summary=on")
                    .env("OTEL_METRICS_EXPORTER", "otlp,prometheus").env("OTEL_EXPORTER_PROMETHEUS_PORT", String.valueOf(port))
                    .main(ExporterThreadsWorkload.class, String.valueOf(N), "1500").run();
            assertEquals(0, r.exitCode, r::toString);
            List<String> errors = Arrays.stream(r.stderr.split("\n")).filter(l -> l.contains("ERROR")).collect(Collectors.toList());
            assertEquals(List.of("[portwatch] ERROR cannot serve Prometheus metrics on localhost:" + port
                    + ": Address already in use; another process or server holds it: choose a free port with"
                    + " OTEL_EXPORTER_PROMETHEUS_PORT (otel.exporter.prometheus.port); tracking and the other exporters go on"),
                    errors, r::toString);
            assertTrue(r.stderr.contains("[portwatch] summary: " + N + " outgoing and " + N + " accepted"), r::toString);
            assertEquals(N, SocketTrackingIT.clientSpans(receiver, N).size(), () -> "spans: " + receiver.spans());
            assertTrue(receiver.metrics().stream().map(Metric::getName).anyMatch("portwatch.connections.opened"::equals),
                    () -> "OTLP metrics: " + receiver.metrics());
        }
    }

    /** {@code otlp,prometheus}: the same counter on the endpoint and at the collector; spans as ever. */
    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void besideOtlpBothGetTheMetrics(String jdk) throws Exception {
        int port = ExhaustionRun.freePort();
        Path out = Files.createTempFile("child", ".out");
        Path err = Files.createTempFile("child", ".err");
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            Process p = new ChildJvm(jdk).exportTo(receiver)
                    .env("OTEL_METRICS_EXPORTER", "otlp,prometheus").env("OTEL_EXPORTER_PROMETHEUS_PORT", String.valueOf(port))
                    .main(ExporterThreadsWorkload.class, String.valueOf(N), "3000").start(out, err);
            try {
                awaitOutgoing(port, N, p);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not end");
            } finally {
                p.destroyForcibly();
            }
            String stderr = Files.readString(err);
            assertEquals(0, p.exitValue(), stderr);
            assertFalse(stderr.contains("[portwatch] ERROR"), stderr);
            assertEquals(N, SocketTrackingIT.clientSpans(receiver, N).size(), () -> "spans: " + receiver.spans());
            assertTrue(receiver.metrics().stream().map(Metric::getName).anyMatch("portwatch.connections.opened"::equals),
                    () -> "OTLP metrics: " + receiver.metrics());
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Scrapes until the endpoint counts {@code n} outgoing connections (20 s at most). */
    private static void awaitOutgoing(int port, int n, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String last = "(no answer)";
        while (System.nanoTime() < deadline && child.isAlive()) {
            try {
                last = scrape(port);
                if (counter(last, "outgoing") == n) return;
            } catch (IOException notYet) {
                // the SDK, and the endpoint with it, starts while the application runs
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the endpoint never counted " + n + " outgoing connections; last scrape:\n" + last);
    }

    /** GET /metrics on a connection of its own, closed after the answer. */
    static String scrape(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
            s.setSoTimeout(5000);
            OutputStream o = s.getOutputStream();
            // HTTP/1.0: the body unchunked, the connection closed after it.
            o.write(("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            o.flush();
            try (InputStream in = s.getInputStream()) {
                String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (!response.startsWith("HTTP/1.1 200")) throw new IOException("not 200: " + response);
                return response;
            }
        }
    }

    /** portwatch_connections_opened_total for a direction, or -1 when the scrape does not have it. */
    private static long counter(String scrape, String direction) {
        Matcher m = Pattern.compile("(?m)^portwatch_connections_opened_total\\{[^}]*portwatch_direction=\"" + direction
                + "\"[^}]*\\} (\\S+)").matcher(scrape);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }
}
