package io.portwatch.it.support;

import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.Sum;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The dashboard check's two helpers, on known cases. */
class PromQlTest {

    @Test
    void metricAndLabelNamesOfAQuery() {
        String q = "sum by (portwatch_closed_by) (rate(portwatch_connections_closed_total{job=~\"$job\", x!=\"a,b\"}[$__rate_interval]))"
                + " / on (job) max(portwatch_ports_capacity offset 5m)";
        assertEquals(Set.of("portwatch_connections_closed_total", "portwatch_ports_capacity"), PromQl.metricNames(q));
        assertEquals(Set.of("portwatch_closed_by", "job", "x"), PromQl.labelNames(q));
    }

    @Test
    void prometheusNamesAsTheCollectorMakesThem() {
        assertEquals("portwatch_ports_seconds_left", PrometheusNames.name(gauge("portwatch.ports.seconds_left", "s")),
                "the unit is already a word of the name");
        assertEquals("portwatch_connect_duration_seconds", PrometheusNames.name(gauge("portwatch.connect.duration", "s")));
        assertEquals("portwatch_ports_used", PrometheusNames.name(gauge("portwatch.ports.used", "{port}")));
        assertEquals("portwatch_connections_closed_total", PrometheusNames.name(Metric.newBuilder()
                .setName("portwatch.connections.closed").setUnit("{connection}")
                .setSum(Sum.newBuilder().setIsMonotonic(true)).build()));
        assertEquals("portwatch_pool_usage_ratio", PrometheusNames.name(gauge("portwatch.pool.usage", "1")));
        assertEquals("server_address", PrometheusNames.label("server.address"));
    }

    /** As the agent's own endpoint served them (the SDK's Prometheus exporter), scraped by hand. */
    @Test
    void prometheusNamesAsTheAgentsEndpointMakesThem() {
        assertEquals("portwatch_ports_seconds_left_seconds", PrometheusNames.direct(gauge("portwatch.ports.seconds_left", "s")),
                "the unit is appended unless the name ends with it");
        assertEquals("portwatch_ports_time_wait_hold_seconds", PrometheusNames.direct(gauge("portwatch.ports.time_wait.hold", "s")));
        assertEquals("portwatch_connect_duration_milliseconds", PrometheusNames.direct(gauge("portwatch.connect.duration", "ms")));
        assertEquals("portwatch_connect_duration_trend", PrometheusNames.direct(gauge("portwatch.connect.duration.trend", "1")));
        assertEquals("portwatch_ports_used", PrometheusNames.direct(gauge("portwatch.ports.used", "{port}")));
        assertEquals("portwatch_connections_closed_total", PrometheusNames.direct(Metric.newBuilder()
                .setName("portwatch.connections.closed").setUnit("{connection}")
                .setSum(Sum.newBuilder().setIsMonotonic(true)).build()));
    }

    private static Metric gauge(String name, String unit) {
        return Metric.newBuilder().setName(name).setUnit(unit).setGauge(Gauge.newBuilder()).build();
    }
}
