package io.portwatch.otel;

import io.opentelemetry.exporter.prometheus.internal.PrometheusMetricReaderProvider;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.metrics.export.MetricReader;

import java.net.BindException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The SDK's Prometheus exporter ({@code otel.metrics.exporter=prometheus}): a {@code /metrics}
 * endpoint served by the JDK's own HTTP server, configured the exporter's way
 * ({@code otel.exporter.prometheus.host}, default {@code localhost}; {@code .port}, default 9464).
 *
 * <p>The agent starts it rather than the SDK's autoconfiguration: the exporter binds its port while
 * the SDK is being built, and there a port in use would reject the whole configuration, spans and
 * log records with it. Here it costs the endpoint alone, said in one line. Started on an agent
 * thread (the SDK is built on one), the server's dispatcher, timer and worker threads inherit the
 * agent's thread group, so the scrapes it accepts are never tracked as the application's.
 */
final class PrometheusEndpoint {

    static final String EXPORTER = "prometheus";
    private static final String HOST_KEY = "otel.exporter.prometheus.host";
    private static final String PORT_KEY = "otel.exporter.prometheus.port";
    /** The exporter's own defaults (PrometheusHttpServerBuilder). */
    private static final String DEFAULT_HOST = "localhost";
    private static final int DEFAULT_PORT = 9464;
    private static final String HTTP_SERVER_MODULE = "jdk.httpserver";

    private PrometheusEndpoint() {}

    /**
     * The metrics exporter list with {@code prometheus} taken out ({@code none} when nothing is
     * left), or null when {@code exporters} does not name it: the SDK then builds the others.
     */
    static String others(String exporters) {
        if (exporters == null) return null;
        List<String> rest = new ArrayList<>();
        boolean named = false;
        for (String e : exporters.split(",")) {
            String name = e.trim();
            if (name.equals(EXPORTER)) {
                named = true;
            } else if (!name.isEmpty()) {
                rest.add(name);
            }
        }
        if (!named) return null;
        return rest.isEmpty() ? "none" : String.join(",", rest);
    }

    /** Starts the endpoint, or says in one line why it cannot and returns null. */
    static MetricReader start(ConfigProperties config, Consumer<String> problems) {
        return start(config, problems, ModuleLayer.boot().findModule(HTTP_SERVER_MODULE).isPresent());
    }

    static MetricReader start(ConfigProperties config, Consumer<String> problems, boolean httpServer) {
        if (!httpServer) {
            problems.accept("cannot serve Prometheus metrics: the endpoint is served by the JDK module "
                    + HTTP_SERVER_MODULE + ", which this JVM does not have (a jlink image without it, --limit-modules,"
                    + " or a modular application that does not require it): add it (--add-modules " + HTTP_SERVER_MODULE
                    + "); tracking and the other exporters go on");
            return null;
        }
        try {
            return new PrometheusMetricReaderProvider().createMetricReader(config);
        } catch (RuntimeException | LinkageError e) {
            // An Error too: this runs on the agent's reporter thread, which must go on.
            problems.accept(why(config, e));
            return null;
        }
    }

    /** The one line for an endpoint that did not start. */
    static String why(ConfigProperties config, Throwable e) {
        String where;
        try {
            where = config.getString(HOST_KEY, DEFAULT_HOST) + ":" + config.getInt(PORT_KEY, DEFAULT_PORT);
        } catch (RuntimeException badValue) {
            where = "OTEL_EXPORTER_PROMETHEUS_HOST:OTEL_EXPORTER_PROMETHEUS_PORT";
        }
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

    /** The innermost message: "Address already in use", not the exporter's "Could not create ...". */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage();
        return m == null || m.isEmpty() ? t.getClass().getSimpleName() : m;
    }
}
