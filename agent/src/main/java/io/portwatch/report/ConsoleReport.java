package io.portwatch.report;

import io.portwatch.clients.ChurnPattern;
import io.portwatch.hostrules.RuleResult;
import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionCounts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The end-of-run summary as lines of text, each starting with {@code summary:} (and
 * {@code WARN summary:} when the agent lost events), for stderr or for a command that asked a
 * running JVM. Short: the top three of each table; full: up to ten, every warning, and each host
 * setting's reason and fix.
 */
public final class ConsoleReport {

    /** How much to say. */
    public enum Detail { SHORT, FULL }

    private ConsoleReport() {}

    static List<String> lines(RunSnapshot s, Detail detail) {
        boolean full = detail == Detail.FULL;
        int rows = full ? 10 : 3;
        List<String> out = new ArrayList<>();
        ConnectionCounts c = s.totals;
        out.add(String.format(Locale.ROOT, "summary: %d outgoing and %d accepted TCP connections ended;"
                        + " closed by local=%d peer=%d reset=%d unknown=%d%s",
                c.outgoing(), c.accepted(), c.closedBy(Closer.LOCAL), c.closedBy(Closer.PEER),
                c.closedBy(Closer.RESET), c.closedBy(Closer.UNKNOWN), closerSource(c, s.kernelSampled)));
        if (!c.failures().isEmpty()) {
            out.add("summary: failed connects " + c.failures());
        }
        if (!s.uninstrumented.isEmpty()) {
            out.add("summary: " + uninstrumented(s));
        }

        if (!s.callSites.isEmpty()) {
            out.add("summary: call sites by physical connections opened:");
            for (CallSiteTable.Row r : s.callSites.subList(0, Math.min(rows, s.callSites.size()))) {
                out.add(String.format(Locale.ROOT, "summary:   %s  %s (%s direct, %s by a pool; closed by %s%s%s)",
                        Text.number(r.connections), r.callSite, Text.number(r.direct()), Text.number(r.pooled),
                        closerShares(r), r.failed > 0 ? "; " + r.failed + " failed" : "",
                        libraryAndPattern(r)));
            }
            more(out, s.callSites.size(), rows, "call sites");
        }
        if (s.warningsRaised == 0 && Recommendations.churning(s) == 0 && c.outgoing() + c.accepted() > 0) {
            out.add("summary: no churn: no line of code opened " + Recommendations.CHURN_CONNECTIONS
                    + " or more connections without reusing them");
        }

        List<RunSnapshot.Destination> dests = new ArrayList<>(s.destinations);
        dests.sort((a, b) -> Integer.compare(b.peakUsed, a.peakUsed));
        if (!dests.isEmpty()) {
            out.add("summary: destinations by peak ports held:");
            for (RunSnapshot.Destination d : dests.subList(0, Math.min(rows, dests.size()))) {
                out.add(String.format(Locale.ROOT, "summary:   %s: at most %s of %s ports held (%s in TIME_WAIT),"
                                + " at most %s new connections/s leaving a TIME_WAIT here; %s",
                        d.name, Text.number(d.peakUsed), Text.number(d.capacity), Text.number(d.peakTimeWait),
                        Text.number(Math.rint(d.peakRate * 10) / 10), Double.isInfinite(d.leastSecondsLeft)
                                ? "never on course to run out (" + sustainable(d) + ")"
                                : "at its worst out of ports in " + Text.duration(d.leastSecondsLeft)
                                        + " (at " + Text.elapsed(d.leastSecondsLeftAt) + ")"));
            }
            more(out, dests.size(), rows, "destinations");
        } else if (!s.kernelSampled) {
            out.add("summary: port budgets: none (the kernel's tables were not read)");
        }

        if (s.warningsRaised > 0) {
            List<RunSnapshot.Warning> raised = new ArrayList<>();
            for (RunSnapshot.Warning w : s.warnings) if (w.raised) raised.add(w);
            out.add("summary: " + s.warningsRaised + " port-exhaustion warning" + (s.warningsRaised == 1 ? "" : "s")
                    + " raised" + (raised.isEmpty() ? "" : "; first at " + Text.elapsed(raised.get(0).atMillis)
                    + " for " + raised.get(0).destination));
            if (full) {
                for (RunSnapshot.Warning w : s.warnings) {
                    out.add("summary:   " + Text.elapsed(w.atMillis) + " " + w.text);
                }
            }
        } else if (s.kernelSampled) {
            out.add("summary: no port-exhaustion warning raised");
        }

        if (s.hostVerdicts != null && !s.hostVerdicts.isEmpty()) {
            if (full) {
                for (RuleResult r : s.hostVerdicts) out.add("summary: host " + r.verdict() + " " + r.describe());
            } else {
                List<String> names = new ArrayList<>();
                for (RuleResult r : s.hostVerdicts) names.add(r.verdict() + " " + r.rule());
                out.add("summary: host settings: " + String.join(", ", names) + " (details: summary=full or doctor)");
            }
        } else if (s.hostVerdicts != null) {
            out.add("summary: host settings: all checks passed");
        }

        List<String> recs = Recommendations.top(s, 3);
        for (int i = 0; i < recs.size(); i++) {
            out.add("summary: to do " + (i + 1) + ": " + recs.get(i));
        }
        if (s.droppedEvents > 0 || s.untracked > 0) {
            out.add("WARN summary: " + s.droppedEvents + " events dropped (buffer.size too small?) and "
                    + s.untracked + " connections untracked (max.open reached)");
        }
        return out;
    }

    /** The destinations of the connections no instrumentation reported, in one sentence. */
    static String uninstrumented(RunSnapshot s) {
        List<String> parts = new ArrayList<>();
        for (java.util.Map.Entry<String, Long> e : s.uninstrumented.entrySet()) {
            parts.add(Text.number(e.getValue()) + (e.getKey().startsWith("accepted") ? " " : " toward ") + e.getKey());
        }
        return "uninstrumented connections (no instrumentation reported them; counted from the kernel's tables,"
                + " instrumented=false): " + String.join(", ", parts);
    }

    /** Whose word the closers are: the kernel's tables (a TIME_WAIT on the side that closed first) or this JVM's. */
    static String closerSource(ConnectionCounts c, boolean kernelSampled) {
        long ended = c.outgoing() + c.accepted();
        if (!kernelSampled || ended == 0) return " (who closed first: as this JVM saw it)";
        if (c.closerConfirmed() >= ended) return " (who closed first: all confirmed by the kernel's tables)";
        return " (who closed first: " + c.closerConfirmed() + " confirmed by the kernel's tables, the rest as this JVM saw it)";
    }

    /**
     * Why a destination never ran short: the rate its ports sustain, each TIME_WAIT holding its
     * port 60 s, or only until reused ({@code tcp_tw_reuse} effective: loopback by default).
     */
    static String sustainable(RunSnapshot.Destination d) {
        String rate = Text.number(Math.floor(d.capacity / Math.max(d.holdSeconds, 0.001))) + "/s sustainable";
        return d.holdSeconds < 60 ? rate + ": TIME_WAIT ports are reused after " + Text.number(d.holdSeconds) + " s"
                : rate + ": " + Text.number(d.capacity) + " ports, each held 60 s in TIME_WAIT";
    }

    /** {@code local 98%, peer 2%}: the closers with a share, largest first. */
    static String closerShares(CallSiteTable.Row r) {
        List<Closer> order = new ArrayList<>(List.of(Closer.values()));
        order.sort((a, b) -> Long.compare(r.closedBy(b), r.closedBy(a)));
        List<String> parts = new ArrayList<>();
        for (Closer closer : order) {
            if (r.closedBy(closer) > 0) parts.add(closer.value() + " " + Text.percent(r.share(closer)));
        }
        return parts.isEmpty() ? "nobody yet" : String.join(", ", parts);
    }

    /**
     * {@code ; okhttp, client_per_request}: the library and the pattern; without a library only a
     * polling loop's, the one pattern that needs none ({@code unknown} would say nothing more).
     */
    private static String libraryAndPattern(CallSiteTable.Row r) {
        ChurnPattern pattern = r.pattern();
        if (r.library != null) return "; " + r.library.id + ", " + pattern.id;
        return pattern == ChurnPattern.POLLING_LOOP ? "; " + pattern.id : "";
    }

    private static void more(List<String> out, int size, int shown, String what) {
        if (size > shown) out.add("summary:   ... and " + (size - shown) + " more " + what);
    }
}
