package io.portwatch.junit;

import io.portwatch.api.ConnectionRecording;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.util.List;
import java.util.Set;

import static io.portwatch.junit.EngineRuns.onlyFailure;
import static io.portwatch.junit.EngineRuns.reportEntries;
import static io.portwatch.junit.EngineRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A budget's destination against the host as the application named it: it matches that name or the
 * address the connection went to, never a name resolved by the budget; a budget that matched no
 * connection fails when connections to its port were seen, and says so when none were.
 */
class DestinationNamesTest {

    static LoopbackServer server;

    @BeforeAll
    static void start() throws Exception {
        assertTrue(ConnectionRecording.agentAttached(), "these tests run with -javaagent (see pom.xml)");
        server = new LoopbackServer(false);
        System.setProperty("portwatch.test.names.port", Integer.toString(server.port()));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static class NameAgainstAddress {
        @Test
        @ConnectionBudget(destination = "localhost:${portwatch.test.names.port}", maxPhysicalConnects = 100)
        void connectsTo127001() throws Exception {
            server.connect("127.0.0.1", 20);
        }
    }

    @Test
    void aBudgetOnLocalhostFailsWhenTheApplicationConnectedTo127001AndSaysWhatToWrite() {
        EngineExecutionResults results = run(NameAgainstAddress.class);
        results.testEvents().assertStatistics(s -> s.started(1).succeeded(0).failed(1));
        String message = onlyFailure(results);
        String at = "127.0.0.1:" + server.port();
        String[] lines = message.split("\n");
        assertEquals("connection budget for localhost:" + server.port() + " matched no connection, but connections to "
                + at + " were seen", lines[0], message);
        assertTrue(lines[1].startsWith("  " + at + ": 20 physical connects, 0 failed; 20 closes: local "), message);
        assertTrue(lines[2].startsWith("    top call sites: 20 at " + LoopbackServer.class.getName() + ".connect("), message);
        assertTrue(lines[3].startsWith("  a destination pattern matches the host as the application named it"), message);
        assertTrue(lines[3].endsWith("write \"" + at + "\", or \"*:" + server.port() + "\" for any host on that port"), message);
    }

    static class ByName {
        @Test
        @ConnectionBudget(destination = "localhost:${portwatch.test.names.port}", maxPhysicalConnects = 5)
        void budgetOnTheNameUsed() throws Exception {
            server.connect("localhost", 5);
        }

        @Test
        @ConnectionBudget(destination = "127.0.0.1:${portwatch.test.names.port}", maxPhysicalConnects = 5)
        void budgetOnTheAddress() throws Exception {
            server.connect("localhost", 6);
        }
    }

    @Test
    void aConnectionToLocalhostCountsForABudgetOnLocalhostAndForOneOnItsAddress() {
        EngineExecutionResults results = run(ByName.class);
        results.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        int port = server.port();
        assertEquals(List.of("within the connection budget for localhost:" + port + ": 5 physical connects (budget 5)"),
                reportEntries(results));
        String message = onlyFailure(results);
        assertTrue(message.startsWith("connection budget exceeded for 127.0.0.1:" + port + ": 6 physical connects (budget 5)\n"
                + "  localhost:" + port + " (127.0.0.1:" + port + "): 6 physical connects, 0 failed; 6 closes"), message);
    }

    static class SeesNothing {
        @Test
        @ConnectionBudget(destination = "*:${portwatch.test.names.port}", maxPhysicalConnects = 5)
        void connectsNowhere() {
        }

        @Test
        @ConnectionBudget(destination = "*:${portwatch.test.names.port}", maxPhysicalConnects = 5, failIfNoneMatched = true)
        void connectsNowhereButMust() {
        }
    }

    @Test
    void aBudgetThatMatchedNothingSaysSoAndFailsWhenAskedTo() {
        EngineRuns.WithStderr run = EngineRuns.runCapturingStderr(SeesNothing.class);
        run.results.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        // Nothing connects here; "seen: ..." would list a connection elsewhere, from some other thread.
        String seen = "\\((no connection was seen|seen: [^)]*)\\)";
        List<String> entries = reportEntries(run.results);
        assertEquals(1, entries.size(), entries::toString);
        assertTrue(entries.get(0).matches("within the connection budget for \\*:" + server.port()
                + ": 0 physical connects \\(budget 5\\); no connection matched it " + seen), entries.get(0));
        String failure = onlyFailure(run.results);
        assertTrue(failure.matches("connection budget for \\*:" + server.port() + " matched no connection " + seen
                + ", and the budget fails when none matched \\(failIfNoneMatched\\)"), failure);
        String fixture = SeesNothing.class.getName();
        assertEquals(Set.of(
                "[portwatch] " + fixture + ".connectsNowhere(): " + entries.get(0),
                "[portwatch] " + fixture + ".connectsNowhereButMust(): " + failure), Set.copyOf(run.portwatchLines()));
        assertEquals(2, run.portwatchLines().size(), run.stderr);
    }
}
