package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.workload.BudgetWorkload;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole-run budget (budget.* keys) in a child JVM: the verdict at exit, after the
 * application's own hooks, and the exit status it sets, whether main returns or System.exit(0).
 */
class ExitBudgetIT {

    @TempDir
    Path dir;

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    private ChildJvm.Result run(String jdk, String agentArgs, String howItEnds) throws Exception {
        Path marker = dir.resolve("marker-" + howItEnds);
        ChildJvm.Result r = new ChildJvm(jdk).agentArgs(agentArgs)
                .main(BudgetWorkload.class, "5", howItEnds, marker.toString()).run();
        assertEquals("workload done\nhook done", r.stdout.trim(), r::toString);
        assertFalse(Files.exists(marker), "the JDK's deleteOnExit hook ran before the verdict: " + r);
        return r;
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void overBudgetTheJvmExitsWithTheBudgetStatus(String jdk) throws Exception {
        for (String howItEnds : new String[] {"return", "exit"}) {
            ChildJvm.Result r = run(jdk, "budget.connects=127.0.0.1:*=3,kernel=false", howItEnds);
            assertEquals(3, r.exitCode, r::toString);
            // five from main, one from the application's shutdown hook
            assertTrue(r.stderr.contains("[portwatch] ERROR budget: connection budget exceeded for 127.0.0.1:*:"
                    + " 6 physical connects (budget 3)\n"), r::toString);
            assertTrue(r.stderr.contains("[portwatch] ERROR budget: top call sites: 6 at " + BudgetWorkload.class.getName()
                    + ".connectAndClose(BudgetWorkload.java:"), r::toString);
            assertTrue(r.stderr.contains("[portwatch] ERROR connection budgets not kept: exiting with status 3 (budget.exit.status)"),
                    r::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void withinBudgetTheStatusIsLeftAlone(String jdk) throws Exception {
        ChildJvm.Result r = run(jdk, "budget.connects=127.0.0.1:*=6,budget.local.closes=*=6,kernel=false", "return");
        assertEquals(0, r.exitCode, r::toString);
        assertTrue(r.stderr.contains("[portwatch] budget: within the connection budget for 127.0.0.1:*: 6 physical connects (budget 6)\n"),
                r::toString);
        assertTrue(r.stderr.contains("[portwatch] budget: within the connection budget for *: 6 local closes (budget 6)\n"),
                r::toString);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void statusZeroOnlyReports(String jdk) throws Exception {
        ChildJvm.Result r = run(jdk, "budget.connects=*=1,budget.exit.status=0,kernel=false", "exit");
        assertEquals(0, r.exitCode, r::toString);
        assertTrue(r.stderr.contains("[portwatch] ERROR budget: connection budget exceeded for *: 6 physical connects (budget 1)"),
                r::toString);
        assertFalse(r.stderr.contains("exiting with status"), r::toString);
    }
}
