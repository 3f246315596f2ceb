package io.portwatch.it.support;

import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the client-library ITs (grpc-java, Reactor Netty, Lettuce, Jedis, OkHttp, Apache HttpClient
 * 4 and 5, HttpURLConnection) share: a child JVM on the libraries' jars, which the build copies into
 * {@code target/clients} (never onto the agent's class path), and the checks of what a user sees
 * of a call site's connections (Commons DBCP's IT shares these).
 */
public final class ClientLibraryRuns {

    /** Connections from one call site before its spans name a churn pattern (ChurnPattern.CHURN_CONNECTIONS). */
    static final int CHURN_CONNECTIONS = 100;

    private ClientLibraryRuns() {}

    /** A child JVM with the agent, exporting to {@code receiver}, on the client libraries' jars. */
    public static ChildJvm child(String jdk, OtlpReceiver receiver) throws IOException {
        ChildJvm child = new ChildJvm(jdk).exportTo(receiver).agentArgs("summary=short").timeoutSeconds(120);
        Path dir = Paths.get(System.getProperty("portwatch.clients.dir", "target/clients"));
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no client library jars in " + dir.toAbsolutePath());
        }
        try (Stream<Path> jars = Files.list(dir)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().collect(Collectors.toList())) {
                child.classPath(jar);
            }
        }
        return child;
    }

    /** Runs it; it must end well and print {@code done}; returns what it printed. */
    public static ChildJvm.Result run(ChildJvm child, String done) throws Exception {
        ChildJvm.Result r = child.run();
        assertEquals(0, r.exitCode, r::toString);
        assertFalse(r.stderr.contains("[portwatch] ERROR"), r::toString);
        assertTrue(r.stdout.contains(done), () -> "no '" + done + "': " + r);
        return r;
    }

    /** The port the workload printed as {@code server port P}. */
    public static long serverPort(ChildJvm.Result r) {
        return Long.parseLong(r.stdout.replaceAll("(?s).*server port (\\d+).*", "$1"));
    }

    /** How many spans carry each value of {@code key} (null: the attribute missing). */
    static Map<String, Long> countBy(List<ReceivedSpan> spans, String key) {
        return spans.stream().collect(Collectors.groupingBy(
                (Function<ReceivedSpan, String>) s -> String.valueOf(s.attributes.get(key)), TreeMap::new,
                Collectors.counting()));
    }

    /**
     * A call site's pattern is decided as each of its connections ends: the first
     * {@code CHURN_CONNECTIONS - 1} say {@code none}, every later one {@code pattern}.
     */
    public static void assertChurnPattern(List<ReceivedSpan> clients, String pattern) {
        int n = clients.size();
        Map<String, Long> expected = new TreeMap<>();
        expected.put("none", (long) Math.min(n, CHURN_CONNECTIONS - 1));
        if (n >= CHURN_CONNECTIONS) expected.put(pattern, (long) (n - CHURN_CONNECTIONS + 1));
        assertEquals(expected, countBy(clients, "portwatch.churn.pattern"), () -> "churn patterns of " + clients);
    }

    /**
     * This side closed each connection: its FIN first (a TIME_WAIT here), or a reset (a close with
     * unread data sends one). At least one FIN, so that resets alone do not pass.
     */
    public static void assertClosedByThisSide(List<ReceivedSpan> clients) {
        Map<String, Long> closers = countBy(clients, "portwatch.closed_by");
        assertTrue(closers.keySet().stream().allMatch(c -> c.equals("local") || c.equals("reset"))
                && closers.containsKey("local"), () -> "closers " + closers + " of " + clients);
        for (ReceivedSpan s : clients) {
            assertEquals("local".equals(s.str("portwatch.closed_by")), s.attributes.get("portwatch.time_wait"),
                    () -> "a TIME_WAIT here exactly when this side's FIN came first: " + s);
        }
    }

    /**
     * Nothing counted twice: the spans that name {@code port} (as the peer's, this side's or the
     * server's) are the client and server spans, no more.
     */
    public static void assertOnlySpansOfThePort(OtlpReceiver receiver, long port, List<ReceivedSpan> clients,
                                         List<ReceivedSpan> servers) {
        Long p = port;
        List<ReceivedSpan> all = receiver.spans(s -> p.equals(s.num("network.peer.port"))
                || p.equals(s.num("network.local.port")) || p.equals(s.num("server.port")));
        assertEquals(clients.size() + servers.size(), all.size(), () -> "spans of port " + port + ": " + all);
    }

    /** The summary's row of the call site: {@code count} connections, the library and the pattern. */
    public static void assertSummaryRow(ChildJvm.Result r, int count, String site, String library, String pattern) {
        assertTrue(Pattern.compile("\\[portwatch\\] summary:   " + count + "  " + site + " \\(" + count
                        + " direct, 0 by a pool; [^)]*; " + library + ", " + pattern + "\\)").matcher(r.stderr).find(),
                r::toString);
    }
}
