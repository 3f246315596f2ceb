package io.portwatch.otel;

import io.portwatch.host.TestSnapshots;
import io.portwatch.kernel.Conntrack;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel's figures as metrics, read the way a user reads them: scraped from the Prometheus endpoint. */
class BudgetTelemetryTest {

    @Test
    void timeWaitsAreSplitByHolderInCountAndRateBesideTheirTotal() throws Exception {
        String body = scrape(TestSnapshots.snapshot(90, List.of(
                TestSnapshots.timeWaits("10.1.2.3", 3306, 90, 30, 0.5, 2.0))));
        assertTrue(body.contains(series("portwatch_ports_time_wait", null) + " 90.0"), body);
        assertTrue(body.contains(series("portwatch_ports_time_wait_by_holder", "jvm") + " 30.0"), body);
        assertTrue(body.contains(series("portwatch_ports_time_wait_by_holder", "other") + " 60.0"), body);
        assertTrue(body.contains(series("portwatch_ports_time_wait_rate_per_second", "jvm") + " 0.5"), body);
        assertTrue(body.contains(series("portwatch_ports_time_wait_rate_per_second", "other") + " 1.5"), body);
    }

    /** The host's rate is measured apart from this JVM's and may read lower for a while: other processes' is then 0, not negative. */
    @Test
    void otherProcessesRateIsNeverNegative() throws Exception {
        String body = scrape(TestSnapshots.snapshot(10, List.of(
                TestSnapshots.timeWaits("10.1.2.3", 3306, 10, 10, 3.0, 1.0))));
        assertTrue(body.contains(series("portwatch_ports_time_wait_rate_per_second", "other") + " 0.0"), body);
    }

    /**
     * The namespace's conntrack table as gauges, labelled with the namespace like every host figure;
     * no series at all where connection tracking is not loaded.
     */
    @Test
    void theConntrackTableIsReportedWhereLoadedOnly() throws Exception {
        String loaded = scrape(TestSnapshots.snapshot(10, List.of(), new Conntrack(900, 1000, 7, 2, 1)));
        String netns = "{otel_scope_name=\"io.portwatch\",portwatch_netns=\"" + TestSnapshots.NETNS + "\"}";
        assertTrue(loaded.contains("portwatch_host_conntrack_count" + netns + " 900.0"), loaded);
        assertTrue(loaded.contains("portwatch_host_conntrack_max" + netns + " 1000.0"), loaded);
        assertTrue(loaded.contains("portwatch_host_conntrack_drops_total" + netns + " 7.0"), loaded);
        assertTrue(loaded.contains("portwatch_host_time_wait" + netns + " 10.0"), loaded);
        String absent = scrape(TestSnapshots.snapshot(10, List.of(), null));
        assertFalse(absent.contains("portwatch_host_conntrack"), absent);
    }

    /** The series of the test's destination, its labels in the exporter's (alphabetical) order. */
    private static String series(String name, String holder) {
        return name + "{network_local_address=\"127.0.0.1\",otel_scope_name=\"io.portwatch\","
                + (holder == null ? "" : "portwatch_holder=\"" + holder + "\",")
                + "portwatch_netns=\"" + TestSnapshots.NETNS + "\",server_address=\"10.1.2.3\",server_port=\"3306\"}";
    }

    private static String scrape(io.portwatch.host.HostSnapshot snapshot) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        List<String> problems = new ArrayList<>();
        Telemetry t = Telemetry.start(Map.of("otel.metrics.exporter", "prometheus",
                "otel.exporter.prometheus.host", "127.0.0.1", "otel.exporter.prometheus.port", String.valueOf(port)), problems::add,
                note -> {});
        try {
            assertEquals(List.of(), problems);
            BudgetTelemetry budgets = new BudgetTelemetry(t.spans(), t.logs(), t.metrics(), line -> { }, line -> { });
            budgets.sampled(snapshot);
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            return r.body();
        } finally {
            t.shutdown(10_000, problems::add);
        }
    }
}
