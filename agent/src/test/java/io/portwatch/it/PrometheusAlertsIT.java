package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.NetNs;
import io.portwatch.it.support.PrometheusServer;
import io.portwatch.it.workload.ChurnWorkload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The shipped alerting rules ({@code otel-collector/portwatch-alerts.yml}) on a real Prometheus
 * ({@link PrometheusServer}) scraping the agent's own endpoint every second
 * ({@code OTEL_METRICS_EXPORTER=prometheus}, nothing else exported), in a network namespace of the
 * test's ({@link NetNs}: root and {@code ip netns}, skipped otherwise) with 300 ephemeral ports and
 * 30 client-closed connections a second toward one destination, as {@code KernelNamespaceIT}
 * replays the incident. Prometheus runs on the host and scrapes the namespace's end of the veth pair.
 */
class PrometheusAlertsIT {

    private static final int SERVER_PORT = 7000;
    private static final int AGENT_PORT = 9464;
    private static final String RANGE = "40000 40299";
    private static final String RATE = "30";
    private static final String FAILURE = "churn FIRST FAILURE at ";
    private static final String EXHAUSTION = "PortwatchPortsRunningOut";
    /** How far ahead of the failure the alert must fire: in runs, 7 to 8 s of the 10 s the ports last. */
    private static final long LEAD_MILLIS = 3000;
    private static final String REUSE = "PortwatchTimeWaitReuseIneffective";

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    /**
     * Timestamps off, reuse on: the ports run out after about ten seconds. The exhaustion alert
     * must be firing, for 127.0.0.1:7000, at least 3 s before the first connect fails (the forecast
     * reaches zero just before the failure, so a rule that waited for it would fire barely ahead);
     * the reuse alert must be pending, naming tcp_timestamps; and every query of the Grafana
     * dashboard must return data.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void theExhaustionAlertFiresBeforeTheFirstFailedConnect(String jdk) throws Exception {
        try (NetNs ns = namespace(false);
             PrometheusServer prometheus = PrometheusServer.start(List.of(ns.nsAddress() + ":" + AGENT_PORT), List.of(rules()))) {
            prometheus.awaitFirstScrapes();
            ChildJvm.Result r = churn(jdk, ns, "40");
            assertEquals(0, r.exitCode, r::toString);
            assertFalse(r.stderr.contains("[portwatch] ERROR"), r::toString);
            String failure = Arrays.stream(r.stderr.split("\n")).filter(l -> l.startsWith(FAILURE)).findFirst()
                    .orElseGet(() -> fail("the churn never ran out of ports:\n" + r));
            long failedAt = Long.parseLong(failure.substring(FAILURE.length()).split(" ")[0]);

            long end = System.currentTimeMillis();
            List<Long> firing = sampleTimes(prometheus, "ALERTS{alertname=\"" + EXHAUSTION + "\", alertstate=\"firing\","
                    + " server_address=\"127.0.0.1\", server_port=\"" + SERVER_PORT + "\"}", end, v -> true);
            assertFalse(firing.isEmpty(), () -> EXHAUSTION + " never fired:\n" + r + "\n" + prometheus.log());
            long firstFiring = firing.get(0);
            List<Long> scraped = sampleTimes(prometheus, "up{job=\"portwatch\"}", end, v -> v == 1);
            List<Long> forecast = sampleTimes(prometheus, "portwatch_ports_seconds_left_seconds", end, v -> true);
            System.out.printf("%s: before the first failed connect: first scrape %d ms, first forecast %d ms,"
                    + " %s firing %d ms%n", jdk, failedAt - (scraped.isEmpty() ? failedAt : scraped.get(0)),
                    failedAt - (forecast.isEmpty() ? failedAt : forecast.get(0)), EXHAUSTION, failedAt - firstFiring);
            // Ahead by more than a scrape and an evaluation: the forecast, not the failure, raised it.
            assertTrue(failedAt - firstFiring >= LEAD_MILLIS, () -> EXHAUSTION + " first fired at " + firstFiring
                    + ", the first connect failed at " + failedAt + " (less than " + LEAD_MILLIS + " ms ahead):\n" + r);

            List<Long> reusePending = sampleTimes(prometheus, "ALERTS{alertname=\"" + REUSE + "\","
                    + " portwatch_reuse_blocked_by=\"tcp_timestamps\", server_port=\"" + SERVER_PORT + "\"}", end, v -> true);
            assertFalse(reusePending.isEmpty(), () -> REUSE + " never pending:\n" + r);

            // keep_firing_for holds the alert after the agent is gone: its text, as Alertmanager would get it.
            List<Map<String, Object>> held = prometheus.alerts();
            Map<String, Object> alert = held.stream()
                    .filter(a -> EXHAUSTION.equals(((Map<?, ?>) a.get("labels")).get("alertname"))).findFirst()
                    .orElseGet(() -> fail("no " + EXHAUSTION + " held: " + held));
            String description = String.valueOf(((Map<?, ?>) alert.get("annotations")).get("description"));
            assertTrue(description.contains("toward 127.0.0.1:" + SERVER_PORT) && description.contains("tcp_timestamps=1"),
                    description);

            assertDashboardQueriesReturnData(prometheus, failedAt - 500);
        }
    }

    /**
     * Timestamps on, reuse on, the same range and load for 20 s: 600 connections, no alert at all.
     * On the first JDK only: the incident runs on each, and this one's 20 s would not tell them apart.
     */
    @Test
    void noAlertWhenReuseKeepsUp() throws Exception {
        String jdk = ChildJvm.javaHomes().get(0);
        try (NetNs ns = namespace(true);
             PrometheusServer prometheus = PrometheusServer.start(List.of(ns.nsAddress() + ":" + AGENT_PORT), List.of(rules()))) {
            prometheus.awaitFirstScrapes();
            ChildJvm.Result r = churn(jdk, ns, "20");
            long end = System.currentTimeMillis();
            assertEquals(0, r.exitCode, r::toString);
            assertTrue(r.stdout.contains("churn done: 600 connections, 0 failures"), r::toString);
            assertFalse(r.stderr.contains("[portwatch] ERROR"), r::toString);

            // Prometheus did watch: scraped all along, and saw the connections and the reuse.
            double scrapes = sum(prometheus.query("count_over_time(up{job=\"portwatch\"}[5m])", end));
            double upScrapes = sum(prometheus.query("sum_over_time(up{job=\"portwatch\"}[5m])", end));
            assertTrue(upScrapes >= 15, () -> "only " + upScrapes + " of " + scrapes + " scrapes succeeded: " + prometheus.log());
            double opened = sum(prometheus.query(
                    "max_over_time(portwatch_connections_opened_total{portwatch_direction=\"outgoing\"}[5m])", end));
            assertTrue(opened >= 500, () -> "connections seen by Prometheus: " + opened);
            List<Map<String, Object>> hold = prometheus.query("portwatch_ports_time_wait_hold_seconds[5m]", end);
            assertFalse(hold.isEmpty(), "no portwatch_ports_time_wait_hold_seconds");
            for (Map<String, Object> series : hold) {
                assertEquals("none", PrometheusServer.labels(series).get("portwatch_reuse_blocked_by"), series::toString);
            }

            List<Map<String, Object>> alerts = prometheus.query("ALERTS[5m]", end);
            assertEquals(List.of(), alerts, "alerts in a run whose ports never ran short");
        }
    }

    private static NetNs namespace(boolean timestamps) throws Exception {
        PrometheusServer.binary("prometheus"); // skip before making a namespace, when Prometheus is not there
        NetNs ns = NetNs.create();
        try {
            ns.portReuse(timestamps, RANGE);
            return ns;
        } catch (Exception | Error e) {
            ns.close();
            throw e;
        }
    }

    /** The churn with the agent's endpoint on the namespace's addresses and nothing else exported. */
    private static ChildJvm.Result churn(String jdk, NetNs ns, String seconds) throws Exception {
        return new ChildJvm(jdk).inNamespace(ns.name()).agentArgs("kernel.interval=500")
                .env("OTEL_METRICS_EXPORTER", "prometheus")
                .env("OTEL_EXPORTER_PROMETHEUS_HOST", "0.0.0.0")
                .env("OTEL_EXPORTER_PROMETHEUS_PORT", String.valueOf(AGENT_PORT))
                .timeoutSeconds(Long.parseLong(seconds) + 60)
                .main(ChurnWorkload.class, "churn", String.valueOf(SERVER_PORT), RATE, seconds).run();
    }

    /**
     * Every query of the Grafana dashboard, its variables set to this job, every destination and a
     * rate interval of four scrapes, run at {@code epochMillis}: none may fail, and each must return
     * at least one series (with the label asked for, for a {@code label_values} variable).
     */
    private static void assertDashboardQueriesReturnData(PrometheusServer prometheus, long epochMillis) throws Exception {
        Map<String, String> queries = GrafanaDashboardIT.dashboardQueries();
        List<String> empty = new ArrayList<>();
        for (Map.Entry<String, String> q : queries.entrySet()) {
            String expr = q.getValue().replace("$job", PrometheusServer.JOB).replace("$server", ".+")
                    .replace("$__rate_interval", "4s");
            String label = null;
            java.util.regex.Matcher lv = GrafanaDashboardIT.LABEL_VALUES.matcher(expr);
            if (lv.matches()) {
                expr = lv.group(1);
                label = lv.group(2);
            }
            List<Map<String, Object>> result = prometheus.query(expr, epochMillis);
            String l = label;
            if (result.isEmpty() || (l != null && result.stream().noneMatch(s -> PrometheusServer.labels(s).containsKey(l)))) {
                empty.add(q.getKey() + ": " + expr);
            }
        }
        assertEquals(List.of(), empty, "dashboard queries that return no data");
        System.out.println("all " + queries.size() + " dashboard queries returned data");
    }

    /** The times (epoch ms, ascending) of {@code selector}'s samples valued {@code only} in the five minutes up to {@code until}. */
    private static List<Long> sampleTimes(PrometheusServer prometheus, String selector, long until,
                                          java.util.function.DoublePredicate only) throws Exception {
        List<Long> times = new ArrayList<>();
        for (Map<String, Object> series : prometheus.query(selector + "[5m]", until)) {
            times.addAll(PrometheusServer.sampleTimes(series, only));
        }
        times.sort(null);
        return times;
    }

    private static double sum(List<Map<String, Object>> results) {
        return results.stream().mapToDouble(PrometheusServer::value).sum();
    }

    static Path rules() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("otel-collector/portwatch-alerts.yml");
            if (Files.isRegularFile(f)) return f;
        }
        return fail("otel-collector/portwatch-alerts.yml not found");
    }
}
