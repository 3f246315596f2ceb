package io.portwatch.it;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.workload.AsyncChannelWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.portwatch.it.SocketTrackingIT.assertAll;
import static io.portwatch.it.SocketTrackingIT.assertNoExporterSpans;
import static io.portwatch.it.SocketTrackingIT.distinct;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code AsynchronousSocketChannel} end to end: a child JVM with the agent connects and accepts
 * asynchronous channels on loopback ({@link AsyncChannelWorkload}), and the spans are read back
 * from a real OTLP receiver, once per configured JDK. Every span of the workload's server port is
 * counted: each connection must be one client span and one server span, no more.
 */
class AsyncChannelTrackingIT {

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void clientClosesFirst(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            long port = run(jdk, receiver, "client-close", 20);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(20, clients.size(), () -> "one span per connection: " + clients);
            assertAll(clients, "portwatch.api", "async_channel");
            assertAll(clients, "portwatch.closed_by", "local");
            assertAll(clients, "portwatch.time_wait", true);
            assertAll(clients, "network.peer.address", "127.0.0.1");
            assertEquals(20, distinct(clients, "network.local.port").size(), "one local port per connection");
            assertTrue(clients.stream().allMatch(s -> s.str("portwatch.call_site").startsWith(AsyncChannelWorkload.class.getName())),
                    () -> "call sites: " + distinct(clients, "portwatch.call_site"));
            assertTrue(clients.stream().allMatch(s -> s.attributes.containsKey("portwatch.connect.duration_ms")));

            List<ReceivedSpan> servers = servers(receiver, port);
            assertEquals(20, servers.size(), () -> "one span per accepted connection: " + servers);
            assertAll(servers, "portwatch.api", "async_channel");
            assertAll(servers, "portwatch.closed_by", "peer");
            assertAll(servers, "portwatch.time_wait", false);
            assertEquals(distinct(clients, "network.local.port"), distinct(servers, "network.peer.port"),
                    "the accepted side sees the client ports");
            assertNoExporterSpans(receiver);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void serverClosesFirst(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            long port = run(jdk, receiver, "server-close", 10);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(10, clients.size(), () -> "spans: " + clients);
            assertAll(clients, "portwatch.closed_by", "peer");
            assertAll(clients, "portwatch.time_wait", false);
            List<ReceivedSpan> servers = servers(receiver, port);
            assertEquals(10, servers.size(), () -> "spans: " + servers);
            assertAll(servers, "portwatch.closed_by", "local");
            assertAll(servers, "portwatch.time_wait", true);
            assertEquals(10, distinct(servers, "network.peer.port").size());
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aReadThatSeesTheResetOfAnAcceptedChannel(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            long port = run(jdk, receiver, "reset-to-server", 10);
            List<ReceivedSpan> servers = servers(receiver, port);
            assertEquals(10, servers.size(), () -> "spans: " + servers);
            assertAll(servers, "portwatch.api", "async_channel");
            assertAll(servers, "portwatch.closed_by", "reset");
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(10, clients.size(), () -> "the plain sockets' spans: " + clients);
            assertAll(clients, "portwatch.api", "socket");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aReadThatSeesTheResetOfAConnectedChannel(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            long port = run(jdk, receiver, "reset-to-client", 10);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(10, clients.size(), () -> "spans: " + clients);
            assertAll(clients, "portwatch.api", "async_channel");
            assertAll(clients, "portwatch.closed_by", "reset");
            assertAll(clients, "portwatch.time_wait", false);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aRefusedConnectIsOneErrorSpan(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result result = new ChildJvm(jdk).exportTo(receiver)
                    .main(AsyncChannelWorkload.class, "refused", "127.0.0.1", "1").run();
            assertEquals(0, result.exitCode, result::toString);
            long port = Long.parseLong(result.stdout.replaceAll("(?s).*refused port (\\d+).*", "$1"));
            List<ReceivedSpan> failed = receiver.spans(s -> Long.valueOf(port).equals(s.num("server.port")));
            assertEquals(1, failed.size(), () -> "spans: " + receiver.spans());
            ReceivedSpan span = failed.get(0);
            assertEquals(StatusCode.STATUS_CODE_ERROR, span.status, span::toString);
            assertEquals("ECONNREFUSED", span.str("error.type"), span::toString);
            assertEquals("failed", span.str("portwatch.end"));
            assertEquals("async_channel", span.str("portwatch.api"));
        }
    }

    /** Runs a mode; returns the workload's server port. The exit hook flushed: all spans are in. */
    private static long run(String jdk, OtlpReceiver receiver, String mode, int n) throws Exception {
        ChildJvm.Result result = new ChildJvm(jdk).exportTo(receiver)
                .main(AsyncChannelWorkload.class, mode, "127.0.0.1", String.valueOf(n)).run();
        assertEquals(0, result.exitCode, result::toString);
        assertTrue(result.stdout.contains("workload " + mode + " done"), result::toString);
        assertFalse(result.stdout.contains("no reset"), result::toString);
        assertFalse(result.stderr.contains("ERROR") || result.stderr.contains("Exception"), result::toString);
        return Long.parseLong(result.stdout.replaceAll("(?s).*server port (\\d+).*", "$1"));
    }

    static List<ReceivedSpan> clients(OtlpReceiver receiver, long serverPort) {
        return receiver.spans(s -> s.name.equals("tcp.connection") && s.kind == SpanKind.SPAN_KIND_CLIENT
                && Long.valueOf(serverPort).equals(s.num("network.peer.port")));
    }

    static List<ReceivedSpan> servers(OtlpReceiver receiver, long serverPort) {
        return receiver.spans(s -> s.name.equals("tcp.connection") && s.kind == SpanKind.SPAN_KIND_SERVER
                && Long.valueOf(serverPort).equals(s.num("network.local.port")));
    }
}
