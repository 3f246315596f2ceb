package io.portwatch.agent;

import io.portwatch.report.ConsoleReport;
import io.portwatch.report.Report;

import java.nio.file.Path;
import java.nio.file.Paths;

/** What the agent says at exit: the churn summary on stderr, and the HTML report where configured. */
final class ExitSummary {

    private ExitSummary() {}

    /**
     * @param recorded whether the application opened or accepted any connection; with none, the
     *     summary is one line, said without the report (which may not be built yet)
     * @param report the churn report, or null when the agent's start did not get that far
     */
    static void print(AgentConfig config, boolean exporting, boolean recorded, Report report) {
        ConsoleReport.Detail detail = detail(config.summary(), exporting);
        if (detail != null) {
            if (!recorded) {
                Log.info("summary: no TCP connection opened or accepted");
            } else if (report == null) {
                Log.warn("summary: none, the agent had not finished starting");
            } else {
                for (String line : report.consoleLines(detail)) {
                    if (line.startsWith("WARN ")) {
                        Log.warn(line.substring("WARN ".length()));
                    } else {
                        Log.info(line);
                    }
                }
            }
        }
        if (!config.report().isEmpty()) {
            try {
                if (report == null) throw new IllegalStateException("the agent had not finished starting");
                Path written = report.writeHtml(Paths.get(config.report()));
                Log.info("report written to " + written);
            } catch (Exception e) {
                Log.error("cannot write the report to " + config.report() + ": " + e);
            }
        }
    }

    /**
     * The summary's detail for the {@code summary} key, or null for none: {@code auto} is short
     * when nothing is exported (the summary stands in for the telemetry) and off when something is.
     */
    static ConsoleReport.Detail detail(String summary, boolean exporting) {
        switch (summary) {
            case "full": return ConsoleReport.Detail.FULL;
            case "short":
            case "on": return ConsoleReport.Detail.SHORT;
            case "auto": return exporting ? null : ConsoleReport.Detail.SHORT;
            default: return null;
        }
    }
}
