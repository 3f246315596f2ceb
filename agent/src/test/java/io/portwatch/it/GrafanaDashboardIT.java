package io.portwatch.it;

import io.opentelemetry.proto.metrics.v1.Metric;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.ExhaustionRun;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.PromQl;
import io.portwatch.it.support.PrometheusNames;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Grafana dashboard ({@code otel-collector/grafana/portwatch-dashboard.json}) against what the
 * agent really exports: a child JVM churns toward exhaustion (in a network namespace when root,
 * see {@link ExhaustionRun}) exporting to the test's OTLP receiver; the metric names received are
 * turned into the Prometheus names the collector publishes and those the agent's own endpoint
 * serves ({@link PrometheusNames}), and every metric a dashboard query or variable selects must be
 * among them, each query selecting something by either route, with the labels it matches or groups
 * on. {@code PrometheusAlertsIT} runs the same queries on a real Prometheus scraping the agent.
 */
class GrafanaDashboardIT {

    static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\)\\s*$");

    @Test
    void everyQueryNamesAMetricAndLabelsTheAgentExports() throws Exception {
        Map<String, String> queries = dashboardQueries();
        assertTrue(queries.size() >= 6, "queries: " + queries);

        List<Metric> metrics;
        String notInNamespace;
        try (ExhaustionRun run = ExhaustionRun.prepare();
             OtlpReceiver receiver = run.inNamespace() ? new OtlpReceiver(run.namespace().hostAddress()) : new OtlpReceiver()) {
            notInNamespace = run.whyNot();
            ChildJvm.Result r = run.run(ChildJvm.javaHomes().get(0), c -> c.agentArgs("kernel.interval=500").exportTo(receiver));
            assertEquals(0, r.exitCode, r::toString);
            metrics = receiver.metrics();
        }
        // Two routes, each with its own spelling of a few names: through the collector, and
        // scraped from the agent's own endpoint. Every query must work by either.
        Map<String, Map<String, Set<String>>> routes = Map.of(
                "through the collector", PrometheusNames.of(metrics),
                "scraped from the agent", PrometheusNames.ofDirect(metrics));
        routes.forEach((route, names) -> System.out.println("exported, as Prometheus names " + route + ": " + names.keySet()));

        Set<String> missing = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> q : queries.entrySet()) {
            String expr = q.getValue();
            Set<String> labels = PromQl.labelNames(expr);
            Matcher lv = LABEL_VALUES.matcher(expr);
            if (lv.matches()) {
                expr = lv.group(1);
                labels.add(lv.group(2));
            }
            Set<String> names = PromQl.metricNames(expr);
            if (names.isEmpty()) problems.add(q.getKey() + " selects no metric: " + q.getValue());
            for (String name : names) {
                if (!name.startsWith("portwatch_")) problems.add(q.getKey() + ": " + name + " is not one of the agent's metrics");
                if (routes.values().stream().noneMatch(exported -> exported.containsKey(name))) missing.add(name);
            }
            for (Map.Entry<String, Map<String, Set<String>>> route : routes.entrySet()) {
                // A name spelt for the other route selects nothing here, and need not: "a or b".
                Set<String> known = new TreeSet<>();
                for (String name : names) known.addAll(route.getValue().getOrDefault(name, Set.of()));
                for (String label : labels) {
                    if (!known.isEmpty() && !known.contains(label)) {
                        problems.add(q.getKey() + " " + route.getKey() + ": label " + label + " not on " + names
                                + " (labels: " + known + ")");
                    }
                }
                if (!names.isEmpty() && names.stream().noneMatch(route.getValue()::containsKey)
                        && !names.stream().allMatch(missing::contains)) {
                    problems.add(q.getKey() + " selects nothing " + route.getKey() + ": " + names);
                }
            }
        }
        assertEquals(List.of(), problems, () -> "OTLP metrics received: " + PrometheusNames.describe(metrics));
        if (notInNamespace != null
                && missing.equals(Set.of("portwatch_ports_seconds_left", "portwatch_ports_seconds_left_seconds"))) {
            // Only exported while a destination is on course to run out: the loopback run never is.
            assumeTrue(false, "portwatch_ports_seconds_left not verified: it is exported only while a destination"
                    + " is on course to run out of ports, which needs the network-namespace run (" + notInNamespace + ")");
        }
        assertEquals(Set.of(), missing, () -> "queried but not exported; OTLP metrics received: "
                + PrometheusNames.describe(metrics));
    }

    /** Every PromQL of the shipped dashboard, keyed by where it is. */
    static Map<String, String> dashboardQueries() throws Exception {
        return queries(load(dashboardFile()));
    }

    /** Every PromQL of the dashboard: panel targets and variable queries, keyed by where they are. */
    private static Map<String, String> queries(Map<String, Object> dashboard) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Object p : list(dashboard.get("panels"))) {
            Map<?, ?> panel = (Map<?, ?>) p;
            for (Object t : list(panel.get("targets"))) {
                Map<?, ?> target = (Map<?, ?>) t;
                out.put("panel '" + panel.get("title") + "' " + target.get("refId"), String.valueOf(target.get("expr")));
            }
        }
        Object templating = dashboard.get("templating");
        for (Object v : list(templating == null ? null : ((Map<?, ?>) templating).get("list"))) {
            Map<?, ?> variable = (Map<?, ?>) v;
            Object query = variable.get("query");
            if (query instanceof Map) query = ((Map<?, ?>) query).get("query");
            if (query != null) out.put("variable " + variable.get("name"), String.valueOf(query));
        }
        return out;
    }

    private static List<?> list(Object o) {
        return o instanceof List ? (List<?>) o : List.of();
    }

    /** Strict enough: JSON is YAML, and a syntax error fails here. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> load(Path file) throws Exception {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
            assertTrue(doc instanceof Map, file + " is not a JSON object");
            Map<String, Object> d = (Map<String, Object>) doc;
            assertFalse(String.valueOf(d.get("title")).isEmpty());
            return d;
        }
    }

    private static Path dashboardFile() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("otel-collector/grafana/portwatch-dashboard.json");
            if (Files.isRegularFile(f)) return f;
        }
        return fail("otel-collector/grafana/portwatch-dashboard.json not found");
    }
}
