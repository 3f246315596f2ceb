package io.portwatch.report;

import io.portwatch.clients.ChurnPattern;
import io.portwatch.clients.LibraryFixes;
import io.portwatch.hostrules.RuleResult;
import io.portwatch.hostrules.Verdict;
import io.portwatch.track.Closer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The few changes a run's figures point to, most concrete first: pool the connections of a
 * churning call site; the warnings' own advice (a host setting that defeats TIME_WAIT reuse...);
 * the host settings that failed; then lesser findings.
 */
final class Recommendations {

    /** Fewer direct connections than this from one call site is not churn worth a line. */
    static final long CHURN_CONNECTIONS = 100;

    private Recommendations() {}

    /** The call sites whose connections count as churn worth a line. */
    static int churning(RunSnapshot s) {
        int n = 0;
        for (CallSiteTable.Row row : s.callSites) {
            if (churned(row) >= CHURN_CONNECTIONS && nameable(row)) n++;
        }
        return n;
    }

    /**
     * The connections of a row that count as churn: a pool's only when the walk saw the pool
     * itself open them (pool_churn, with the library known); otherwise the direct ones.
     */
    private static long churned(CallSiteTable.Row row) {
        return row.pattern() == ChurnPattern.POOL_CHURN && row.library != null ? row.connections : row.direct();
    }

    /** "(...)": no line of code to name, unless a library under it is known. */
    private static boolean nameable(CallSiteTable.Row row) {
        return !(row.callSite.startsWith("(") && row.library == null);
    }

    static List<String> top(RunSnapshot s, int n) {
        Set<String> out = new LinkedHashSet<>();
        double seconds = Math.max(1.0, s.elapsedMillis / 1000.0); // the JVM's run, over which rates are taken
        for (CallSiteTable.Row row : s.callSites) {
            ChurnPattern pattern = row.pattern();
            long churned = churned(row);
            if (churned < CHURN_CONNECTIONS || !nameable(row)) continue;
            double perSecond = row.connections / seconds;
            double local = row.share(Closer.LOCAL);
            out.add(String.format(Locale.ROOT, "Reuse the connections opened at %s: %s new connections to %s"
                            + " (%s/s over the %s s the JVM ran)%s%s. %s",
                    row.callSite, Text.number(churned), row.destination, Text.number(round(perSecond)),
                    Text.number(Math.round(seconds)),
                    local >= 0.5 ? ", " + Text.percent(local) + " closed by this JVM first, each leaving its port"
                            + " in TIME_WAIT on this host for 60 s" : "",
                    row.library != null ? ", through " + row.library.displayName + " (" + pattern.id + ")"
                            : pattern == ChurnPattern.POLLING_LOOP ? ", one at a time, never two open at once ("
                            + pattern.id + ")" : "",
                    fix(row, pattern)));
            if (out.size() >= 2) break; // leave room for the host's findings
        }
        for (RunSnapshot.Warning w : s.warnings) {
            if (!w.raised) continue;
            for (String sentence : w.advice.split("; ")) {
                // "this JVM closes first ... pool them" repeats the call-site line above, and so
                // does "<library> (<pattern>): <fix>" when that line said the same fix.
                if (sentence.startsWith("this JVM closes first") && !out.isEmpty()) continue;
                int fix = sentence.indexOf("): ");
                if (fix > 0 && saidAlready(out, sentence.substring(fix + 3))) continue;
                out.add(sentence + " (warned for " + w.destination + ").");
            }
        }
        if (s.hostVerdicts != null) {
            for (RuleResult r : s.hostVerdicts) {
                if (r.verdict() == Verdict.FAIL && r.fix() != null && !r.fix().isEmpty() && !saidAlready(out, r.rule())) {
                    out.add(r.rule() + ": " + r.fix());
                }
            }
        }
        long reset = s.totals.closedBy(Closer.RESET);
        long ended = s.totals.outgoing() + s.totals.accepted();
        if (ended >= CHURN_CONNECTIONS && reset > ended / 5) {
            out.add(String.format(Locale.ROOT, "%s of the connections ended in a reset: look for SO_LINGER 0 or"
                    + " aborted connections; a reset can lose data in flight. A TLS client that closes without"
                    + " reading the server's close_notify (MySQL Connector/J does) draws one too, harmless there.",
                    Text.percent((double) reset / ended)));
        }
        if (s.droppedEvents > 0 || s.untracked > 0) {
            out.add("The agent lost track of some connections: raise buffer.size (events dropped: "
                    + s.droppedEvents + ") or max.open (untracked: " + s.untracked + ").");
        }
        if (s.hostVerdicts != null) {
            for (RuleResult r : s.hostVerdicts) {
                if (r.verdict() == Verdict.WARN && r.fix() != null && !r.fix().isEmpty()) {
                    out.add(r.rule() + ": " + r.fix());
                }
            }
        }
        List<String> list = new ArrayList<>(out);
        return list.subList(0, Math.min(n, list.size()));
    }

    /** The call site's fix: in its library's words where the pattern points to one. */
    private static String fix(CallSiteTable.Row row, ChurnPattern pattern) {
        String fix = LibraryFixes.fix(row.library, pattern);
        if (fix != null) return fix;
        if (pattern == ChurnPattern.PEER_CLOSES && row.library != null) {
            return "The server closes them first (Connection: close, or an idle timeout shorter than the gaps"
                    + " between requests): reusing them on this side needs the server to keep them open.";
        }
        return "Use a connection pool or keep-alive there.";
    }

    /** Whether a warning's advice already named this setting (it usually says how to fix it too). */
    private static boolean saidAlready(Set<String> out, String rule) {
        for (String line : out) {
            if (line.contains(rule)) return true;
        }
        return false;
    }

    private static double round(double v) {
        return v >= 10 ? Math.rint(v) : Math.rint(v * 10) / 10;
    }
}
