package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.ClientLibraryRuns;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.workload.GrpcChurnWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.portwatch.it.AsyncChannelTrackingIT.clients;
import static io.portwatch.it.AsyncChannelTrackingIT.servers;
import static io.portwatch.it.support.ClientLibraryRuns.assertChurnPattern;
import static io.portwatch.it.SocketTrackingIT.assertAll;
import static io.portwatch.it.SocketTrackingIT.assertNoExporterSpans;
import static io.portwatch.it.SocketTrackingIT.distinct;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * grpc-java with {@code grpc-netty-shaded} end to end: a child JVM with the agent makes unary
 * calls to a gRPC server of its own on loopback ({@link GrpcChurnWorkload}), over the epoll
 * transport of the Netty that grpc shades ({@code io.grpc.netty.shaded.io.netty.channel.epoll}).
 * Every span of the server's port is counted, so a connection seen twice (by the epoll advice and
 * by another layer) or missed fails the test. Runs once per configured JDK.
 */
class GrpcChannelIT {

    private static final int CALLS = 120;
    /** The workload's line that made the call: a regular expression. */
    private static final String SITE =
            "io\\.portwatch\\.it\\.workload\\.GrpcChurnWorkload\\.main\\(GrpcChurnWorkload\\.java:\\d+\\)";

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    private static ChildJvm.Result run(String jdk, OtlpReceiver receiver, String mode) throws Exception {
        ChildJvm child = ClientLibraryRuns.child(jdk, receiver)
                .main(GrpcChurnWorkload.class, mode, String.valueOf(CALLS));
        return ClientLibraryRuns.run(child, "grpc done: " + CALLS + " calls");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aChannelPerCallIsOneConnectionEachNamedGrpcAndClientPerRequest(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "per-call");
            long port = ClientLibraryRuns.serverPort(r);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(CALLS, clients.size(), () -> "one span per channel's connection: " + clients);
            assertAll(clients, "portwatch.api", "netty_epoll");
            assertAll(clients, "network.peer.address", "127.0.0.1");
            assertEquals(CALLS, distinct(clients, "network.local.port").size(), "one local port per connection");
            // shutdown() closes from this side; a reply the server still had in flight makes some of
            // those closes a reset (no TIME_WAIT: the kernel's tables show it), never the peer's FIN.
            ClientLibraryRuns.assertClosedByThisSide(clients);
            // The connect runs on grpc's event loop; its call site is the call that made the idle
            // channel connect, on the application's thread.
            assertAll(clients, "code.function.name", GrpcChurnWorkload.class.getName() + ".main");
            assertEquals(1, distinct(clients, "portwatch.call_site").size(), () -> "one call site: " + clients);
            assertAll(clients, "portwatch.client.library", "grpc-java");
            assertChurnPattern(clients, "client_per_request");

            List<ReceivedSpan> servers = servers(receiver, port);
            assertEquals(CALLS, servers.size(), () -> "one span per accepted connection: " + servers);
            assertAll(servers, "portwatch.api", "netty_epoll");
            assertEquals(distinct(clients, "network.local.port"), distinct(servers, "network.peer.port"),
                    "the accepted side sees the client ports");
            ClientLibraryRuns.assertOnlySpansOfThePort(receiver, port, clients, servers);
            assertNoExporterSpans(receiver);

            ClientLibraryRuns.assertSummaryRow(r, CALLS, SITE, "grpc-java", "client_per_request");
            assertTrue(Pattern.compile("to do 1: Reuse the connections opened at " + SITE + ": [^\\n]* through"
                    + " grpc-java \\(client_per_request\\)\\. Build one ManagedChannel per target and share it")
                    .matcher(r.stderr).find(), r::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void oneSharedChannelIsOneConnectionAndNoChurn(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "shared");
            long port = ClientLibraryRuns.serverPort(r);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(1, clients.size(), () -> "one connection for all calls: " + clients);
            assertAll(clients, "portwatch.api", "netty_epoll");
            assertAll(clients, "portwatch.client.library", "grpc-java");
            assertAll(clients, "portwatch.churn.pattern", "none");
            assertEquals(1, servers(receiver, port).size(), () -> "spans: " + receiver.spans());
            ClientLibraryRuns.assertSummaryRow(r, 1, SITE, "grpc-java", "none");
            assertFalse(r.stderr.contains("Reuse the connections"), r::toString);
            assertFalse(r.stderr.contains("ManagedChannel"), r::toString);
        }
    }
}
