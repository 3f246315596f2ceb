package io.portwatch.otel;

import io.portwatch.export.MetricRegistry;
import io.portwatch.export.PrometheusServer;
import io.portwatch.export.PrometheusText;
import io.portwatch.otlp.OtlpAttributes;
import io.portwatch.otlp.OtlpMetric;

import java.net.BindException;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Prometheus endpoint ({@code otel.metrics.exporter=prometheus}): {@code /metrics} served by
 * the JDK's own HTTP server, each scrape a fresh collection of the metrics, configured the
 * OpenTelemetry exporter's way ({@code otel.exporter.prometheus.host}, default {@code localhost};
 * {@code .port}, default 9464). A port in use costs the endpoint alone, said in one line; the
 * server's threads are agent threads, so the scrapes it accepts are never tracked as the
 * application's.
 */
final class PrometheusEndpoint implements PrometheusServer.Collection {

    private static final String HTTP_SERVER_MODULE = "jdk.httpserver";

    private final MetricRegistry metrics;
    private PrometheusServer server;

    private PrometheusEndpoint(MetricRegistry metrics) {
        this.metrics = metrics;
    }

    /** Starts the endpoint, or says in one line why it cannot and returns null. */
    static PrometheusEndpoint start(String host, int port, MetricRegistry metrics, OtlpAttributes resource,
                                    Consumer<String> problems) {
        return start(host, port, metrics, resource, problems, ModuleLayer.boot().findModule(HTTP_SERVER_MODULE).isPresent());
    }

    static PrometheusEndpoint start(String host, int port, MetricRegistry metrics, OtlpAttributes resource,
                                    Consumer<String> problems, boolean httpServer) {
        if (!httpServer) {
            problems.accept("cannot serve Prometheus metrics: the endpoint is served by the JDK module "
                    + HTTP_SERVER_MODULE + ", which this JVM does not have (a jlink image without it, --limit-modules,"
                    + " or a modular application that does not require it): add it (--add-modules " + HTTP_SERVER_MODULE
                    + "); tracking and the other exporters go on");
            return null;
        }
        PrometheusEndpoint endpoint = new PrometheusEndpoint(metrics);
        try {
            endpoint.server = PrometheusServer.start(host, port, endpoint,
                    new PrometheusText(resource, Telemetry.SCOPE, null, problems));
            return endpoint;
        } catch (Exception | LinkageError e) {
            // An Error too: this runs on the agent's reporter thread, which must go on.
            problems.accept(why(host + ":" + port, e));
            return null;
        }
    }

    @Override
    public List<OtlpMetric> collect() {
        return metrics.collect(metrics.epochNanos());
    }

    void stop() {
        server.stop();
    }

    /** The one line for an endpoint that did not start. */
    static String why(String where, Throwable e) {
        String fix = bindFailure(e)
                ? "; another process or server holds it: choose a free port with OTEL_EXPORTER_PROMETHEUS_PORT"
                        + " (otel.exporter.prometheus.port)"
                : "";
        return "cannot serve Prometheus metrics on " + where + ": " + rootMessage(e) + fix
                + "; tracking and the other exporters go on";
    }

    private static boolean bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) return true;
        }
        return false;
    }

    /** The innermost message: "Address already in use", not a wrapper's. */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage();
        return m == null || m.isEmpty() ? t.getClass().getSimpleName() : m;
    }
}
