package io.portwatch.it;

import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.ClientLibraryRuns;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.workload.OkHttpChurnWorkload;
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
 * OkHttp named under its churn: a child JVM with the agent sends GET requests with OkHttp to the
 * JDK's HTTP server on loopback ({@link OkHttpChurnWorkload}), a client per request, released after
 * it (the churn), or one shared client (the cure). OkHttp 5 connects on its own task threads (fast
 * fallback), whose stacks hold no application frame, so the call site is the library's; where it
 * connects on the caller's thread, the workload's line. Either names the library. Once per JDK.
 */
class OkHttpIT {

    private static final int REQUESTS = 120;
    /** The workload's line, or the library's own threads: a regular expression. */
    private static final String SITE = "(?:io\\.portwatch\\.it\\.workload\\.OkHttpChurnWorkload\\.main"
            + "\\(OkHttpChurnWorkload\\.java:\\d+\\)|\\(no application frame, in OkHttp\\))";

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    private static ChildJvm.Result run(String jdk, OtlpReceiver receiver, String mode) throws Exception {
        ChildJvm child = ClientLibraryRuns.child(jdk, receiver)
                .main(OkHttpChurnWorkload.class, mode, String.valueOf(REQUESTS));
        return ClientLibraryRuns.run(child, "okhttp done: " + REQUESTS + " requests");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aClientPerRequestIsNamedOkHttpAndClientPerRequest(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "per-request");
            long port = ClientLibraryRuns.serverPort(r);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(REQUESTS, clients.size(), () -> "one span per request's connection: " + clients);
            assertEquals(REQUESTS, distinct(clients, "network.local.port").size(), "one local port per connection");
            ClientLibraryRuns.assertClosedByThisSide(clients);
            assertAll(clients, "portwatch.client.library", "okhttp");
            assertChurnPattern(clients, "client_per_request");
            List<ReceivedSpan> servers = servers(receiver, port);
            assertEquals(REQUESTS, servers.size(), () -> "one span per accepted connection: " + servers);
            ClientLibraryRuns.assertOnlySpansOfThePort(receiver, port, clients, servers);
            assertNoExporterSpans(receiver);

            ClientLibraryRuns.assertSummaryRow(r, REQUESTS, SITE, "okhttp", "client_per_request");
            assertTrue(Pattern.compile("to do 1: Reuse the connections opened at " + SITE + ": [^\\n]* through OkHttp"
                    + " \\(client_per_request\\)\\. Build one OkHttpClient and share it \\(derive variants with"
                    + " newBuilder\\(\\), which share its ConnectionPool\\)").matcher(r.stderr).find(), r::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void oneSharedClientIsOneConnectionAndNoChurn(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "shared");
            // No recommendation first: a cure that churned would fail here, on what a user reads.
            assertFalse(r.stderr.contains("Reuse the connections"), r::toString);
            assertFalse(r.stderr.contains("OkHttpClient"), r::toString);
            long port = ClientLibraryRuns.serverPort(r);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(1, clients.size(), () -> "one connection for all requests: " + clients);
            assertAll(clients, "portwatch.closed_by", "local");
            assertAll(clients, "portwatch.client.library", "okhttp");
            assertAll(clients, "portwatch.churn.pattern", "none");
            ClientLibraryRuns.assertSummaryRow(r, 1, SITE, "okhttp", "none");
        }
    }
}
