package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.workload.HttpClientChurnWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The churn summary names the client library under the churn and its fix in that library's words:
 * a child JVM with the agent sends HTTP requests with the JDK's HttpClient to the JDK's HTTP
 * server on loopback, a client per request (the churn) or one shared client (the cure). The call
 * site is the workload's {@code send} line where the client connects on the caller's thread (it
 * does on JDK 17), or the library's own when it connects on its worker threads, whose stacks hold
 * no application frame; either names the library. Runs once per configured JDK.
 */
class ClientLibraryIT {

    /** The workload's line, or the library's own threads: a regular expression. */
    private static final String SITE = "(?:io\\.portwatch\\.it\\.workload\\.HttpClientChurnWorkload\\.main\\(HttpClientChurnWorkload\\.java:\\d+\\)"
            + "|\\(no application frame, in the JDK HttpClient\\))";

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    private static ChildJvm.Result run(String jdk, String mode, int requests) throws Exception {
        // No exporter configured: summary=auto prints the short summary at exit.
        ChildJvm.Result r = new ChildJvm(jdk).main(HttpClientChurnWorkload.class, mode, String.valueOf(requests))
                .timeoutSeconds(120).run();
        assertEquals(0, r.exitCode, r::toString);
        assertFalse(r.stderr.contains("[portwatch] ERROR"), r::toString);
        assertTrue(r.stdout.contains("http done: " + requests + " requests"), r::toString);
        return r;
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aClientPerRequestIsNamedWithItsLibraryAndTheFix(String jdk) throws Exception {
        ChildJvm.Result r = run(jdk, "per-request", 200);
        // The connections this JVM closed once each client was closed or collected: most, not
        // necessarily all (the last ones may still be closing at exit).
        Matcher row = Pattern.compile("\\[portwatch\\] summary:   (\\d+)  " + SITE
                + " \\((\\d+) direct, 0 by a pool; closed by local (\\d+)%[^)]*; jdk-httpclient, client_per_request\\)")
                .matcher(r.stderr);
        assertTrue(row.find(), r::toString);
        long ended = Long.parseLong(row.group(1));
        assertTrue(ended >= 150, () -> "too few connections ended before exit: " + r);
        assertTrue(Pattern.compile("\\[portwatch\\] summary: to do 1: Reuse the connections opened at " + SITE + ": ")
                .matcher(r.stderr).find(), r::toString);
        assertTrue(Pattern.compile("to do 1: [^\\n]* through the JDK HttpClient \\(client_per_request\\)\\."
                + " Build one java\\.net\\.http\\.HttpClient and share it").matcher(r.stderr).find(), r::toString);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void oneSharedClientGetsNoChurnRecommendation(String jdk) throws Exception {
        ChildJvm.Result r = run(jdk, "shared", 200);
        // Its one connection, closed at the end, is in the table: the cure is seen, not missed.
        assertTrue(Pattern.compile("\\[portwatch\\] summary:   1  " + SITE
                + " \\(1 direct, 0 by a pool; closed by [^)]*; jdk-httpclient, none\\)").matcher(r.stderr).find(),
                r::toString);
        assertFalse(r.stderr.contains("Reuse the connections"), r::toString);
        assertFalse(r.stderr.contains("HttpClient and share it"), r::toString);
    }
}
