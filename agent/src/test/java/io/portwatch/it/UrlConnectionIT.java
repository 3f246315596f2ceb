package io.portwatch.it;

import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.ClientLibraryRuns;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.workload.UrlConnectionChurnWorkload;
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
 * HttpURLConnection named under its churn, and who closes first deciding the pattern: a child JVM
 * with the agent sends GET requests with HttpURLConnection to a server of its own on loopback
 * ({@link UrlConnectionChurnWorkload}). With the client's reuse off ({@code disconnect()} after each
 * response) this JVM closes first, {@code reuse_off}, and the fix is HttpURLConnection's keep-alive;
 * with the server answering {@code Connection: close} the server closes first, {@code peer_closes},
 * and the fix is the server's (the client's keep-alive settings would change nothing); with
 * keep-alive on both sides (the cure) one connection serves every request. The connects are on the
 * caller's thread: the call site is the workload's line. Once per JDK.
 */
class UrlConnectionIT {

    private static final int REQUESTS = 120;
    /** The workload's line that connected: a regular expression. */
    private static final String SITE = "io\\.portwatch\\.it\\.workload\\.UrlConnectionChurnWorkload\\.main"
            + "\\(UrlConnectionChurnWorkload\\.java:\\d+\\)";

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    private static ChildJvm.Result run(String jdk, OtlpReceiver receiver, String mode) throws Exception {
        ChildJvm child = ClientLibraryRuns.child(jdk, receiver)
                .main(UrlConnectionChurnWorkload.class, mode, String.valueOf(REQUESTS));
        return ClientLibraryRuns.run(child, "httpurlconnection done: " + REQUESTS + " requests");
    }

    /** One client span per request, each with its own port, and the server's span of each. */
    private static List<ReceivedSpan> churnedClients(OtlpReceiver receiver, long port) {
        List<ReceivedSpan> clients = clients(receiver, port);
        assertEquals(REQUESTS, clients.size(), () -> "one span per request's connection: " + clients);
        assertEquals(REQUESTS, distinct(clients, "network.local.port").size(), "one local port per connection");
        assertAll(clients, "code.function.name", UrlConnectionChurnWorkload.class.getName() + ".main");
        assertAll(clients, "portwatch.client.library", "httpurlconnection");
        List<ReceivedSpan> servers = servers(receiver, port);
        assertEquals(REQUESTS, servers.size(), () -> "one span per accepted connection: " + servers);
        ClientLibraryRuns.assertOnlySpansOfThePort(receiver, port, clients, servers);
        assertNoExporterSpans(receiver);
        return clients;
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void disconnectAfterEachResponseIsNamedHttpUrlConnectionAndReuseOff(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "disconnect");
            long port = ClientLibraryRuns.serverPort(r);
            List<ReceivedSpan> clients = churnedClients(receiver, port);
            ClientLibraryRuns.assertClosedByThisSide(clients);
            assertChurnPattern(clients, "reuse_off");

            ClientLibraryRuns.assertSummaryRow(r, REQUESTS, SITE, "httpurlconnection", "reuse_off");
            assertTrue(Pattern.compile("to do 1: Reuse the connections opened at " + SITE + ": [^\\n]* closed by"
                    + " this JVM first[^\\n]* through HttpURLConnection \\(reuse_off\\)\\. Let HttpURLConnection keep"
                    + " connections alive: leave http\\.keepAlive=true, read each response body to its end and close"
                    + " its stream instead of calling disconnect\\(\\)").matcher(r.stderr).find(), r::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aServerThatAnswersConnectionCloseIsNamedPeerClosesWithTheServersFix(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "server-closes");
            long port = ClientLibraryRuns.serverPort(r);
            List<ReceivedSpan> clients = churnedClients(receiver, port);
            // The server's FIN first, its TIME_WAIT on the server's side: none here.
            assertAll(clients, "portwatch.closed_by", "peer");
            assertAll(clients, "portwatch.time_wait", false);
            assertAll(servers(receiver, port), "portwatch.closed_by", "local");
            assertChurnPattern(clients, "peer_closes");

            ClientLibraryRuns.assertSummaryRow(r, REQUESTS, SITE, "httpurlconnection", "peer_closes");
            assertTrue(Pattern.compile("to do 1: Reuse the connections opened at " + SITE + ": [^\\n]* through"
                    + " HttpURLConnection \\(peer_closes\\)\\. The server closes them first \\(Connection: close,"
                    + "[^\\n]*needs the server to keep them open").matcher(r.stderr).find(), r::toString);
            // Not the client-side fix: it would change nothing here.
            assertFalse(r.stderr.contains("Let HttpURLConnection keep connections alive"), r::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void keepAliveIsOneConnectionAndNoChurn(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "keep-alive");
            // No recommendation first: a cure that churned would fail here, on what a user reads.
            assertFalse(r.stderr.contains("Reuse the connections"), r::toString);
            assertFalse(r.stderr.contains("keep connections alive"), r::toString);
            long port = ClientLibraryRuns.serverPort(r);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(1, clients.size(), () -> "one connection for all requests: " + clients);
            assertAll(clients, "portwatch.closed_by", "local");
            assertAll(clients, "portwatch.client.library", "httpurlconnection");
            assertAll(clients, "portwatch.churn.pattern", "none");
            ClientLibraryRuns.assertSummaryRow(r, 1, SITE, "httpurlconnection", "none");
        }
    }
}
