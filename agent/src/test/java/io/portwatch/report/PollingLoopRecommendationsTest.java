package io.portwatch.report;

import io.portwatch.budget.Advice;
import io.portwatch.clients.ChurnPattern;
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

/** The churn report's row and recommendation for a call site that connects once per loop iteration. */
class PollingLoopRecommendationsTest {

    private static final long MS = 1_000_000;
    private static final String LOOP_FIX = "Open the connection once and keep it open across the loop's iterations";

    private final AtomicLong clock = new AtomicLong(0);
    private final RunHistory run = new RunHistory(clock::get, 0, "Work");

    /** {@code n} connections from {@code site}, opened {@code every} ms apart, each open {@code open} ms. */
    private void connect(ClientLibrary library, String site, int n, long every, long open, Closer closer) {
        for (int i = 0; i < n; i++) {
            long start = 1000 * MS + i * every * MS;
            run.ended(TestRecords.outgoingThrough(library, false, site, 9000, closer, start, start + open * MS));
        }
        clock.set(10_000_000_000L);
    }

    private String summary() {
        return String.join("\n", new Report(run).consoleLines(ConsoleReport.Detail.SHORT));
    }

    private CallSiteTable.Row row(String function) {
        for (CallSiteTable.Row r : run.snapshot().callSites) {
            if (r.callSite.startsWith(function + "(")) return r;
        }
        throw new AssertionError("no row for " + function);
    }

    @Test
    void aLoopIsNamedInItsRowAndGetsTheLoopsFix() {
        connect(null, "com.example.Poll.tick", 120, 10, 4, Closer.LOCAL);
        String text = summary();
        assertTrue(text.contains("120  com.example.Poll.tick(Work.java:12) (120 direct, 0 by a pool;"
                + " closed by local 100%; polling_loop)"), text);
        assertTrue(text.contains("to do 1: Reuse the connections opened at com.example.Poll.tick(Work.java:12):"
                + " 120 new connections to 127.0.0.1:9000 (12/s over the 10 s the JVM ran), 100% closed by this JVM"
                + " first, each leaving its port in TIME_WAIT on this host for 60 s, one at a time, never two open"
                + " at once (polling_loop). " + LOOP_FIX), text);
        assertTrue(text.contains("or poll less often"), text);
        assertFalse(text.contains("Use a connection pool or keep-alive there"), "the loop's words instead\n" + text);
        assertEquals(ChurnPattern.POLLING_LOOP, row("com.example.Poll.tick").pattern());
        assertTrue(HtmlReport.render(run.snapshot()).contains("<td>polling_loop</td>"), "the page's row too");
    }

    @Test
    void theSameConnectionsOverlappingGetTheGeneralAdvice() {
        connect(null, "com.example.Poll.fanOut", 120, 1, 8, Closer.LOCAL);
        String text = summary();
        assertTrue(text.contains("(120 direct, 0 by a pool; closed by local 100%)"), text);
        assertTrue(text.contains("for 60 s. Use a connection pool or keep-alive there."), text);
        assertFalse(text.contains("polling_loop"), text);
        assertEquals(ChurnPattern.UNKNOWN, row("com.example.Poll.fanOut").pattern());
    }

    @Test
    void aLoopThatTheServerEndsIsThePeers() {
        connect(null, "com.example.Poll.closedByServer", 120, 10, 4, Closer.PEER);
        assertEquals(ChurnPattern.PEER_CLOSES, row("com.example.Poll.closedByServer").pattern());
        assertFalse(summary().contains(LOOP_FIX), summary());
    }

    @Test
    void aKnownLibraryInALoopKeepsItsOwnFix() {
        connect(ClientLibrary.JDBC_DRIVER, "com.example.Poll.query", 120, 10, 4, Closer.LOCAL);
        String text = summary();
        assertTrue(text.contains("through a JDBC driver (no_pool). Take connections from a pool"), text);
        assertFalse(text.contains("polling_loop"), text);
    }

    @Test
    void aLoopBelowChurnIsNoneAndNoRecommendation() {
        connect(null, "com.example.Poll.rare", 99, 10, 4, Closer.LOCAL);
        assertEquals(ChurnPattern.NONE, row("com.example.Poll.rare").pattern());
        assertFalse(summary().contains("to do"), summary());
    }

    /** The catch-all rows hold several call sites, or none known: never one loop, whatever their times. */
    @Test
    void rowsOfSeveralCallSitesAreNeverALoop() {
        for (int i = 0; i < 150; i++) {
            run.ended(TestRecords.outgoing(null, 0, 9000, Closer.LOCAL, null, 1000 * MS + i * 10 * MS));
        }
        for (int i = 1; i < CallSiteTable.MAX_ROWS; i++) {
            run.ended(TestRecords.outgoing("com.example.Gen" + i + ".call", 1, 9000, Closer.LOCAL, null, 3000 * MS + i * MS));
        }
        for (int i = 0; i < 150; i++) {
            long start = 5000 * MS + i * 10 * MS;
            run.ended(TestRecords.outgoingThrough(null, false, "com.example.Late" + i + ".call", 9000, Closer.LOCAL,
                    start, start + 4 * MS));
        }
        assertEquals(150, rowNamed(CallSiteTable.UNKNOWN).connections);
        assertEquals(ChurnPattern.UNKNOWN, rowNamed(CallSiteTable.UNKNOWN).pattern());
        assertEquals(150, rowNamed(CallSiteTable.OTHERS).connections);
        assertEquals(ChurnPattern.UNKNOWN, rowNamed(CallSiteTable.OTHERS).pattern());
    }

    private CallSiteTable.Row rowNamed(String name) {
        return run.snapshot().callSites.stream().filter(r -> r.callSite.equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + name));
    }

    @Test
    void aWarningSayingTheLoopsFixDoesNotRepeatIt() {
        connect(null, "com.example.Poll.tick", 300, 10, 4, Closer.LOCAL);
        List<Advice.Opener> openers = List.of(new Advice.Opener("com.example.Poll.tick(Work.java:12)", 30, false,
                null, 300, true));
        String advice = new Advice().openedAt(openers, 0).library(openers, true, 1.0).closer(true, 300, 1.0).text();
        assertTrue(advice.contains("a loop, one connection at a time (polling_loop): " + LOOP_FIX), advice);
        run.warningRaised(TestSnapshots.warning("127.0.0.1", 9000, advice));
        String text = summary();
        assertEquals(1, text.split(LOOP_FIX, -1).length - 1, text);
        assertTrue(text.contains("to do 2: opened at com.example.Poll.tick(Work.java:12)"), "the rest of the warning stays\n" + text);
    }
}
