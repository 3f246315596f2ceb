package io.portwatch.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A budget held against a report: passed, or failed with a message that names the destination,
 * the counts against the budget, who closed first, and the call sites that opened the most.
 * A report whose counts are incomplete never passes: a short count must not look like a pass.
 * Nor does a pattern that matched nothing while connections to its port were seen
 * ({@link NearMisses}); one that matched nothing at all passes saying so, unless the budget
 * {@link Budget#failIfNoneMatched() fails then}.
 */
public final class BudgetVerdict {

    private static final int DESTINATIONS_SHOWN = 5;
    private static final int CALL_SITES_SHOWN = 3;

    private final boolean passed;
    private final boolean exceeded;
    private final boolean matchedNothing;
    private final String message;

    private BudgetVerdict(boolean passed, boolean exceeded, boolean matchedNothing, String message) {
        this.passed = passed;
        this.exceeded = exceeded;
        this.matchedNothing = matchedNothing;
        this.message = message;
    }

    static BudgetVerdict of(Budget budget, ConnectionReport report) {
        DestinationPattern pattern = budget.destination();
        DestinationTotals sum = report.totals(pattern);
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
        List<DestinationTotals> matched = matching(pattern, report);
        if (!over.isEmpty()) {
            StringBuilder sb = new StringBuilder("connection budget exceeded for ").append(pattern).append(": ")
                    .append(String.join(", ", over));
            details(sb, matched);
            sb.append("\n  each physical connect costs a TCP handshake (and a TLS one); each local close keeps a port"
                    + " in TIME_WAIT on this host for 60 s: reuse connections (a pool) rather than open one per unit of work");
            problems(sb, report);
            return new BudgetVerdict(false, true, false, sb.toString());
        }
        boolean matchedNothing = matched.isEmpty();
        NearMisses misses = matchedNothing ? NearMisses.of(pattern, report) : null;
        if (matchedNothing && (misses.any() || budget.failIfNoneMatched())) {
            StringBuilder sb = new StringBuilder("connection budget for ").append(pattern).append(" matched no connection");
            if (misses.any()) {
                sb.append(", but connections to ").append(misses.names()).append(" were seen");
                details(sb, misses.destinations());
                sb.append("\n  ").append(misses.howToWrite());
            } else {
                sb.append(" ").append(misses.seen()).append(", and the budget fails when none matched (failIfNoneMatched)");
            }
            problems(sb, report);
            return new BudgetVerdict(false, false, true, sb.toString());
        }
        if (!report.complete()) {
            StringBuilder sb = new StringBuilder("connection budget for ").append(pattern)
                    .append(" cannot be confirmed, the counts are incomplete (so far: ").append(String.join(", ", within)).append(')');
            problems(sb, report);
            details(sb, matched);
            if (matchedNothing) {
                sb.append("\n  no connection matched it ").append(misses.seen());
            }
            return new BudgetVerdict(false, false, matchedNothing, sb.toString());
        }
        String nothing = matchedNothing ? "; no connection matched it " + misses.seen() : "";
        return new BudgetVerdict(true, false, matchedNothing,
                "within the connection budget for " + pattern + ": " + String.join(", ", within) + nothing);
    }

    private static List<DestinationTotals> matching(DestinationPattern pattern, ConnectionReport report) {
        List<DestinationTotals> out = new ArrayList<>();
        for (DestinationTotals d : report.destinations()) {
            if (pattern.matches(d)) {
                out.add(d);
            }
        }
        return out;
    }

    /** The destinations, one line each with their top call sites. */
    private static void details(StringBuilder sb, List<DestinationTotals> destinations) {
        int shown = 0;
        for (DestinationTotals d : destinations) {
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

    /**
     * Whether the pattern matched no connection at all. Such a budget passes only when no
     * connection to its port was seen either, and it was not asked to fail then.
     */
    public boolean matchedNothing() {
        return matchedNothing;
    }

    /** Several lines; the first says the verdict. */
    public String message() {
        return message;
    }

    /** The first line of {@link #message()}: the verdict and the counts against the budget. */
    public String summary() {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    @Override
    public String toString() {
        return message;
    }
}
