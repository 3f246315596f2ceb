package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.ClientLibraryRuns;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.workload.ReactorNettyChurnWorkload;
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
 * Reactor Netty's HttpClient end to end: a child JVM with the agent sends GET requests over Netty's
 * native epoll transport to the JDK's HTTP server on loopback ({@link ReactorNettyChurnWorkload}),
 * with pooling switched off ({@code HttpClient.newConnection()}) and, as the contrast, pooled. The
 * client side is epoll, the server side the JDK's {@code SocketChannelImpl}: every span of the
 * server's port is counted, so that a connection seen twice or missed fails. Once per JDK.
 */
class ReactorNettyIT {

    private static final int REQUESTS = 120;
    /** How the summary names a call site with no application frame under Reactor Netty: a regular expression. */
    private static final String SITE = "\\(no application frame, in Reactor Netty\\)";

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    private static ChildJvm.Result run(String jdk, OtlpReceiver receiver, String mode) throws Exception {
        ChildJvm child = ClientLibraryRuns.child(jdk, receiver)
                .main(ReactorNettyChurnWorkload.class, mode, String.valueOf(REQUESTS));
        return ClientLibraryRuns.run(child, "reactor-netty done: " + REQUESTS + " requests");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void withPoolingOffEachRequestIsAConnectionNamedReactorNettyAndClientPerRequest(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "no-pool");
            long port = ClientLibraryRuns.serverPort(r);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(REQUESTS, clients.size(), () -> "one span per request's connection: " + clients);
            assertNativeTransport(clients);
            assertEquals(REQUESTS, distinct(clients, "network.local.port").size(), "one local port per connection");
            ClientLibraryRuns.assertClosedByThisSide(clients);
            // Reactor Netty connects on its event loop, through no Bootstrap: the walk there finds
            // the library, and honestly no line of the application's.
            assertAll(clients, "portwatch.call_site", null);
            assertAll(clients, "portwatch.client.library", "reactor-netty");
            assertChurnPattern(clients, "client_per_request");

            List<ReceivedSpan> servers = servers(receiver, port);
            assertEquals(REQUESTS, servers.size(), () -> "one span per accepted connection: " + servers);
            assertAll(servers, "portwatch.api", "channel");
            assertEquals(distinct(clients, "network.local.port"), distinct(servers, "network.peer.port"),
                    "the accepted side sees the client ports");
            ClientLibraryRuns.assertOnlySpansOfThePort(receiver, port, clients, servers);
            assertNoExporterSpans(receiver);

            ClientLibraryRuns.assertSummaryRow(r, REQUESTS, SITE, "reactor-netty", "client_per_request");
            assertTrue(Pattern.compile("to do 1: Reuse the connections opened at " + SITE + ": [^\\n]* through Reactor"
                    + " Netty \\(client_per_request\\)\\. Build one reactor\\.netty HttpClient [^\\n]* don't use"
                    + " newConnection\\(\\)").matcher(r.stderr).find(), r::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void pooledItReusesAFewConnectionsAndNamesNoChurn(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "pooled");
            long port = ClientLibraryRuns.serverPort(r);
            List<ReceivedSpan> clients = clients(receiver, port);
            // Requests one at a time: one connection, kept and reused; the provider allows 4.
            assertTrue(!clients.isEmpty() && clients.size() <= 4, () -> "a few connections: " + clients);
            assertNativeTransport(clients);
            assertAll(clients, "portwatch.client.library", "reactor-netty");
            assertAll(clients, "portwatch.churn.pattern", "none");
            assertEquals(clients.size(), servers(receiver, port).size(), () -> "spans: " + receiver.spans());
            ClientLibraryRuns.assertSummaryRow(r, clients.size(), SITE, "reactor-netty", "none");
            assertFalse(r.stderr.contains("Reuse the connections"), r::toString);
            assertFalse(r.stderr.contains("newConnection()"), r::toString);
        }
    }

    /**
     * Reactor Netty's own choice on Linux: io_uring when its jar is on the class path and the kernel
     * allows it (here, beside epoll's), else epoll; every connection through the one it chose.
     */
    private static void assertNativeTransport(List<ReceivedSpan> clients) {
        java.util.Set<Object> apis = distinct(clients, "portwatch.api");
        assertTrue(apis.equals(java.util.Set.of("netty_io_uring")) || apis.equals(java.util.Set.of("netty_epoll")),
                () -> "one native transport for every connection: " + apis);
    }
}
