package io.portwatch.junit;

import io.portwatch.api.ConnectionRecording;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.portwatch.junit.EngineRuns.onlyFailure;
import static io.portwatch.junit.EngineRuns.reportEntries;
import static io.portwatch.junit.EngineRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * {@link ConnectionBudget} as a test suite meets it: the fixtures below are run through JUnit's
 * engine test kit, in this JVM, which runs with the agent; their outcome and messages are asserted.
 */
class ConnectionBudgetTest {

    static final String A_PORT = "portwatch.test.a.port";
    static final String B_PORT = "portwatch.test.b.port";
    static final int CHURNED_ROWS = 40;

    static LoopbackServer serverA;
    static LoopbackServer serverB;

    @BeforeAll
    static void start() throws Exception {
        assertTrue(ConnectionRecording.agentAttached(), "these tests run with -javaagent (see pom.xml)");
        SharedDatabase.target();
        serverA = new LoopbackServer(false);
        serverB = new LoopbackServer(false);
        System.setProperty(A_PORT, Integer.toString(serverA.port()));
        System.setProperty(B_PORT, Integer.toString(serverB.port()));
    }

    @AfterAll
    static void stop() throws Exception {
        serverA.close();
        serverB.close();
    }

    // --- the churning write path and the pool

    static class ChurningWrites {
        @Test
        @ConnectionBudget(destination = "*:${portwatch.test.db.port}", maxPhysicalConnects = 10, maxLocalCloses = 10)
        void writeRows() throws Exception {
            Writes.churn(SharedDatabase.target(), CHURNED_ROWS);
        }
    }

    static class PooledWrites {
        @Test
        @ConnectionBudget(destination = "*:${portwatch.test.db.port}", maxPhysicalConnects = 10, maxLocalCloses = 10)
        void writeRows() throws Exception {
            Writes.pooled(SharedDatabase.target(), CHURNED_ROWS);
        }
    }

    @Test
    void aConnectionPerWriteFailsItsBudgetNamingDestinationCountsCloserAndCallSite() throws Exception {
        EngineExecutionResults results = run(ChurningWrites.class);
        results.testEvents().assertStatistics(s -> s.started(1).succeeded(0).failed(1));
        String message = onlyFailure(results);
        int port = SharedDatabase.port();

        String[] lines = message.split("\n");
        assertTrue(lines[0].startsWith("connection budget exceeded for *:" + port + ": " + CHURNED_ROWS
                + " physical connects (budget 10)"), message);
        Matcher closes = Pattern.compile("local (\\d+) \\((\\d+)%\\), peer (\\d+), reset (\\d+), unknown (\\d+)").matcher(message);
        assertTrue(closes.find(), message);
        long local = Long.parseLong(closes.group(1));
        long sum = local + Long.parseLong(closes.group(3)) + Long.parseLong(closes.group(4)) + Long.parseLong(closes.group(5));
        assertEquals(CHURNED_ROWS, sum, "every connection closed within the test: " + message);
        assertEquals(Math.round(100.0 * local / CHURNED_ROWS), Long.parseLong(closes.group(2)), message);
        if (local > 10) {
            assertTrue(lines[0].contains(", " + local + " local closes (budget 10)"), message);
        }
        assertTrue(message.contains("\n  127.0.0.1:" + port + ": " + CHURNED_ROWS + " physical connects, 0 failed; "
                + CHURNED_ROWS + " closes: local " + local), message);
        assertTrue(message.contains("top call sites: " + CHURNED_ROWS + " at " + Writes.class.getName() + ".churn(Writes.java:"),
                message);
        assertTrue(message.contains("reuse connections (a pool)"), message);
    }

    @Test
    void theSameWritesThroughAPoolStayWithinBudget() {
        EngineExecutionResults results = run(PooledWrites.class);
        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1).failed(0));
        List<String> entries = reportEntries(results);
        assertEquals(1, entries.size(), entries::toString);
        Matcher m = Pattern.compile("within the connection budget for \\*:\\d+: (\\d+) physical connects \\(budget 10\\), (\\d+) local closes \\(budget 10\\)")
                .matcher(entries.get(0));
        assertTrue(m.matches(), entries.get(0));
        long connects = Long.parseLong(m.group(1));
        // The pool was built inside the test, so its connects count; it never holds more than its size.
        assertTrue(connects >= 1 && connects <= Writes.POOL_SIZE, entries.get(0));
    }

    // --- destinations

    static class TwoDestinations {
        @Test
        @ConnectionBudget(destination = "127.0.0.1:${portwatch.test.b.port}", maxPhysicalConnects = 3, maxLocalCloses = 3)
        void quietDestinationWithinBudget() throws Exception {
            serverA.connect(30);
            serverB.connect(3);
        }

        @Test
        @ConnectionBudget(destination = "*:${portwatch.test.a.port}", maxPhysicalConnects = 10)
        @ConnectionBudget(destination = "*:${portwatch.test.b.port}", maxPhysicalConnects = 10)
        void busyDestinationOverBudget() throws Exception {
            serverA.connect(30);
            serverB.connect(3);
        }
    }

    @Test
    void budgetsPerDestinationDoNotCountOtherDestinations() {
        EngineExecutionResults results = run(TwoDestinations.class);
        results.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        assertEquals("quietDestinationWithinBudget()",
                results.testEvents().succeeded().list().get(0).getTestDescriptor().getDisplayName());
        String message = onlyFailure(results);
        assertTrue(message.startsWith("connection budget exceeded for *:" + serverA.port() + ": 30 physical connects (budget 10)"),
                message);
        assertFalse(message.contains(":" + serverB.port()), "the B budget held, and A's message names only A: " + message);
        assertTrue(reportEntries(results).contains("within the connection budget for 127.0.0.1:" + serverB.port()
                + ": 3 physical connects (budget 3), 3 local closes (budget 3)"), () -> reportEntries(results).toString());
    }

    // --- parallel execution

    /** Budgeted tests with exact budgets: one connect more from anyone else and they fail. */
    static class ParallelBudgeted {
        @Test
        @ConnectionBudget(destination = "*:${portwatch.test.a.port}", maxPhysicalConnects = 5)
        void five() throws Exception {
            serverA.connect(5);
        }

        @Test
        @ConnectionBudget(destination = "*:${portwatch.test.a.port}", maxPhysicalConnects = 6)
        void six() throws Exception {
            serverA.connect(6);
        }

        @Test
        @ConnectionBudget(destination = "*:${portwatch.test.a.port}", maxPhysicalConnects = 7)
        void seven() throws Exception {
            serverA.connect(7);
        }
    }

    static final CyclicBarrier TOGETHER = new CyclicBarrier(3);

    /** Tests without a budget churning the same destination; they pass only if they ran at the same time. */
    static class ParallelUnbudgeted {
        private static void churnTogether() throws Exception {
            serverA.connect(10);
            TOGETHER.await(20, TimeUnit.SECONDS);
            serverA.connect(10);
        }

        @Test
        void first() throws Exception {
            churnTogether();
        }

        @Test
        void second() throws Exception {
            churnTogether();
        }

        @Test
        void third() throws Exception {
            churnTogether();
        }
    }

    @Test
    void underParallelExecutionBudgetedTestsRunAloneAndCountOnlyThemselves() {
        TOGETHER.reset();
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "4")
                .selectors(selectClass(ParallelUnbudgeted.class), selectClass(ParallelBudgeted.class))
                .execute();
        // The unbudgeted three met at the barrier: parallel execution was really on. Without the
        // lock, the budgeted ones count the others' connects and fail (checked by hand once).
        List<String> failures = results.testEvents().failed().stream().map(EngineRuns::failureMessage)
                .collect(Collectors.toList());
        assertEquals(List.of(), failures);
        results.testEvents().assertStatistics(s -> s.started(6).succeeded(6));
        List<String> entries = reportEntries(results);
        for (int n = 5; n <= 7; n++) {
            String expected = "within the connection budget for *:" + serverA.port() + ": " + n + " physical connects (budget " + n + ")";
            assertTrue(entries.contains(expected), () -> expected + " in " + entries);
        }
    }

    /** Another recording started while a budgeted test runs: the extension must not trust its counts. */
    static class OverlappingRecording {
        @Test
        @ConnectionBudget(maxPhysicalConnects = 100)
        void recordsOnItsOwnToo() {
            try (ConnectionRecording other = ConnectionRecording.start()) {
                other.stop();
            }
        }
    }

    @Test
    void anOverlappingRecordingIsDetectedAndFailsTheBudget() {
        EngineExecutionResults results = run(OverlappingRecording.class);
        String message = onlyFailure(results);
        assertTrue(message.startsWith("connection budget for * cannot be confirmed, the counts are incomplete"), message);
        assertTrue(message.contains("1 other recording(s) were open at the same time, and counts are JVM-wide"), message);
    }

    // --- how budgets are written

    static class NoLimit {
        @Test
        @ConnectionBudget(destination = "*:3306")
        void test() {
        }
    }

    static class UnknownPlaceholder {
        @Test
        @ConnectionBudget(destination = "*:${no.such.port}", maxPhysicalConnects = 1)
        void test() {
        }
    }


    @ConnectionBudget(destination = "*:${portwatch.test.a.port}", maxPhysicalConnects = 2)
    static class OnTheClass {
        @Test
        void withinTheClassBudget() throws Exception {
            serverA.connect(2);
        }

        @Test
        void overTheClassBudget() throws Exception {
            serverA.connect(3);
        }

        @Test
        @ConnectionBudget(destination = "*:${portwatch.test.a.port}", maxPhysicalConnects = 3)
        void itsOwnBudgetReplacesTheClassBudget() throws Exception {
            serverA.connect(3);
        }
    }

    @Test
    void onAClassEachTestHasTheBudgetUnlessItHasItsOwn() {
        EngineExecutionResults results = run(OnTheClass.class);
        results.testEvents().assertStatistics(s -> s.started(3).succeeded(2).failed(1));
        assertEquals("overTheClassBudget()", results.testEvents().failed().list().get(0).getTestDescriptor().getDisplayName());
        assertTrue(onlyFailure(results).startsWith("connection budget exceeded for *:" + serverA.port()
                + ": 3 physical connects (budget 2)"));
    }

    static class SetUpAround {
        @BeforeEach
        void setUp() throws Exception {
            serverA.connect(5);
        }

        @Test
        @ConnectionBudget(destination = "*:${portwatch.test.a.port}", maxPhysicalConnects = 1)
        void onlyTheMethodCounts() throws Exception {
            serverA.connect(1);
        }

        @AfterEach
        void tearDown() throws Exception {
            serverA.connect(5);
        }
    }

    @ConnectionBudget(destination = "*:${portwatch.test.a.port}", maxPhysicalConnects = 2)
    static class Outer {
        @Nested
        class Inner {
            @Test
            void overTheOuterBudget() throws Exception {
                serverA.connect(3);
            }
        }
    }

    @Test
    void beforeAndAfterEachAreNotPartOfTheTestButNestedClassesInheritTheBudget() {
        run(SetUpAround.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        EngineExecutionResults nested = run(Outer.class);
        assertTrue(onlyFailure(nested).startsWith("connection budget exceeded for *:" + serverA.port()
                + ": 3 physical connects (budget 2)"));
    }

    @Test
    void aBudgetWithoutLimitOrWithAnUnknownPlaceholderIsAConfigurationError() {
        assertTrue(onlyFailure(run(NoLimit.class)).contains("sets no limit: give maxPhysicalConnects, maxLocalCloses or both"));
        assertTrue(onlyFailure(run(UnknownPlaceholder.class))
                .contains("${no.such.port} is neither a system property nor a JUnit configuration parameter"));
    }
}
