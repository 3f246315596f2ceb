package io.portwatch.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cost targets, each against the figure the benchmarks of this run measured side by side
 * ({@code agent-cost.json} from {@link AgentCostBench}, {@code jdbc-churn.json} from
 * {@link JdbcChurnBench}, {@code class-loading.json} from {@link ClassLoadingBench}): one table, a line per target, saying whether it is met. Usage:
 * {@code Targets [DIR]} (default {@code benchmarks/target}).
 */
public final class Targets {

    private final String agentCost;
    private final String jdbcChurn;
    private final String classLoading;

    private Targets(String agentCost, String jdbcChurn, String classLoading) {
        this.agentCost = agentCost;
        this.jdbcChurn = jdbcChurn;
        this.classLoading = classLoading;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Paths.get(args.length > 0 ? args[0] : "benchmarks/target");
        Targets t = new Targets(read(dir.resolve("agent-cost.json")), read(dir.resolve("jdbc-churn.json")),
                read(dir.resolve("class-loading.json")));
        System.out.println("| target | portwatch | OpenTelemetry Java agent | met |");
        System.out.println("|---|---|---|---|");
        t.atMost("hello-world start-up added, exporter configured", t.agentCost, "startup_ms", "added", 150, " ms", 1);
        t.atMost("peak RSS added at start-up, exporter configured", t.agentCost, "peak_rss_kb", "added", 20 * 1024, " MB", 1024);
        t.atLeast("loopback connect + close, exporting, 1 thread, warm, vs none", t.agentCost, "churn_1t", 0.95);
        t.atLeast("loopback connect + close, exporting, 8 threads, warm, vs none", t.agentCost, "churn_8t", 0.95);
        t.jdbc();
        t.atMost("bytes allocated per connect + close on the application thread, 1 thread", t.agentCost, "alloc_1t", "added", 64, " B", 1);
        t.atMost("bytes allocated per connect + close on the application thread, 8 threads", t.agentCost, "alloc_8t", "added", 64, " B", 1);
        t.shown("the same counted without allocation buffers, 1 thread", t.agentCost, "alloc_exact_1t", " B");
        t.shown("the same counted without allocation buffers, 8 threads", t.agentCost, "alloc_exact_8t", " B");
        t.shown("process CPU added per connect + close, 1 thread", t.agentCost, "cpu_1t", " µs");
        t.shown("process CPU added per connect + close, 8 threads", t.agentCost, "cpu_8t", " µs");
        t.shown("CPU of the agent's own threads per connect + close, 1 thread", t.agentCost, "agent_cpu_1t", " µs");
        t.shown("CPU of the agent's own threads per connect + close, 8 threads", t.agentCost, "agent_cpu_8t", " µs");
        t.shown("process CPU added per connect + close over the warm-up (JIT included), 1 thread", t.agentCost, "warmup_cpu_1t", " µs");
        t.shown("process CPU added per connect + close over the warm-up (JIT included), 8 threads", t.agentCost, "warmup_cpu_8t", " µs");
        t.shown("CPU added to load the sample app's 4,600 classes, its JDBC driver declared", t.classLoading,
                "class_loading_cpu_ms", " ms");
    }

    private static String read(Path file) throws java.io.IOException {
        return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    }

    /** A figure of one variant of one comparison in a JSON file: {@code "name": {... "variant": {... "field": N}}}. */
    static double value(String json, String name, String variant, String field) {
        int at = json.indexOf("\"" + name + "\": {");
        if (at < 0) return Double.NaN;
        int v = json.indexOf("\"" + variant + "\": {", at);
        int end = json.indexOf('}', v);
        if (v < 0 || end < 0) return Double.NaN;
        Matcher m = Pattern.compile("\"" + field + "\": (-?[0-9.]+)").matcher(json.substring(v, end));
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private void atMost(String what, String json, String name, String field, double limit, String unit, double scale) {
        double pw = value(json, name, "portwatch", field);
        double otel = value(json, name, "otel-javaagent", field);
        row(what + " (≤ " + String.format(Locale.ROOT, "%.0f", limit / scale) + unit + ")", format(pw / scale) + unit, format(otel / scale) + unit,
                Double.isNaN(pw) ? "not measured" : pw <= limit ? "yes" : "no");
    }

    private void atLeast(String what, String json, String name, double limit) {
        double pw = value(json, name, "portwatch", "ratio");
        double otel = value(json, name, "otel-javaagent", "ratio");
        row(what + " (≥ " + limit + ")", ratio(pw), ratio(otel), Double.isNaN(pw) ? "not measured" : pw >= limit ? "yes" : "no");
    }

    /** The target on the run's last third (warm, as for loopback); the whole run, the JIT's warm-up included, beside it. */
    private void jdbc() {
        double pw = value(jdbcChurn, "jdbc_churn_steady", "portwatch", "ratio");
        double otel = value(jdbcChurn, "jdbc_churn_steady", "otel-javaagent", "ratio");
        row("JDBC churn, new connection per write, 8 threads, last third of the run (warm), vs none (≥ 0.97 and ahead of the"
                + " OpenTelemetry agent)", ratio(pw), ratio(otel),
                Double.isNaN(pw) ? "not measured" : pw >= 0.97 && pw > otel ? "yes" : "no");
        row("JDBC churn, the same over the whole run (the JIT's warm-up included)", ratio(value(jdbcChurn, "jdbc_churn", "portwatch", "ratio")),
                ratio(value(jdbcChurn, "jdbc_churn", "otel-javaagent", "ratio")), "(shown)");
        shown("JDBC churn, CPU of the application's JVM added per write, last third (the agent's threads, JIT and GC included)",
                jdbcChurn, "jdbc_cpu", " µs");
        shown("JDBC churn, of which the agent's own threads, per write", jdbcChurn, "jdbc_agent_cpu", " µs");
        shown("JDBC churn, CPU of the database added per write, last third", jdbcChurn,
                "jdbc_database_cpu", " µs");
    }

    private void shown(String what, String json, String name, String unit) {
        row(what, format(value(json, name, "portwatch", "added")) + unit,
                format(value(json, name, "otel-javaagent", "added")) + unit, "(shown)");
    }

    private static void row(String what, String pw, String otel, String met) {
        System.out.println("| " + what + " | " + pw + " | " + otel + " | " + met + " |");
    }

    private static String ratio(double r) {
        return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.3f", r);
    }

    private static String format(double d) {
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%+.1f", d);
    }
}
