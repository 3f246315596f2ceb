package io.portwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The collector on its own and what its pipelines send where: OTLP received on all interfaces,
 * every pipeline made of defined components, traces to Jaeger over OTLP, metrics to the exporter
 * Prometheus scrapes (with the alert rules mounted beside its configuration), and a logs pipeline.
 */
class CollectorPipelinesTest extends CollectorFiles {

    @Test
    void otlpReceiversListenOnAllInterfacesOn4317And4318() {
        Map<String, Object> protocols = map(path(collector, "receivers", "otlp", "protocols"), "receivers.otlp.protocols");
        HostPort grpc = HostPort.parse(str(path(protocols, "grpc", "endpoint"), "otlp grpc endpoint"));
        HostPort http = HostPort.parse(str(path(protocols, "http", "endpoint"), "otlp http endpoint"));
        assertEquals(4317, grpc.port, "OTLP/gRPC receiver port");
        assertEquals(4318, http.port, "OTLP/HTTP receiver port");
        // Since collector 0.104 an endpoint without a host binds to localhost: unreachable from other containers.
        assertEquals("0.0.0.0", grpc.host, "gRPC receiver must bind 0.0.0.0 to be reachable from other containers");
        assertEquals("0.0.0.0", http.host, "HTTP receiver must bind 0.0.0.0 to be reachable from other containers");
    }

    @Test
    void everyPipelineReferencesOnlyDefinedComponents() {
        Map<String, Object> pipelines = pipelines();
        assertFalse(pipelines.isEmpty(), "no pipelines");
        for (Map.Entry<String, Object> p : pipelines.entrySet()) {
            Map<String, Object> pipeline = map(p.getValue(), "pipeline " + p.getKey());
            assertFalse(list(pipeline.get("receivers")).isEmpty(), p.getKey() + " has no receivers");
            assertFalse(list(pipeline.get("exporters")).isEmpty(), p.getKey() + " has no exporters");
            for (String kind : new String[] {"receivers", "processors", "exporters"}) {
                Set<String> defined = keys(collector.get(kind));
                for (Object id : list(pipeline.get(kind))) {
                    assertTrue(defined.contains(String.valueOf(id)),
                            "pipeline " + p.getKey() + " uses " + kind + " '" + id + "' not defined in " + defined);
                }
            }
        }
        Set<String> extensions = keys(collector.get("extensions"));
        for (Object id : list(path(collector, "service", "extensions"))) {
            assertTrue(extensions.contains(String.valueOf(id)), "service uses undefined extension " + id);
        }
        Set<String> known = new HashSet<>(List.of("traces", "metrics", "logs"));
        for (String name : pipelines.keySet()) {
            assertTrue(known.contains(type(name)), "unknown pipeline type: " + name);
        }
    }

    @Test
    void tracesGoToJaegerOverOtlp() {
        String jaeger = serviceByImage("jaegertracing/");
        List<String> exporters = pipelineExporters("traces");
        boolean found = false;
        for (String id : exporters) {
            String type = type(id);
            if (!type.equals("otlp") && !type.equals("otlphttp")) continue;
            String endpoint = str(path(collector, "exporters", id, "endpoint"), "endpoint of exporter " + id);
            HostPort target = HostPort.parse(endpoint);
            if (!target.host.equals(jaeger)) continue;
            found = true;
            // Jaeger takes OTLP/gRPC on 4317 and OTLP/HTTP on 4318.
            assertEquals(type.equals("otlp") ? 4317 : 4318, target.port,
                    "exporter " + id + " (" + type + ") must use Jaeger's " + (type.equals("otlp") ? "gRPC" : "HTTP")
                            + " OTLP port");
            if (type.equals("otlp")) {
                Object insecure = path(collector, "exporters", id, "tls", "insecure");
                assertEquals(Boolean.TRUE, insecure, "Jaeger's OTLP receiver has no TLS here: tls.insecure must be true");
            }
        }
        assertTrue(found, "no traces exporter sends OTLP to the '" + jaeger + "' service; exporters: " + exporters);
        Object otlpEnabled = env(service(jaeger)).get("COLLECTOR_OTLP_ENABLED");
        if (otlpEnabled != null) {
            assertEquals("true", String.valueOf(otlpEnabled), "Jaeger's OTLP receiver switched off");
        }
    }

    @Test
    void metricsGoToThePrometheusExporterThatPrometheusScrapes() {
        String collectorService = serviceByImage("otel/opentelemetry-collector");
        String exporter = null;
        for (String id : pipelineExporters("metrics")) {
            if (type(id).equals("prometheus")) exporter = id;
        }
        assertNotNull(exporter, "the metrics pipeline has no prometheus exporter");
        HostPort listen = HostPort.parse(str(path(collector, "exporters", exporter, "endpoint"), "prometheus endpoint"));
        assertEquals("0.0.0.0", listen.host, "the prometheus exporter must listen on 0.0.0.0 to be scraped from another container");

        List<HostPort> targets = new ArrayList<>();
        for (Object job : list(prometheus.get("scrape_configs"))) {
            for (Object sc : list(map(job, "scrape config").get("static_configs"))) {
                for (Object t : list(map(sc, "static config").get("targets"))) {
                    targets.add(HostPort.parse(String.valueOf(t)));
                }
            }
        }
        boolean scraped = false;
        for (HostPort t : targets) {
            if (t.host.equals(collectorService)) {
                assertEquals(listen.port, t.port, "prometheus.yml scrapes the collector on another port than its exporter's");
                scraped = true;
            }
        }
        assertTrue(scraped, "prometheus.yml does not scrape the '" + collectorService + "' service: " + targets);
        Map<String, String> mounts = mounts(serviceByImage("prom/prometheus"));
        assertTrue(mounts.containsKey("/etc/prometheus/prometheus.yml"),
                "prometheus.yml is not mounted where Prometheus reads its configuration");
        // Rule files are read relative to the configuration's directory: each must be mounted there, from here.
        List<?> rules = list(prometheus.get("rule_files"));
        assertTrue(rules.contains("portwatch-alerts.yml"), "prometheus.yml does not load portwatch-alerts.yml: " + rules);
        for (Object r : rules) {
            String source = mounts.get("/etc/prometheus/" + r);
            assertNotNull(source, r + " is not mounted beside prometheus.yml: " + mounts);
            assertEquals(dir.resolve(String.valueOf(r)).normalize(), dir.resolve(source).normalize(), "mounted from elsewhere");
        }
    }

    @Test
    void aLogsPipelineExists() {
        Map<String, Object> logs = null;
        for (Map.Entry<String, Object> p : pipelines().entrySet()) {
            if (type(p.getKey()).equals("logs")) logs = map(p.getValue(), "logs pipeline");
        }
        assertNotNull(logs, "no logs pipeline: the portwatch.port_exhaustion log records would be dropped");
        assertTrue(list(logs.get("receivers")).contains("otlp"), "the logs pipeline does not receive OTLP");
    }
}
