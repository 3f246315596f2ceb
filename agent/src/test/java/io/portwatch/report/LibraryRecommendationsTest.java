package io.portwatch.report;

import io.portwatch.budget.Advice;
import io.portwatch.clients.ClientLibrary;
import io.portwatch.host.TestSnapshots;
import io.portwatch.track.Closer;
import io.portwatch.track.TestRecords;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The churn report's recommendation for a call site under a known client library: its fix in that library's words. */
class LibraryRecommendationsTest {

    private final AtomicLong clock = new AtomicLong(0);

    private RunHistory run(ClientLibrary library, boolean poolOnStack, String site, int n, Closer closer) {
        RunHistory r = new RunHistory(clock::get, 0, "Work");
        for (int i = 0; i < n; i++) {
            r.ended(TestRecords.outgoingThrough(library, poolOnStack, site, 8080, closer, i * 10_000_000L));
        }
        clock.set(10_000_000_000L);
        return r;
    }

    private static String summary(RunHistory r) {
        return String.join("\n", new Report(r).consoleLines(ConsoleReport.Detail.SHORT));
    }

    @Test
    void aClientBuiltPerRequestIsNamedWithItsFix() {
        String text = summary(run(ClientLibrary.OKHTTP, false, "com.example.Fetch.get", 300, Closer.LOCAL));
        assertTrue(text.contains("300  com.example.Fetch.get(Work.java:12) (300 direct, 0 by a pool;"
                + " closed by local 100%; okhttp, client_per_request)"), text);
        assertTrue(text.contains("to do 1: Reuse the connections opened at com.example.Fetch.get(Work.java:12):"
                + " 300 new connections to 127.0.0.1:8080 (30/s over the 10 s the JVM ran), 100% closed by this JVM first, each leaving its port"
                + " in TIME_WAIT on this host for 60 s, through OkHttp (client_per_request)."
                + " Build one OkHttpClient and share it"), text);
        assertFalse(text.contains("Use a connection pool or keep-alive there"), "the library's words instead\n" + text);
    }

    @Test
    void aLibrarysOwnThreadsAreRecommendedOnToo() {
        String text = summary(run(ClientLibrary.JDK_HTTP_CLIENT, false, null, 200, Closer.LOCAL));
        assertTrue(text.contains("to do 1: Reuse the connections opened at (no application frame, in the JDK HttpClient):"
                + " 200 new connections"), text);
        assertTrue(text.contains("Build one java.net.http.HttpClient and share it"), text);
    }

    @Test
    void theSharedClientGetsNoChurnRecommendation() {
        String text = summary(run(ClientLibrary.JDK_HTTP_CLIENT, false, null, 2, Closer.LOCAL));
        assertTrue(text.contains("jdk-httpclient, none"), text);
        assertFalse(text.contains("to do"), text);
    }

    @Test
    void aPooledFormThatKeepsItsConnectionsGetsNone() {
        String text = summary(run(ClientLibrary.JEDIS, true, "com.example.Cache.get", 8, Closer.LOCAL));
        assertFalse(text.contains("to do"), text);
    }

    @Test
    void aPoolThatChurnsIsToldSoInItsOwnWords() {
        String text = summary(run(ClientLibrary.JEDIS, true, "com.example.Cache.get", 400, Closer.LOCAL));
        assertTrue(text.contains("through Jedis (pool_churn). The JedisPool itself opens them"), text);
        assertTrue(text.contains("maxIdle"), text);
    }

    @Test
    void aRunOfResetsIsToldWhereTheyComeFrom() {
        String text = summary(run(ClientLibrary.JDBC_DRIVER, false, "com.example.Rows.write", 200, Closer.RESET));
        assertTrue(text.contains("100% of the connections ended in a reset: look for SO_LINGER 0 or aborted connections"),
                text);
        assertTrue(text.contains("A TLS client that closes without reading the server's close_notify"
                + " (MySQL Connector/J does) draws one too, harmless there."), text);
    }

    @Test
    void aServerThatClosesFirstIsNotCuredByTheClient() {
        String text = summary(run(ClientLibrary.APACHE_HTTPCLIENT_4, false, "com.example.Api.call", 300, Closer.PEER));
        assertTrue(text.contains("through Apache HttpClient 4 (peer_closes). The server closes them first"), text);
        assertFalse(text.contains("PoolingHttpClientConnectionManager"), text);
    }

    @Test
    void aWarningSayingTheSameLibraryFixDoesNotRepeatIt() {
        RunHistory r = run(ClientLibrary.OKHTTP, false, "com.example.Fetch.get", 300, Closer.LOCAL);
        List<Advice.Opener> openers = List.of(new Advice.Opener("com.example.Fetch.get(Work.java:12)", 30, false,
                ClientLibrary.OKHTTP, 300));
        String advice = new Advice().openedAt(openers, 0).library(openers, true, 1.0).closer(true, 300, 1.0).text();
        assertTrue(advice.contains("OkHttp (client_per_request): Build one OkHttpClient"), advice);
        r.warningRaised(TestSnapshots.warning("127.0.0.1", 8080, advice));
        String text = summary(r);
        assertEquals(1, text.split("Build one OkHttpClient", -1).length - 1, text);
        assertTrue(text.contains("to do 2: opened at com.example.Fetch.get(Work.java:12)"), "the rest of the warning stays\n" + text);
    }

    /** Connections that overlap (concurrent requests): a loop of them is a polling loop (PollingLoopRecommendationsTest). */
    @Test
    void withoutALibraryTheAdviceIsAsBefore() {
        RunHistory r = new RunHistory(clock::get, 0, "Work");
        for (int i = 0; i < 300; i++) {
            r.ended(TestRecords.outgoingThrough(null, false, "com.example.Raw.send", 8080, Closer.LOCAL,
                    i * 10_000_000L, i * 10_000_000L + 30_000_000L));
        }
        clock.set(10_000_000_000L);
        List<String> lines = new Report(r).consoleLines(ConsoleReport.Detail.SHORT);
        String text = String.join("\n", lines);
        assertTrue(text.contains("(300 direct, 0 by a pool; closed by local 100%)"), text);
        assertTrue(text.contains("for 60 s. Use a connection pool or keep-alive there."), text);
        assertEquals(1, lines.stream().filter(l -> l.contains("to do")).count(), text);
    }
}
