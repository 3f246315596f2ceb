package io.portwatch.report;

import io.portwatch.hostrules.RuleResult;
import io.portwatch.track.Closer;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched
 * (its Content-Security-Policy forbids any load), so it opens anywhere, offline, and can be
 * mailed as it is. Every text from the application or the network is escaped ({@link Html}).
 */
final class HtmlReport {

    private static final String USED = "#1f6feb";
    private static final String TIME_WAIT = "#d29922";
    private static final String CAPACITY = "#cf222e";
    private static final String WARNING = "#cf222e";
    private static final String CLEARED = "#2da44e";
    private static final String[] CLOSER_COLORS = {"#d1242f", "#1f6feb", "#8250df", "#6e7781"};
    /** Below this share of the capacity the capacity line would flatten the chart: it is left off. */
    private static final double CAPACITY_SHOWN = 0.25;
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private static final String STYLE = "body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:980px;"
            + "color:#1f2328;padding:0 16px}h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;"
            + "border-bottom:1px solid #d0d7de;padding-bottom:4px}.sub{color:#656d76}table{border-collapse:collapse;"
            + "width:100%;font-size:13px}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eaeef2;"
            + "vertical-align:top}th{background:#f6f8fa}td.n{text-align:right;white-space:nowrap}code{font-size:12px;"
            + "word-break:break-all}.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #d0d7de;"
            + "border-radius:6px;padding:8px 14px;min-width:140px}.card b{display:block;font-size:20px}"
            + "svg.chart{display:block;width:100%;height:auto;margin:8px 0 16px}svg text{font:11px system-ui,"
            + "sans-serif;fill:#57606a}svg text.title{font-size:13px;font-weight:600;fill:#1f2328}"
            + "svg .grid{stroke:#eaeef2}svg .base{stroke:#8c959f}ol li{margin-bottom:6px}.warn{color:#cf222e}"
            + ".ok{color:#1a7f37}";

    private HtmlReport() {}

    static String render(RunSnapshot s) {
        StringBuilder b = new StringBuilder(32 * 1024);
        String title = "portwatch report: " + s.application;
        b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(Html.escape(title)).append("</title><style>").append(STYLE)
                .append("</style></head><body>");
        b.append("<h1>").append(Html.escape(title)).append("</h1><p class=\"sub\">pid ").append(s.pid)
                .append(", started ").append(UTC.format(Instant.ofEpochMilli(s.startEpochMillis))).append(", ")
                .append(Html.escape(Text.duration(s.elapsedMillis / 1000.0))).append(" recorded; charts at ")
                .append(Html.escape(Text.duration(s.resolutionMillis / 1000.0))).append(" resolution</p>");
        cards(b, s);
        recommendations(b, s);
        charts(b, s);
        callSites(b, s);
        destinations(b, s);
        warnings(b, s);
        host(b, s);
        return b.append("</body></html>\n").toString();
    }

    private static void cards(StringBuilder b, RunSnapshot s) {
        b.append("<div class=\"cards\">");
        card(b, Text.number(s.totals.outgoing()), "outgoing connections ended");
        card(b, Text.number(s.totals.accepted()), "accepted connections ended");
        long[] byCloser = outgoingByCloser(s);
        long ended = 0;
        for (long n : byCloser) ended += n;
        card(b, ended == 0 ? "-" : Text.percent((double) byCloser[Closer.LOCAL.ordinal()] / ended),
                "of outgoing closed by this JVM first");
        long failed = 0;
        for (long f : s.totals.failures().values()) failed += f;
        card(b, Text.number(failed), "failed connects");
        card(b, Text.number(s.warningsRaised), "port-exhaustion warnings");
        b.append("</div>");
        if (!s.uninstrumented.isEmpty()) {
            b.append("<p class=\"warn\">").append(Html.escape(ConsoleReport.uninstrumented(s))).append(".</p>");
        }
        if (s.droppedEvents > 0 || s.untracked > 0) {
            b.append("<p class=\"warn\">Incomplete: ").append(s.droppedEvents).append(" events dropped, ")
                    .append(s.untracked).append(" connections untracked (raise buffer.size / max.open).</p>");
        }
    }

    private static void card(StringBuilder b, String value, String label) {
        b.append("<div class=\"card\"><b>").append(Html.escape(value)).append("</b>").append(Html.escape(label))
                .append("</div>");
    }

    private static void recommendations(StringBuilder b, RunSnapshot s) {
        List<String> recs = Recommendations.top(s, 3);
        b.append("<h2>What to change</h2>");
        if (recs.isEmpty()) {
            b.append("<p class=\"ok\">Nothing: no churn, warning or failing host setting was found.</p>");
            return;
        }
        b.append("<ol>");
        for (String r : recs) b.append("<li>").append(Html.escape(r)).append("</li>");
        b.append("</ol>");
    }

    private static void charts(StringBuilder b, RunSnapshot s) {
        b.append("<h2>Over time</h2>");
        for (RunSnapshot.Destination d : s.destinations) {
            if (!d.charted()) continue;
            SvgChart chart = new SvgChart("Ports toward " + d.name, "ports", s.elapsedMillis)
                    .line("in use", USED, d.used, false, 5)
                    .line("TIME_WAIT", TIME_WAIT, d.timeWait, false);
            if (d.peakUsed >= CAPACITY_SHOWN * d.capacity) {
                chart.line("capacity", CAPACITY, d.capacitySeries, true).yMax(d.capacity);
            } else {
                chart.note("capacity " + Text.number(d.capacity) + " ports, far above this chart");
            }
            warningMarkers(chart, s, d);
            b.append(chart.svg());
        }
        SvgChart closers = new SvgChart("Outgoing connections ended per second, by who closed first",
                "connections/s", s.elapsedMillis);
        long[] outgoing = outgoingByCloser(s);
        for (Closer c : Closer.values()) {
            if (outgoing[c.ordinal()] > 0 || c == Closer.LOCAL) {
                closers.line(c.value(), CLOSER_COLORS[c.ordinal()], s.closerRates[c.ordinal()], false);
            }
        }
        warningMarkers(closers, s, null);
        b.append(closers.svg());
        if (s.hostTimeWait.length > 0) {
            b.append(new SvgChart("TIME_WAIT sockets on this host (all processes)", "sockets", s.elapsedMillis)
                    .line("TIME_WAIT", TIME_WAIT, s.hostTimeWait, false).svg());
        }
        if (!s.kernelSampled) {
            b.append("<p class=\"sub\">No port budgets: the kernel's TCP tables were not read (not Linux, or kernel=false).</p>");
        }
    }

    /** Warnings as markers; on a destination's chart only its own. */
    private static void warningMarkers(SvgChart chart, RunSnapshot s, RunSnapshot.Destination only) {
        for (RunSnapshot.Warning w : s.warnings) {
            if (only != null && !(w.serverPort == only.serverPort && w.serverAddress.equals(only.serverAddress))) continue;
            chart.marker(w.atMillis, w.raised ? "warning: " + w.text : w.text, w.raised ? WARNING : CLEARED);
        }
    }

    private static void callSites(StringBuilder b, RunSnapshot s) {
        b.append("<h2>Call sites</h2>");
        if (s.callSites.isEmpty()) {
            b.append("<p>No outgoing connection ended.</p>");
            return;
        }
        b.append("<table><tr><th>opened at</th><th>connections</th><th>direct</th><th>by a pool</th>"
                + "<th>closed first by</th><th>TIME_WAIT here</th><th>failed</th><th>first destination</th>"
                + "<th>client library</th><th>churn pattern</th></tr>");
        int shown = 0;
        for (CallSiteTable.Row r : s.callSites) {
            if (++shown > 50) break;
            b.append("<tr><td><code>").append(Html.escape(r.callSite)).append("</code></td>");
            num(b, r.connections);
            num(b, r.direct());
            num(b, r.pooled);
            b.append("<td>").append(Html.escape(ConsoleReport.closerShares(r))).append("</td>");
            num(b, r.timeWaitHere);
            num(b, r.failed);
            b.append("<td>").append(Html.escape(r.destination)).append("</td>");
            b.append("<td>").append(r.library == null ? "" : Html.escape(r.library.id)).append("</td>");
            b.append("<td>").append(Html.escape(r.pattern().id)).append("</td></tr>");
        }
        b.append("</table>");
        if (s.callSites.size() > 50) b.append("<p class=\"sub\">").append(s.callSites.size() - 50).append(" more not shown.</p>");
    }

    private static void destinations(StringBuilder b, RunSnapshot s) {
        if (s.destinations.isEmpty()) return;
        b.append("<h2>Destinations</h2><table><tr><th>destination</th><th>peak ports held</th><th>peak TIME_WAIT</th>"
                + "<th>capacity</th><th>peak rate of new connections leaving a TIME_WAIT here</th><th>least time left</th></tr>");
        for (RunSnapshot.Destination d : s.destinations) {
            b.append("<tr><td>").append(Html.escape(d.name)).append("</td>");
            num(b, d.peakUsed);
            num(b, d.peakTimeWait);
            num(b, d.capacity);
            b.append("<td class=\"n\">").append(Html.escape(String.format(Locale.ROOT, "%.1f/s", d.peakRate)))
                    .append("</td><td class=\"n\">").append(Double.isInfinite(d.leastSecondsLeft) ? "sustainable"
                            : Html.escape(Text.duration(d.leastSecondsLeft) + " at " + Text.elapsed(d.leastSecondsLeftAt)))
                    .append("</td></tr>");
        }
        b.append("</table><p class=\"sub\">Ports held and TIME_WAIT are the host's figures: every process's"
                + " connections toward the destination, and the TIME_WAITs left from before portwatch started or"
                + " attached, so they may exceed the connections recorded here.</p>");
    }

    private static void warnings(StringBuilder b, RunSnapshot s) {
        b.append("<h2>Warnings</h2>");
        if (s.warnings.isEmpty()) {
            b.append("<p class=\"ok\">No port-exhaustion warning.</p>");
            return;
        }
        b.append("<table><tr><th>when</th><th>warning</th></tr>");
        for (RunSnapshot.Warning w : s.warnings) {
            b.append("<tr><td class=\"n\">").append(Html.escape(Text.elapsed(w.atMillis))).append("</td><td")
                    .append(w.raised ? " class=\"warn\">" : ">").append(Html.escape(w.text)).append("</td></tr>");
        }
        b.append("</table>");
    }

    private static void host(StringBuilder b, RunSnapshot s) {
        b.append("<h2>Host settings</h2>");
        if (s.hostVerdicts == null) {
            b.append("<p class=\"sub\">Not checked: the kernel's settings were not read.</p>");
        } else if (s.hostVerdicts.isEmpty()) {
            b.append("<p class=\"ok\">Every check passed.</p>");
        } else {
            b.append("<table><tr><th>verdict</th><th>setting, reason and fix</th></tr>");
            for (RuleResult r : s.hostVerdicts) {
                b.append("<tr><td class=\"warn\">").append(r.verdict()).append("</td><td>")
                        .append(Html.escape(r.describe())).append("</td></tr>");
            }
            b.append("</table>");
        }
    }

    /** Outgoing connections by closer, added up over the call sites (the table keeps them all). */
    private static long[] outgoingByCloser(RunSnapshot s) {
        long[] out = new long[Closer.values().length];
        for (CallSiteTable.Row r : s.callSites) {
            for (Closer c : Closer.values()) out[c.ordinal()] += r.closedBy(c);
        }
        return out;
    }

    private static void num(StringBuilder b, long v) {
        b.append("<td class=\"n\">").append(Html.escape(Text.number(v))).append("</td>");
    }
}
