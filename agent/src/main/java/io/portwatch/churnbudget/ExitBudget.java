package io.portwatch.churnbudget;

import io.portwatch.api.Budget;
import io.portwatch.api.BudgetVerdict;
import io.portwatch.api.ConnectionReport;
import io.portwatch.api.DestinationTotals;

import java.lang.instrument.Instrumentation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Connection budgets for a whole run (the agent's {@code budget.*} keys): one scope from start to
 * exit, checked after every other shutdown hook has run, so connections closed by the
 * application's own hooks are counted too. The verdict goes to stderr; a budget not kept (or not
 * confirmable) makes the JVM exit with {@code budget.exit.status}, set with {@link Runtime#halt}
 * from the last shutdown slot ({@link LastShutdownHook}).
 */
public final class ExitBudget {

    /** How long the check waits for the tracker, which has normally stopped by then. */
    private static final long WAIT_MILLIS = 2_000;

    private final List<Budget> budgets;
    private final int exitStatus;
    private final AgentRecordings recordings;
    private final Scope scope;
    private final Consumer<String> info;
    private final Consumer<String> error;

    private ExitBudget(List<Budget> budgets, int exitStatus, AgentRecordings recordings, Scope scope,
                       Consumer<String> info, Consumer<String> error) {
        this.budgets = budgets;
        this.exitStatus = exitStatus;
        this.recordings = recordings;
        this.scope = scope;
        this.info = info;
        this.error = error;
    }

    /**
     * Starts counting for the whole run and arranges the check at exit.
     *
     * @param exitStatus the status to exit with when a budget is not kept; 0: report only
     */
    public static void start(List<Budget> budgets, int exitStatus, AgentRecordings recordings, Instrumentation inst,
                             Consumer<String> info, Consumer<String> error) {
        Scope scope = recordings.open(true);
        ExitBudget budget = new ExitBudget(budgets, exitStatus, recordings, scope, info, error);
        try {
            LastShutdownHook.register(inst, budget::checkAndHalt);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e;
            error.accept("connection budgets: cannot run after the other shutdown hooks (" + cause
                    + "); the verdict is printed from an ordinary hook and the exit status is left alone");
            Runtime.getRuntime().addShutdownHook(new Thread(io.portwatch.track.AgentThreads.GROUP,
                    budget::check, "portwatch-budget"));
        }
    }

    private void checkAndHalt() {
        if (!check() && exitStatus != 0) {
            error.accept("connection budgets not kept: exiting with status " + exitStatus + " (budget.exit.status)");
            Runtime.getRuntime().halt(exitStatus);
        }
    }

    /** Prints the verdict of every budget; true when all passed. Never throws. */
    boolean check() {
        try {
            List<BudgetVerdict> verdicts = verdicts(report(recordings.closeAtExit(scope, WAIT_MILLIS)));
            boolean passed = true;
            for (BudgetVerdict v : verdicts) {
                if (v.passed()) {
                    info.accept("budget: " + v.message());
                } else {
                    passed = false;
                    for (String line : v.message().split("\n")) {
                        error.accept("budget: " + line.trim());
                    }
                }
            }
            return passed;
        } catch (RuntimeException | LinkageError e) {
            error.accept("connection budgets could not be checked: " + e);
            return false;
        }
    }

    List<BudgetVerdict> verdicts(ConnectionReport report) {
        List<BudgetVerdict> out = new ArrayList<>();
        for (Budget b : budgets) {
            out.add(b.check(report));
        }
        return out;
    }

    /** The protocol's answer ({@link io.portwatch.bootstrap.Recordings}) as the API's report. */
    @SuppressWarnings("unchecked")
    static ConnectionReport report(Object[] answer) {
        long[] status = (long[]) answer[0];
        Map<String, long[]> counts = (Map<String, long[]>) answer[1];
        Map<String, Map<String, Long>> sites = (Map<String, Map<String, Long>>) answer[2];
        Map<String, String[]> names = (Map<String, String[]>) answer[3];
        List<DestinationTotals> destinations = new ArrayList<>();
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            long[] c = e.getValue();
            Map<String, Long> s = sites.get(e.getKey());
            String[] name = names.get(e.getKey());
            destinations.add(new DestinationTotals(name[0], name[1], c[Scope.CONNECTS], c[Scope.FAILED], c[Scope.LOCAL],
                    c[Scope.PEER], c[Scope.RESET], c[Scope.UNKNOWN], s == null ? Collections.emptyMap() : s));
        }
        List<String> problems = new ArrayList<>();
        if (status[0] > 0) problems.add(status[0] + " events were not handled by the tracker before exit");
        if (status[1] > 0) problems.add(status[1] + " events were dropped (buffer.size too small)");
        if (status[2] > 0) problems.add(status[2] + " connections were not tracked (max.open reached)");
        return new ConnectionReport(destinations, problems, 0, Duration.ofNanos(status[5]));
    }
}
