package io.portwatch.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A budget held against a report: passed, or failed with a message that names the destination,
 * the counts against the budget, who closed first, and the call sites that opened the most.
 * A report whose counts are incomplete never passes: a short count must not look like a pass.
 */
public final class BudgetVerdict {

    private static final int DESTINATIONS_SHOWN = 5;
    private static final int CALL_SITES_SHOWN = 3;

    private final boolean passed;
    private final boolean exceeded;
    private final String message;

    private BudgetVerdict(boolean passed, boolean exceeded, String message) {
        this.passed = passed;
        this.exceeded = exceeded;
        this.message = message;
    }

    static BudgetVerdict of(Budget budget, ConnectionReport report) {
        DestinationTotals sum = report.totals(budget.destination());
        List<String> over = new ArrayList<>();
        List<String> within = new ArrayList<>();
        if (budget.maxPhysicalConnects() != Budget.UNLIMITED) {
            String s = sum.physicalConnects() + " physical connects (budget " + budget.maxPhysicalConnects() + ")";
            (sum.physicalConnects() > budget.maxPhysicalConnects() ? over : within).add(s);
        }
        if (budget.maxLocalCloses() != Budget.UNLIMITED) {
            String s = sum.localCloses() + " local closes (budget " + budget.maxLocalCloses() + ")";
            (sum.localCloses() > budget.maxLocalCloses() ? over : within).add(s);
        }
        String pattern = budget.destination().toString();
        if (!over.isEmpty()) {
            StringBuilder sb = new StringBuilder("connection budget exceeded for ").append(pattern).append(": ")
                    .append(String.join(", ", over));
            details(sb, budget, report);
            sb.append("\n  each physical connect costs a TCP handshake (and a TLS one); each local close keeps a port"
                    + " in TIME_WAIT on this host for 60 s: reuse connections (a pool) rather than open one per unit of work");
            problems(sb, report);
            return new BudgetVerdict(false, true, sb.toString());
        }
        if (!report.complete()) {
            StringBuilder sb = new StringBuilder("connection budget for ").append(pattern)
                    .append(" cannot be confirmed, the counts are incomplete (so far: ").append(String.join(", ", within)).append(')');
            problems(sb, report);
            details(sb, budget, report);
            return new BudgetVerdict(false, false, sb.toString());
        }
        return new BudgetVerdict(true, false, "within the connection budget for " + pattern + ": " + String.join(", ", within));
    }

    private static void details(StringBuilder sb, Budget budget, ConnectionReport report) {
        int shown = 0;
        for (DestinationTotals d : report.destinations()) {
            if (!budget.destination().matches(d.destination())) continue;
            if (shown++ == DESTINATIONS_SHOWN) {
                sb.append("\n  (more destinations not shown)");
                break;
            }
            sb.append("\n  ").append(d);
            int sites = 0;
            for (Map.Entry<String, Long> site : d.callSites().entrySet()) {
                if (sites++ == CALL_SITES_SHOWN) break;
                sb.append(sites == 1 ? "\n    top call sites: " : "\n                    ")
                        .append(site.getValue()).append(" at ").append(site.getKey());
            }
        }
        if (shown == 0) {
            sb.append("\n  no connections to ").append(budget.destination());
        }
    }

    private static void problems(StringBuilder sb, ConnectionReport report) {
        for (String p : report.problems()) {
            sb.append("\n  incomplete: ").append(p);
        }
    }

    /** Within budget, and the counts were complete. */
    public boolean passed() {
        return passed;
    }

    /** Over budget (the counts may even be short). */
    public boolean exceeded() {
        return exceeded;
    }

    /** Several lines; the first says the verdict. */
    public String message() {
        return message;
    }

    @Override
    public String toString() {
        return message;
    }
}
