package io.portwatch.it;

import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.workload.SocketWorkload;
import io.portwatch.otel.SpanPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The agent core, end to end: a child JVM with {@code -javaagent:} the built jar runs a loopback
 * workload, and the spans are read back from a real OTLP receiver. Runs once per configured JDK.
 */
class SocketTrackingIT {

    private static final Duration WAIT = Duration.ofSeconds(15);

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void clientClosesFirst(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            run(jdk, receiver, "client-close", "127.0.0.1", "20");
            List<ReceivedSpan> clients = clientSpans(receiver, 20);
            assertEquals(20, clients.size(), () -> "client spans: " + receiver.spans());
            assertAll(clients, "portwatch.closed_by", "local");
            assertEquals(20, distinct(clients, "network.local.port").size(), "one local port per connection");
            assertEquals(1, distinct(clients, "network.peer.port").size(), "all to the one server port");
            assertAll(clients, "network.peer.address", "127.0.0.1");
            assertAll(clients, "network.transport", "tcp");
            assertAll(clients, "server.address", "127.0.0.1");
            assertTrue(clients.stream().allMatch(s -> s.str("portwatch.call_site").startsWith(SocketWorkload.class.getName())),
                    () -> "call sites: " + distinct(clients, "portwatch.call_site"));

            List<ReceivedSpan> servers = serverSpans(receiver, 20);
            assertEquals(20, servers.size());
            assertAll(servers, "portwatch.closed_by", "peer");
            assertEquals(distinct(clients, "network.local.port"), distinct(servers, "network.peer.port"),
                    "the accepted side sees the client ports");
            assertNoExporterSpans(receiver);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void serverClosesFirst(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            run(jdk, receiver, "server-close", "127.0.0.1", "10");
            List<ReceivedSpan> clients = clientSpans(receiver, 10);
            assertEquals(10, clients.size());
            assertAll(clients, "portwatch.closed_by", "peer");
            List<ReceivedSpan> servers = serverSpans(receiver, 10);
            assertEquals(10, servers.size());
            assertAll(servers, "portwatch.closed_by", "local");
            assertNoExporterSpans(receiver);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void lingerZeroIsAReset(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            run(jdk, receiver, "linger", "127.0.0.1", "10");
            List<ReceivedSpan> clients = clientSpans(receiver, 10);
            assertEquals(10, clients.size());
            assertAll(clients, "portwatch.closed_by", "reset");
            List<ReceivedSpan> servers = serverSpans(receiver, 10);
            assertEquals(10, servers.size());
            assertAll(servers, "portwatch.closed_by", "reset");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void socketChannels(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            run(jdk, receiver, "channel", "127.0.0.1", "10");
            List<ReceivedSpan> clients = clientSpans(receiver, 10);
            assertEquals(10, clients.size(), () -> "spans: " + receiver.spans());
            assertAll(clients, "portwatch.api", "channel");
            assertAll(clients, "portwatch.closed_by", "local");
            assertEquals(10, distinct(clients, "network.local.port").size());
            List<ReceivedSpan> servers = serverSpans(receiver, 10);
            assertEquals(10, servers.size());
            assertAll(servers, "portwatch.api", "channel");
            assertAll(servers, "portwatch.closed_by", "peer");
            assertNoExporterSpans(receiver);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void nonBlockingConnects(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            run(jdk, receiver, "nonblocking", "127.0.0.1", "10");
            List<ReceivedSpan> clients = clientSpans(receiver, 10);
            assertEquals(10, clients.size(), () -> "spans: " + receiver.spans());
            assertAll(clients, "portwatch.closed_by", "local");
            assertEquals(10, distinct(clients, "network.local.port").size());
            assertTrue(clients.stream().allMatch(s -> s.attributes.containsKey("portwatch.connect.duration_ms")));
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void socketAdaptorsAreCountedOnce(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            run(jdk, receiver, "adaptor", "127.0.0.1", "8");
            List<ReceivedSpan> clients = clientSpans(receiver, 8);
            assertEquals(8, clients.size(), () -> "one span per connection, not two: " + receiver.spans());
            assertAll(clients, "portwatch.api", "channel");
            assertAll(clients, "portwatch.closed_by", "peer");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void httpClient(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result result = run(jdk, receiver, "http", "127.0.0.1", "3");
            long httpPort = Long.parseLong(result.stdout.replaceAll("(?s).*http port (\\d+).*", "$1"));
            List<ReceivedSpan> clients = receiver.awaitSpans(
                    s -> s.kind == SpanKind.SPAN_KIND_CLIENT && Long.valueOf(httpPort).equals(s.num("server.port")), 3, WAIT);
            assertEquals(3, clients.size(), () -> "spans: " + receiver.spans());
            assertAll(clients, "portwatch.api", "channel");
            List<ReceivedSpan> servers = receiver.awaitSpans(
                    s -> s.kind == SpanKind.SPAN_KIND_SERVER && Long.valueOf(httpPort).equals(s.num("server.port")), 3, WAIT);
            assertEquals(3, servers.size(), () -> "spans: " + receiver.spans());
            assertNoExporterSpans(receiver);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void virtualThreads(String jdk) throws Exception {
        assumeTrue(ChildJvm.featureVersion(jdk) >= 21, "virtual threads need JDK 21+; " + jdk + " is older");
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            run(jdk, receiver, "client-close-virtual", "127.0.0.1", "50");
            List<ReceivedSpan> clients = clientSpans(receiver, 50);
            assertEquals(50, clients.size());
            assertAll(clients, "portwatch.closed_by", "local");
            assertEquals(50, distinct(clients, "network.local.port").size());
            assertEquals(50, serverSpans(receiver, 50).size());
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void ipv6Loopback(String jdk) throws Exception {
        assumeTrue(hasIpv6Loopback(), "no IPv6 loopback (::1) on this host");
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            run(jdk, receiver, "client-close", "::1", "5");
            List<ReceivedSpan> clients = clientSpans(receiver, 5);
            assertEquals(5, clients.size());
            assertAll(clients, "network.peer.address", "0:0:0:0:0:0:0:1");
            assertAll(clients, "network.local.address", "0:0:0:0:0:0:0:1");
            assertAll(clients, "portwatch.closed_by", "local");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void refusedConnectIsAnErrorSpan(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result result = run(jdk, receiver, "refused", "127.0.0.1", "1");
            long port = Long.parseLong(result.stdout.replaceAll("(?s).*refused port (\\d+).*", "$1"));
            List<ReceivedSpan> failed = receiver.awaitSpans(
                    s -> Long.valueOf(port).equals(s.num("server.port")), 1, WAIT);
            assertEquals(1, failed.size(), () -> "spans: " + receiver.spans());
            ReceivedSpan span = failed.get(0);
            assertEquals(StatusCode.STATUS_CODE_ERROR, span.status);
            assertEquals("ECONNREFUSED", span.str("error.type"));
            assertEquals(SpanKind.SPAN_KIND_CLIENT, span.kind);
            assertEquals("failed", span.str("portwatch.end"));
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void connectionsOpenAtExitAreEnded(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            run(jdk, receiver, "leave-open", "127.0.0.1", "1");
            List<ReceivedSpan> open = receiver.awaitSpans(s -> "open_at_exit".equals(s.str("portwatch.end")), 2, WAIT);
            assertEquals(2, open.size(), () -> "spans: " + receiver.spans());
            assertAll(open, "portwatch.closed_by", "unknown");
        }
    }

    /**
     * The default span policy against a real receiver: 150 connections from one line of code, a
     * pause longer than the policy's interval, then 50 more. The first 20 are spans; then one
     * exemplar, the first connection after the pause, stands for itself and the 130 before it that
     * have no span; the 49 after it are in no span (the next exemplar of their key would have
     * stood for them) and in the counters, which count all 200.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void theDefaultSpanPolicyKeepsTheFirstOnesThenExemplarsThatSayHowManyTheyStandFor(String jdk) throws Exception {
        int n = 200;
        int first = 150;
        long pauseMillis = TimeUnit.NANOSECONDS.toMillis(SpanPolicy.INTERVAL_NANOS) + 1_000;
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            // An agent argument wins over exportTo's PORTWATCH_SPANS=all.
            ChildJvm.Result result = new ChildJvm(jdk).exportTo(receiver).agentArgs("spans=sampled")
                    .main(SocketWorkload.class, "two-bursts", "127.0.0.1", String.valueOf(n), String.valueOf(pauseMillis),
                            String.valueOf(first)).run();
            assertEquals(0, result.exitCode, result::toString);
            assertFalse(result.stderr.contains("ERROR"), result::toString);
            Long port = Long.valueOf(result.stdout.replaceAll("(?s).*server port (\\d+).*", "$1"));
            // The exit hook flushed before the child ended: everything sent is here.
            List<ReceivedSpan> clients = receiver.spans(s -> s.name.equals("tcp.connection")
                    && s.kind == SpanKind.SPAN_KIND_CLIENT && port.equals(s.num("network.peer.port")));
            clients.sort(java.util.Comparator.comparingLong(s -> s.startNanos));
            assertEquals(SpanPolicy.FIRST + 1, clients.size(), () -> "the first ones and one exemplar: " + clients);
            for (ReceivedSpan s : clients.subList(0, SpanPolicy.FIRST)) {
                assertEquals(1L, s.num("portwatch.sample.represents"), s::toString);
            }
            ReceivedSpan exemplar = clients.get(SpanPolicy.FIRST);
            assertEquals((long) first - SpanPolicy.FIRST + 1, exemplar.num("portwatch.sample.represents"), exemplar::toString);
            assertEquals((long) first + 1, clients.stream().mapToLong(s -> s.num("portwatch.sample.represents")).sum(),
                    "every connection up to the last span, once");
            assertAll(clients, "portwatch.closed_by", "local");
            assertEquals(1, distinct(clients, "portwatch.call_site").size());
            List<ReceivedSpan> servers = receiver.spans(s -> s.name.equals("tcp.connection")
                    && s.kind == SpanKind.SPAN_KIND_SERVER && port.equals(s.num("network.local.port")));
            assertEquals(SpanPolicy.FIRST + 1, servers.size(), "the accepting side: a key of its own, alike");

            assertEquals(n, counted(receiver, "portwatch.connections.opened", "portwatch.direction", "outgoing"));
            assertEquals(n, counted(receiver, "portwatch.connections.opened", "portwatch.direction", "accepted"));
            assertNoExporterSpans(receiver);
        }
    }

    /** The last value a counter had at the receiver for the points with attribute {@code key=value}. */
    private static long counted(OtlpReceiver receiver, String metric, String key, String value) {
        long most = -1;
        for (Metric m : receiver.metrics()) {
            if (!m.getName().equals(metric)) continue;
            for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                boolean matches = p.getAttributesList().stream()
                        .anyMatch(a -> a.getKey().equals(key) && a.getValue().getStringValue().equals(value));
                if (matches) most = Math.max(most, p.getAsInt()); // cumulative: the last is the most
            }
        }
        return most;
    }

    private static ChildJvm.Result run(String jdk, OtlpReceiver receiver, String... args) throws Exception {
        ChildJvm.Result result = new ChildJvm(jdk).exportTo(receiver).main(SocketWorkload.class, args).run();
        assertEquals(0, result.exitCode, result::toString);
        assertTrue(result.stdout.contains("workload " + args[0] + " done"), result::toString);
        assertFalse(result.stderr.contains("ERROR"), result::toString);
        return result;
    }

    static List<ReceivedSpan> clientSpans(OtlpReceiver receiver, int expected) throws InterruptedException {
        return receiver.awaitSpans(s -> s.name.equals("tcp.connection") && s.kind == SpanKind.SPAN_KIND_CLIENT
                && s.status != StatusCode.STATUS_CODE_ERROR, expected, WAIT);
    }

    static List<ReceivedSpan> serverSpans(OtlpReceiver receiver, int expected) throws InterruptedException {
        return receiver.awaitSpans(s -> s.name.equals("tcp.connection") && s.kind == SpanKind.SPAN_KIND_SERVER,
                expected, WAIT);
    }

    static void assertAll(List<ReceivedSpan> spans, String key, Object expected) {
        for (ReceivedSpan s : spans) {
            assertEquals(expected, s.attributes.get(key), () -> key + " of " + s);
        }
    }

    static Set<Object> distinct(List<ReceivedSpan> spans, String key) {
        return spans.stream().map(s -> s.attributes.get(key)).collect(Collectors.toCollection(HashSet::new));
    }

    /** The agent's own export connections to the receiver must never be reported. */
    static void assertNoExporterSpans(OtlpReceiver receiver) {
        Long port = (long) receiver.port();
        List<ReceivedSpan> own = receiver.spans(s -> port.equals(s.num("server.port")) || port.equals(s.num("network.peer.port")));
        assertEquals(Collections.emptyList(), own, "spans of the exporter's own connections");
    }

    private static boolean hasIpv6Loopback() {
        try {
            NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
            return lo != null && Collections.list(lo.getInetAddresses()).stream().anyMatch(a -> a instanceof Inet6Address);
        } catch (Exception e) {
            return false;
        }
    }
}
