package io.portwatch.it;

import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.ClientLibraryRuns;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.workload.ApacheHttpClient4ChurnWorkload;
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
 * Apache HttpClient 4 named under its churn: a child JVM with the agent sends GET requests to the
 * JDK's HTTP server on loopback ({@link ApacheHttpClient4ChurnWorkload}), a client per request
 * ({@code HttpClients.createDefault()}), closed after it (the churn), or one shared client (the
 * cure). HttpClient 4 connects on the caller's thread: the call site is the workload's line. Once
 * per JDK.
 */
class ApacheHttpClient4IT {

    private static final int REQUESTS = 120;
    /** The workload's line that connected: a regular expression. */
    private static final String SITE = "io\\.portwatch\\.it\\.workload\\.ApacheHttpClient4ChurnWorkload\\.main"
            + "\\(ApacheHttpClient4ChurnWorkload\\.java:\\d+\\)";

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    private static ChildJvm.Result run(String jdk, OtlpReceiver receiver, String mode) throws Exception {
        ChildJvm child = ClientLibraryRuns.child(jdk, receiver)
                .main(ApacheHttpClient4ChurnWorkload.class, mode, String.valueOf(REQUESTS));
        return ClientLibraryRuns.run(child, "apache-httpclient-4 done: " + REQUESTS + " requests");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aClientPerRequestIsNamedApacheHttpClient4AndClientPerRequest(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "per-request");
            long port = ClientLibraryRuns.serverPort(r);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(REQUESTS, clients.size(), () -> "one span per request's connection: " + clients);
            assertEquals(REQUESTS, distinct(clients, "network.local.port").size(), "one local port per connection");
            ClientLibraryRuns.assertClosedByThisSide(clients);
            assertAll(clients, "code.function.name", ApacheHttpClient4ChurnWorkload.class.getName() + ".main");
            assertAll(clients, "portwatch.client.library", "apache-httpclient-4");
            assertChurnPattern(clients, "client_per_request");
            List<ReceivedSpan> servers = servers(receiver, port);
            assertEquals(REQUESTS, servers.size(), () -> "one span per accepted connection: " + servers);
            ClientLibraryRuns.assertOnlySpansOfThePort(receiver, port, clients, servers);
            assertNoExporterSpans(receiver);

            ClientLibraryRuns.assertSummaryRow(r, REQUESTS, SITE, "apache-httpclient-4", "client_per_request");
            // HttpClient 4's words: the manager's own setters (5.x's builder is another API) and its
            // NoConnectionReuseStrategy.
            assertTrue(Pattern.compile("to do 1: Reuse the connections opened at " + SITE + ": [^\\n]* through Apache"
                    + " HttpClient 4 \\(client_per_request\\)\\. Build one CloseableHttpClient with a"
                    + " PoolingHttpClientConnectionManager \\(setMaxTotal, setDefaultMaxPerRoute\\) and share it,"
                    + " and consume each response entity \\(EntityUtils\\.consume\\) and don't set"
                    + " NoConnectionReuseStrategy\\.").matcher(r.stderr).find(), r::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void oneSharedClientIsOneConnectionAndNoChurn(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "shared");
            // No recommendation first: a cure that churned would fail here, on what a user reads.
            assertFalse(r.stderr.contains("Reuse the connections"), r::toString);
            assertFalse(r.stderr.contains("PoolingHttpClientConnectionManager"), r::toString);
            long port = ClientLibraryRuns.serverPort(r);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(1, clients.size(), () -> "one connection for all requests: " + clients);
            assertAll(clients, "portwatch.closed_by", "local");
            assertAll(clients, "portwatch.client.library", "apache-httpclient-4");
            assertAll(clients, "portwatch.churn.pattern", "none");
            ClientLibraryRuns.assertSummaryRow(r, 1, SITE, "apache-httpclient-4", "none");
        }
    }
}
