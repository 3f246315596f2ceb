package io.portwatch.otel;

import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.portwatch.track.AgentThreads;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The OpenTelemetry SDK, configured the SDK's own way ({@code OTEL_*} environment variables and
 * {@code otel.*} system properties: endpoint, protocol, headers, service name, sampler...), with
 * these changes of default:
 * <ul>
 *   <li>the OTLP protocol is {@code http/protobuf}, as the specification says, where the SDK's
 *       own autoconfiguration would pick {@code grpc}; {@code grpc} is refused in one line, the
 *       exporter having no gRPC sender ({@link OtlpSupport});</li>
 *   <li>with no OTLP endpoint, a signal whose exporter is not named is not exported: an agent
 *       dropped into a JVM without a collector (or told only {@code otel.metrics.exporter=prometheus})
 *       must not retry a connection to localhost:4318 forever;</li>
 *   <li>{@code prometheus} among the metrics exporters is started by the agent after the rest
 *       ({@link PrometheusEndpoint}), so that a port in use costs that endpoint alone;</li>
 *   <li>the SDK's own log output is silenced and export failures are reported by the agent, a
 *       line now and then, instead of one per failed batch.</li>
 * </ul>
 * Must be built on an agent thread: the SDK's exporter threads inherit its thread group, which is
 * how their sockets stay untracked.
 */
public final class Telemetry {

    /** At exit, the most time given to the export when the last one failed (see {@link #shutdown}). */
    static final long FAILING_COLLECTOR_MILLIS = 500;

    /** Held so the JUL logger (and its level) is not garbage collected. */
    private static Logger sdkLogger;

    private static final String[] ENDPOINT_KEYS = {
            "otel.exporter.otlp.endpoint", "otel.exporter.otlp.traces.endpoint",
            "otel.exporter.otlp.metrics.endpoint", "otel.exporter.otlp.logs.endpoint"};
    private static final String METRICS_EXPORTER = "otel.metrics.exporter";
    private static final String[] EXPORTER_KEYS = {"otel.traces.exporter", METRICS_EXPORTER, "otel.logs.exporter"};

    private final OpenTelemetrySdk sdk;
    private final boolean exporting;
    private final SpanLosses losses;

    /** False when {@code otel.traces.exporter=none}: metrics and logs may go out, spans would not. */
    private final boolean tracesExported;

    private Telemetry(OpenTelemetrySdk sdk, boolean exporting, boolean tracesExported, SpanLosses losses) {
        this.sdk = sdk;
        this.exporting = exporting;
        this.tracesExported = tracesExported;
        this.losses = losses;
    }

    /** Builds the SDK; configuration errors go to {@code problems} and leave a no-op SDK. */
    public static Telemetry start(Consumer<String> problems) {
        return start(java.util.Collections.emptyMap(), problems);
    }

    /**
     * Builds the SDK with {@code arguments} (otel.* keys) over the JVM's own OpenTelemetry
     * settings; configuration errors go to {@code problems} and leave a no-op SDK.
     */
    public static Telemetry start(Map<String, String> arguments, Consumer<String> problems) {
        silenceSdkLogging();
        boolean[] exporting = {false};
        boolean[] tracesExported = {false};
        boolean[] prometheus = {false};
        SpanLosses losses = new SpanLosses(problems);
        try {
            OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesCustomizer(config -> arguments)
                    .addPropertiesCustomizer(config -> defaults(config, exporting, prometheus))
                    .addMeterProviderCustomizer((metrics, config) -> {
                        if (!prometheus[0]) return metrics;
                        MetricReader endpoint = PrometheusEndpoint.start(config, problems);
                        return endpoint == null ? metrics : metrics.registerMetricReader(endpoint);
                    })
                    .addTracerProviderCustomizer((tracing, config) -> {
                        tracesExported[0] = !"none".equals(config.getString("otel.traces.exporter", "otlp").trim());
                        losses.capacity(config.getInt("otel.bsp.max.queue.size", 2048),
                                config.getInt("otel.bsp.max.export.batch.size", 512));
                        return tracing.addSpanProcessor(losses);
                    })
                    .addSpanExporterCustomizer((exporter, config) -> new ReportingSpanExporter(exporter, problems, losses))
                    .disableShutdownHook()
                    .build()
                    .getOpenTelemetrySdk();
            return new Telemetry(sdk, exporting[0], exporting[0] && tracesExported[0], losses);
        } catch (RuntimeException | LinkageError | ServiceConfigurationError e) {
            // An Error too: this runs on the tracker's thread, which must go on tracking.
            problems.accept("OpenTelemetry configuration rejected, exporting nothing: " + e.getMessage());
            return new Telemetry(OpenTelemetrySdk.builder().build(), false, false, losses);
        }
    }

    /** Whether an exporter is configured, i.e. whether anything leaves the process. */
    public boolean exporting() {
        return exporting;
    }

    /** The connection counters: every connection, whatever the span policy. */
    public ConnectionCounters connectionCounters() {
        return new ConnectionCounters(meter());
    }

    /**
     * The {@code tcp.connection} and {@code jdbc.connection} spans of the connections
     * {@code policy} keeps: built while the SDK's span queue has room, and not at all when spans
     * are not exported.
     */
    public ConnectionSpans connectionSpans(SpanPolicy policy) {
        return new ConnectionSpans(tracer(), policy, tracesExported ? losses::room : () -> false);
    }

    /** Whether spans leave the process: an exporter is configured, and it is not {@code otel.traces.exporter=none}. */
    public boolean tracesExported() {
        return tracesExported;
    }

    public Tracer tracer() {
        return sdk.getTracer("io.portwatch", Telemetry.class.getPackage().getImplementationVersion());
    }

    public io.opentelemetry.api.logs.Logger logger() {
        return sdk.getLogsBridge().get("io.portwatch");
    }

    public Meter meter() {
        return sdk.getMeter("io.portwatch");
    }

    public OpenTelemetrySdk sdk() {
        return sdk;
    }

    /**
     * Flushes and stops the exporters, waiting at most {@code timeoutMillis}, or
     * {@link #FAILING_COLLECTOR_MILLIS} when the last span export failed: a collector that was
     * down a moment ago most likely still is, and the application's exit need not wait out the
     * exporter's retries. The SDK's shutdown blocks its caller on timeouts of its own (its metric
     * reader waits up to 10 s for a collector that is down or hangs), so it runs on an agent
     * thread, a daemon that is left behind when the time is up and ends with the JVM.
     */
    public void shutdown(long timeoutMillis, Consumer<String> problems) throws InterruptedException {
        long wait = losses.lastExportFailed() ? Math.min(timeoutMillis, FAILING_COLLECTOR_MILLIS) : timeoutMillis;
        boolean[] done = {false};
        Thread stopping = AgentThreads.newThread("otel-shutdown", () -> {
            done[0] = sdk.shutdown().join(wait, TimeUnit.MILLISECONDS).isDone();
        });
        stopping.start();
        stopping.join(Math.max(1, wait));
        if (tracesExported) {
            String lost = lostSpans(losses, !stopping.isAlive() && done[0]);
            if (lost != null) problems.accept(lost);
        }
    }

    /** The line at exit about spans that did not reach the collector, or null when all did. */
    static String lostSpans(SpanLosses losses, boolean shutDown) {
        long notBuilt = losses.notBuilt();
        long dropped = losses.notExported();
        long failed = losses.notDelivered();
        if (notBuilt + dropped + failed <= 0) return null;
        List<String> why = new ArrayList<>();
        if (notBuilt > 0) {
            why.add(notBuilt + " not built, the OpenTelemetry SDK's span queue being full (a collector down or slow,"
                    + " or more connections than it takes: otel.bsp.max.queue.size)");
        }
        if (!shutDown) {
            if (dropped + failed > 0) {
                why.add((dropped + failed) + " still on their way when the exit's time was up (a collector down,"
                        + " slow or unreachable?)");
            }
        } else {
            if (dropped > 0) why.add(dropped + " dropped by the OpenTelemetry SDK's span queue when full");
            if (failed > 0) why.add(failed + " not accepted by the collector");
        }
        return "cannot export " + (notBuilt + dropped + failed) + " of " + (losses.ended() + notBuilt) + " spans: "
                + String.join("; ", why);
    }

    private static Map<String, String> defaults(ConfigProperties config, boolean[] exporting, boolean[] prometheus) {
        Map<String, String> overrides = new HashMap<>();
        boolean endpoint = false;
        for (String key : ENDPOINT_KEYS) {
            endpoint |= config.getString(key) != null;
        }
        boolean named = false;
        for (String key : EXPORTER_KEYS) {
            boolean set = config.getString(key) != null;
            named |= set;
            // The SDK's default exporter is otlp, toward localhost:4318 when no endpoint is set.
            if (!endpoint && !set) overrides.put(key, "none");
        }
        exporting[0] = endpoint || named;
        String otherMetricExporters = PrometheusEndpoint.others(config.getString(METRICS_EXPORTER));
        if (otherMetricExporters != null) {
            prometheus[0] = true;
            overrides.put(METRICS_EXPORTER, otherMetricExporters);
        }
        if (config.getString("otel.exporter.otlp.protocol") == null) {
            // The specification's default (and the OpenTelemetry Java agent's); the SDK alone would pick grpc.
            overrides.put("otel.exporter.otlp.protocol", "http/protobuf");
        }
        String unsupported = OtlpSupport.unsupported(config, overrides);
        if (unsupported != null) throw new ConfigurationException(unsupported); // start() says it in one line
        if (config.getString("otel.service.name") == null
                && !config.getMap("otel.resource.attributes").containsKey("service.name")) {
            overrides.put("otel.service.name", ServiceName.guess());
        }
        return overrides;
    }

    private static void silenceSdkLogging() {
        // The relocated package name, whether or not the jar is shaded.
        String sdkPackage = OpenTelemetrySdk.class.getPackage().getName();
        String root = sdkPackage.substring(0, sdkPackage.length() - ".sdk".length());
        sdkLogger = Logger.getLogger(root);
        sdkLogger.setLevel(Level.OFF);
    }
}
