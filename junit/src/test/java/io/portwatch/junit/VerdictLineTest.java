package io.portwatch.junit;

import io.portwatch.api.ConnectionRecording;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every budget's verdict, passing or failing, as one {@code [portwatch]} line on stderr: what a
 * Maven or Gradle user sees of a passing budget (their reports keep no JUnit report entries).
 */
class VerdictLineTest {

    static LoopbackServer server;

    @BeforeAll
    static void start() throws Exception {
        assertTrue(ConnectionRecording.agentAttached(), "these tests run with -javaagent (see pom.xml)");
        server = new LoopbackServer(false);
        System.setProperty("portwatch.test.line.port", Integer.toString(server.port()));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static class Budgeted {
        @Test
        @ConnectionBudget(destination = "127.0.0.1:${portwatch.test.line.port}", maxPhysicalConnects = 3, maxLocalCloses = 3)
        void within() throws Exception {
            server.connect(2);
        }

        @Test
        @ConnectionBudget(destination = "*:${portwatch.test.line.port}", maxPhysicalConnects = 3)
        @ConnectionBudget(destination = "*:1", maxPhysicalConnects = 0)
        void over() throws Exception {
            server.connect(4);
        }

        @RepeatedTest(2)
        @ConnectionBudget(destination = "*:${portwatch.test.line.port}", maxPhysicalConnects = 1)
        void repeated() throws Exception {
            server.connect(1);
        }

        @Test
        void unbudgeted() throws Exception {
            server.connect(1);
        }
    }

    @Test
    void eachBudgetOfEachTestPrintsOneLineWithTheTestAndTheCounts() {
        EngineRuns.WithStderr run = EngineRuns.runCapturingStderr(Budgeted.class);
        run.results.testEvents().assertStatistics(s -> s.started(5).succeeded(4).failed(1));
        String test = "[portwatch] " + Budgeted.class.getName() + ".";
        int port = server.port();
        List<String> lines = run.portwatchLines();
        assertEquals(5, lines.size(), run.stderr);
        assertTrue(lines.contains(test + "within(): within the connection budget for 127.0.0.1:" + port
                + ": 2 physical connects (budget 3), 2 local closes (budget 3)"), lines::toString);
        assertTrue(lines.contains(test + "over(): connection budget exceeded for *:" + port + ": 4 physical connects (budget 3)"),
                lines::toString);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith(test + "over(): within the connection budget for *:1:"
                + " 0 physical connects (budget 0); no connection matched it (seen: ")), lines::toString);
        for (int i = 1; i <= 2; i++) {
            String expected = test + "repeated() [repetition " + i + " of 2]: within the connection budget for *:" + port
                    + ": 1 physical connects (budget 1)";
            assertTrue(lines.contains(expected), () -> expected + " in " + lines);
        }
    }
}
