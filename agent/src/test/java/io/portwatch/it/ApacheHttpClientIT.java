package io.portwatch.it;

import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.ClientLibraryRuns;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.workload.ApacheHttpClient4ChurnWorkload;
import io.portwatch.it.workload.ApacheHttpClient5ChurnWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
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
 * Apache HttpClient 4 and 5 named under their churn: a child JVM with the agent sends GET requests
 * to the JDK's HTTP server on loopback ({@link ApacheHttpClient4ChurnWorkload},
 * {@link ApacheHttpClient5ChurnWorkload}: 5's classic client), a client per request, closed after
 * it (the churn), or one shared client (the cure). Both connect on the caller's thread: the call
 * site is the workload's line. Once per JDK and version.
 */
class ApacheHttpClientIT {

    private static final int REQUESTS = 120;

    /** What differs between the two versions: the workload, the library's id and its fix's words. */
    enum Version {
        V4(ApacheHttpClient4ChurnWorkload.class, "apache-httpclient-4",
                // HttpClient 4's words: the manager's own setters (5.x's builder is another API) and
                // its NoConnectionReuseStrategy.
                " HttpClient 4 \\(client_per_request\\)\\. Build one CloseableHttpClient with a"
                        + " PoolingHttpClientConnectionManager \\(setMaxTotal, setDefaultMaxPerRoute\\) and share it,"
                        + " and consume each response entity \\(EntityUtils\\.consume\\) and don't set"
                        + " NoConnectionReuseStrategy\\."),
        V5(ApacheHttpClient5ChurnWorkload.class, "apache-httpclient-5",
                " HttpClient 5 \\(client_per_request\\)\\. Build one CloseableHttpClient with a"
                        + " PoolingHttpClientConnectionManager \\(PoolingHttpClientConnectionManagerBuilder");

        final Class<?> workload;
        final String library;
        /** After "through Apache": the pattern and the fix, a regular expression. */
        final String fix;

        Version(Class<?> workload, String library, String fix) {
            this.workload = workload;
            this.library = library;
            this.fix = fix;
        }

        /** The workload's line that connected: a regular expression. */
        String site() {
            String name = workload.getSimpleName();
            return Pattern.quote(workload.getName() + ".main(" + name + ".java:") + "\\d+\\)";
        }
    }

    static Stream<Arguments> jdksAndVersions() {
        return ChildJvm.javaHomes().stream().flatMap(jdk -> Stream.of(Version.values()).map(v -> Arguments.of(jdk, v)));
    }

    private static ChildJvm.Result run(String jdk, Version v, OtlpReceiver receiver, String mode) throws Exception {
        ChildJvm child = ClientLibraryRuns.child(jdk, receiver).main(v.workload, mode, String.valueOf(REQUESTS));
        return ClientLibraryRuns.run(child, v.library + " done: " + REQUESTS + " requests");
    }

    @ParameterizedTest
    @MethodSource("jdksAndVersions")
    void aClientPerRequestIsNamedWithItsVersionAndClientPerRequest(String jdk, Version v) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, v, receiver, "per-request");
            long port = ClientLibraryRuns.serverPort(r);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(REQUESTS, clients.size(), () -> "one span per request's connection: " + clients);
            assertEquals(REQUESTS, distinct(clients, "network.local.port").size(), "one local port per connection");
            ClientLibraryRuns.assertClosedByThisSide(clients);
            assertAll(clients, "code.function.name", v.workload.getName() + ".main");
            assertAll(clients, "portwatch.client.library", v.library);
            assertChurnPattern(clients, "client_per_request");
            List<ReceivedSpan> servers = servers(receiver, port);
            assertEquals(REQUESTS, servers.size(), () -> "one span per accepted connection: " + servers);
            ClientLibraryRuns.assertOnlySpansOfThePort(receiver, port, clients, servers);
            assertNoExporterSpans(receiver);

            ClientLibraryRuns.assertSummaryRow(r, REQUESTS, v.site(), v.library, "client_per_request");
            assertTrue(Pattern.compile("to do 1: Reuse the connections opened at " + v.site() + ": [^\\n]* through Apache"
                    + v.fix).matcher(r.stderr).find(), r::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("jdksAndVersions")
    void oneSharedClientIsOneConnectionAndNoChurn(String jdk, Version v) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, v, receiver, "shared");
            // No recommendation first: a cure that churned would fail here, on what a user reads.
            assertFalse(r.stderr.contains("Reuse the connections"), r::toString);
            assertFalse(r.stderr.contains("PoolingHttpClientConnectionManager"), r::toString);
            long port = ClientLibraryRuns.serverPort(r);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(1, clients.size(), () -> "one connection for all requests: " + clients);
            assertAll(clients, "portwatch.closed_by", "local");
            assertAll(clients, "portwatch.client.library", v.library);
            assertAll(clients, "portwatch.churn.pattern", "none");
            ClientLibraryRuns.assertSummaryRow(r, 1, v.site(), v.library, "none");
        }
    }
}
