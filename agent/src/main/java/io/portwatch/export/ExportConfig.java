package io.portwatch.export;

import io.portwatch.otlp.OtlpAttributes;

import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * What portwatch exports, where and how, from the OpenTelemetry SDK's own settings
 * ({@code OTEL_*} environment variables, {@code otel.*} system properties, and {@code otel.*}
 * agent arguments, which win), read as the SDK's autoconfiguration reads them ({@link Settings})
 * without the SDK, and with portwatch's changes of default:
 * <ul>
 *   <li>with no OTLP endpoint set, a signal whose exporter is not named is not exported: an
 *       agent dropped into a JVM without a collector (or told only
 *       {@code OTEL_METRICS_EXPORTER=prometheus}) must not retry a connection to localhost:4318
 *       forever. With one set, an unnamed signal goes over OTLP, as in the SDK;</li>
 *   <li>the OTLP protocol is {@code http/protobuf}, the specification's default, and the only
 *       one: {@code grpc} for a signal exported over OTLP is a problem, said in one line for all
 *       signals;</li>
 *   <li>the service name, when none is configured, is the application's main class or jar.</li>
 * </ul>
 * A setting that cannot be used is a problem, one line each, given to the caller's callback: a
 * configuration with any exports nothing ({@link #exporting()} is false, and every signal has no
 * exporter), as the SDK rejects it whole. Settings only a signal that is not exported would use
 * are not checked, as the SDK does not check them; with nothing to export, only the exporter
 * names are.
 * The Prometheus endpoint's own settings are apart ({@link #prometheusProblem()}): a bad port
 * costs that endpoint alone.
 */
public final class ExportConfig {

    private static final String[] SIGNALS = {"traces", "metrics", "logs"};
    private static final String[] ENDPOINT_KEYS = {
            "otel.exporter.otlp.endpoint", "otel.exporter.otlp.traces.endpoint",
            "otel.exporter.otlp.metrics.endpoint", "otel.exporter.otlp.logs.endpoint"};
    private static final int OTLP = SignalSettings.OTLP;
    private static final int CONSOLE = SignalSettings.CONSOLE;
    private static final int PROMETHEUS = SignalSettings.PROMETHEUS;

    private static final String DEFAULT_SAMPLER = "parentbased_always_on";
    private static final String[] SAMPLERS = {"always_on", "always_off", "traceidratio", DEFAULT_SAMPLER,
            "parentbased_always_off", "parentbased_traceidratio"};
    private static final String PROMETHEUS_HOST = "otel.exporter.prometheus.host";
    private static final String PROMETHEUS_PORT = "otel.exporter.prometheus.port";
    private static final String POSITIVE = "a whole number above zero";

    private boolean disabled;
    private boolean exporting;
    private Signal traces;
    private Signal metrics;
    private Signal logs;
    private OtlpAttributes resource;
    private String samplerName = DEFAULT_SAMPLER;
    private double samplerRatio = 1.0;
    private long spanDelayMillis;
    private int spanQueueSize;
    private int spanBatchSize;
    private long spanExportTimeoutMillis;
    private long logDelayMillis;
    private int logQueueSize;
    private int logBatchSize;
    private long logExportTimeoutMillis;
    private long metricIntervalMillis;
    private long metricExportTimeoutMillis;
    private String prometheusHost = "localhost";
    private int prometheusPort = 9464;
    private String prometheusProblem;
    private List<String> notes;

    private ExportConfig() {}

    /**
     * Reads the configuration. {@code arguments}: the {@code otel.*} agent arguments, which win;
     * then {@code system} (system properties, {@code otel.x.y}); then {@code env}
     * ({@code OTEL_X_Y}). Each problem goes to {@code problems}, one line per bad setting.
     */
    public static ExportConfig load(Map<String, String> arguments, Properties system, Map<String, String> env,
                                    Consumer<String> problems) {
        Settings settings = Settings.resolve(arguments, system, env);
        ExportConfig c = new ExportConfig();
        c.disabled = settings.bool("otel.sdk.disabled");
        // Disabled, the SDK reads nothing else; neither does this, but what it returns is whole.
        settings.quiet(c.disabled);
        boolean endpoint = false;
        for (String key : ENDPOINT_KEYS) endpoint |= settings.isSet(key);
        int[] exporters = new int[SIGNALS.length];
        boolean any = false;
        for (int i = 0; i < SIGNALS.length; i++) {
            exporters[i] = SignalSettings.exporters(settings, SIGNALS[i], endpoint);
            any |= exporters[i] != 0;
        }
        if (!any && settings.problems().isEmpty()) settings.quiet(true);

        List<String> grpc = new ArrayList<>();
        Signal[] signals = new Signal[SIGNALS.length];
        for (int i = 0; i < SIGNALS.length; i++) {
            int e = exporters[i];
            signals[i] = SignalSettings.read(settings, SIGNALS[i], (e & OTLP) != 0, (e & CONSOLE) != 0,
                    (e & PROMETHEUS) != 0, grpc);
        }
        if (!grpc.isEmpty()) settings.problem(SignalSettings.grpcRefused(grpc));
        c.resource = ResourceSettings.resource(settings);
        c.readTracing(settings, exporters[0] != 0);
        c.readMetrics(settings, (exporters[1] & (OTLP | CONSOLE)) != 0, (exporters[1] & PROMETHEUS) != 0);
        c.readLogging(settings, exporters[2] != 0);
        IgnoredSettings.note(settings);

        List<String> lines = settings.problems();
        for (String line : lines) problems.accept(line);
        c.exporting = any && lines.isEmpty() && !c.disabled;
        if (!c.exporting) {
            for (int i = 0; i < signals.length; i++) signals[i] = signals[i].withoutExporters();
            c.prometheusProblem = null;
        }
        c.traces = signals[0];
        c.metrics = signals[1];
        c.logs = signals[2];
        c.notes = Collections.unmodifiableList(settings.notes());
        return c;
    }

    private void readTracing(Settings settings, boolean exported) {
        boolean quiet = settings.quiet(settings.quiet() || !exported);
        samplerName = settings.get("otel.traces.sampler", DEFAULT_SAMPLER);
        boolean known = false;
        for (String s : SAMPLERS) known |= s.equals(samplerName);
        if (!known) {
            settings.problem(Settings.name("otel.traces.sampler") + " is " + samplerName + ": expected "
                    + String.join(", ", SAMPLERS));
        } else if (samplerName.endsWith("traceidratio")) {
            samplerRatio = settings.decimal("otel.traces.sampler.arg", 1.0, 0.0, 1.0,
                    "a ratio of traces to sample, from 0 to 1 (e.g. 0.1)");
        }
        spanDelayMillis = settings.millis("otel.bsp.schedule.delay", 5000, false, false);
        spanQueueSize = settings.integer("otel.bsp.max.queue.size", 2048, 1, POSITIVE);
        // The SDK's own adjustment of a batch larger than the queue.
        spanBatchSize = Math.min(spanQueueSize, settings.integer("otel.bsp.max.export.batch.size", 512, 1, POSITIVE));
        spanExportTimeoutMillis = settings.millis("otel.bsp.export.timeout", 30_000, false, true);
        settings.quiet(quiet);
    }

    private void readLogging(Settings settings, boolean exported) {
        boolean quiet = settings.quiet(settings.quiet() || !exported);
        logDelayMillis = settings.millis("otel.blrp.schedule.delay", 1000, false, false);
        logQueueSize = settings.integer("otel.blrp.max.queue.size", 2048, 1, POSITIVE);
        logBatchSize = Math.min(logQueueSize, settings.integer("otel.blrp.max.export.batch.size", 512, 1, POSITIVE));
        logExportTimeoutMillis = settings.millis("otel.blrp.export.timeout", 30_000, false, true);
        settings.quiet(quiet);
    }

    private void readMetrics(Settings settings, boolean pushed, boolean served) {
        boolean quiet = settings.quiet(settings.quiet() || !pushed);
        metricIntervalMillis = settings.millis("otel.metric.export.interval", 60_000, true, false);
        // Not read by the Java SDK, but by the specification's others; the SDK's reader had this default.
        metricExportTimeoutMillis = settings.millis("otel.metric.export.timeout", 30_000, false, true);
        settings.quiet(quiet);
        prometheusHost = settings.get(PROMETHEUS_HOST, "localhost");
        String port = settings.get(PROMETHEUS_PORT);
        if (port == null) return;
        try {
            prometheusPort = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            prometheusPort = -1;
        }
        if (prometheusPort < 0 || prometheusPort > 65535) {
            prometheusPort = -1;
            if (served && !settings.quiet()) {
                prometheusProblem = "cannot serve Prometheus metrics: " + Settings.name(PROMETHEUS_PORT) + " is " + port
                        + ": expected a port number, 0 to 65535; tracking and the other exporters go on";
            }
        }
    }

    /** {@code OTEL_SDK_DISABLED=true}: nothing is exported, and no other setting is read. */
    public boolean disabled() {
        return disabled;
    }

    /**
     * Whether anything leaves the process: a signal has an exporter (OTLP, the console or the
     * Prometheus endpoint), and there was no problem.
     */
    public boolean exporting() {
        return exporting;
    }

    public Signal traces() {
        return traces;
    }

    public Signal metrics() {
        return metrics;
    }

    public Signal logs() {
        return logs;
    }

    /**
     * The resource of every export: {@code service.name} ({@code OTEL_SERVICE_NAME}, else
     * {@code service.name} in {@code OTEL_RESOURCE_ATTRIBUTES}, else the application's main class
     * or jar), {@code telemetry.sdk.*} (portwatch's), {@code service.instance.id} (random, one per
     * JVM), and the {@code OTEL_RESOURCE_ATTRIBUTES}, percent-decoded; all String values.
     */
    public OtlpAttributes resource() {
        return resource;
    }

    /** {@code OTEL_TRACES_SAMPLER}: one of the specification's six; default {@code parentbased_always_on}. */
    public String samplerName() {
        return samplerName;
    }

    /** {@code OTEL_TRACES_SAMPLER_ARG} for the two ratio samplers, from 0 to 1; default 1. */
    public double samplerRatio() {
        return samplerRatio;
    }

    /** {@code OTEL_BSP_SCHEDULE_DELAY}: default 5000. */
    public long spanDelayMillis() {
        return spanDelayMillis;
    }

    /** {@code OTEL_BSP_MAX_QUEUE_SIZE}: default 2048. */
    public int spanQueueSize() {
        return spanQueueSize;
    }

    /** {@code OTEL_BSP_MAX_EXPORT_BATCH_SIZE}, at most the queue's size, as the SDK makes it: default 512. */
    public int spanBatchSize() {
        return spanBatchSize;
    }

    /** {@code OTEL_BSP_EXPORT_TIMEOUT}: default 30000; {@code Long.MAX_VALUE} (no limit) when set to 0. */
    public long spanExportTimeoutMillis() {
        return spanExportTimeoutMillis;
    }

    /** {@code OTEL_BLRP_SCHEDULE_DELAY}: default 1000. */
    public long logDelayMillis() {
        return logDelayMillis;
    }

    /** {@code OTEL_BLRP_MAX_QUEUE_SIZE}: default 2048. */
    public int logQueueSize() {
        return logQueueSize;
    }

    /** {@code OTEL_BLRP_MAX_EXPORT_BATCH_SIZE}, at most the queue's size: default 512. */
    public int logBatchSize() {
        return logBatchSize;
    }

    /** {@code OTEL_BLRP_EXPORT_TIMEOUT}: default 30000; {@code Long.MAX_VALUE} (no limit) when set to 0. */
    public long logExportTimeoutMillis() {
        return logExportTimeoutMillis;
    }

    /** {@code OTEL_METRIC_EXPORT_INTERVAL}: default 60000. */
    public long metricIntervalMillis() {
        return metricIntervalMillis;
    }

    /** {@code OTEL_METRIC_EXPORT_TIMEOUT}: default 30000; {@code Long.MAX_VALUE} (no limit) when set to 0. */
    public long metricExportTimeoutMillis() {
        return metricExportTimeoutMillis;
    }

    /** {@code OTEL_EXPORTER_PROMETHEUS_HOST}: default {@code localhost}. */
    public String prometheusHost() {
        return prometheusHost;
    }

    /** {@code OTEL_EXPORTER_PROMETHEUS_PORT}: default 9464; -1 when it is no port number. */
    public int prometheusPort() {
        return prometheusPort;
    }

    /**
     * Why the Prometheus endpoint cannot be served as configured (a port that is no port number),
     * in one line, or null. Not among the problems: it costs that endpoint alone.
     */
    public String prometheusProblem() {
        return prometheusProblem;
    }

    /** The settings the SDK would have honoured that portwatch does not, one line each. */
    public List<String> notes() {
        return notes;
    }

    /** How one signal is exported, and the OTLP settings it would be sent with. */
    public static final class Signal {
        private final String name;
        private final boolean otlp;
        private final boolean console;
        private final boolean prometheus;
        private final URL endpoint;
        private final Map<String, String> headers;
        private final long timeoutMillis;
        private final boolean gzip;
        private final String certificate;
        private final String clientKey;
        private final String clientCertificate;

        Signal(String name, boolean otlp, boolean console, boolean prometheus, URL endpoint, Map<String, String> headers,
               long timeoutMillis, boolean gzip, String certificate, String clientKey, String clientCertificate) {
            this.name = name;
            this.otlp = otlp;
            this.console = console;
            this.prometheus = prometheus;
            this.endpoint = endpoint;
            this.headers = headers;
            this.timeoutMillis = timeoutMillis;
            this.gzip = gzip;
            this.certificate = certificate;
            this.clientKey = clientKey;
            this.clientCertificate = clientCertificate;
        }

        Signal withoutExporters() {
            return new Signal(name, false, false, false, endpoint, headers, timeoutMillis, gzip, certificate, clientKey,
                    clientCertificate);
        }

        /** {@code traces}, {@code metrics} or {@code logs}: the signal's part of the {@code OTEL_*} names. */
        public String name() {
            return name;
        }

        /** Sent to the collector, over OTLP/HTTP in protobuf. */
        public boolean otlp() {
            return otlp;
        }

        /** Printed ({@code console}, or its older name {@code logging}). */
        public boolean console() {
            return console;
        }

        /** Served for Prometheus to scrape: metrics only. */
        public boolean prometheus() {
            return prometheus;
        }

        /**
         * {@code OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT} as it is, else {@code OTEL_EXPORTER_OTLP_ENDPOINT}
         * with {@code v1/<signal>} added to its path, else {@code http://localhost:4318/v1/<signal>};
         * null when the one configured is not an http or https URL (a problem, for a signal sent over OTLP).
         */
        public URL endpoint() {
            return endpoint;
        }

        /**
         * {@code OTEL_EXPORTER_OTLP_<SIGNAL>_HEADERS} when it has any, else {@code OTEL_EXPORTER_OTLP_HEADERS}
         * (the SDK does not merge the two), percent-decoded; in their order.
         */
        public Map<String, String> headers() {
            return headers;
        }

        /** The signal's own {@code OTEL_EXPORTER_OTLP_*_TIMEOUT}, else the general one, else 10000; {@code Long.MAX_VALUE} for 0. */
        public long timeoutMillis() {
            return timeoutMillis;
        }

        /** {@code OTEL_EXPORTER_OTLP_(<SIGNAL>_)COMPRESSION} is {@code gzip}; {@code none} by default. */
        public boolean gzip() {
            return gzip;
        }

        /** The PEM file of the certificates to trust, {@code OTEL_EXPORTER_OTLP_(<SIGNAL>_)CERTIFICATE}, or null. */
        public String certificate() {
            return certificate;
        }

        /** The PEM file of the client's private key, {@code OTEL_EXPORTER_OTLP_(<SIGNAL>_)CLIENT_KEY}, or null. */
        public String clientKey() {
            return clientKey;
        }

        /** The PEM file of the client's certificate chain, {@code OTEL_EXPORTER_OTLP_(<SIGNAL>_)CLIENT_CERTIFICATE}, or null. */
        public String clientCertificate() {
            return clientCertificate;
        }

        /** For {@code debug}: the header values are left out, as they may be credentials. */
        @Override
        public String toString() {
            return name + "{otlp=" + otlp + ", console=" + console + ", prometheus=" + prometheus + ", endpoint=" + endpoint
                    + ", headers=" + headers.keySet() + ", timeoutMillis=" + timeoutMillis + ", gzip=" + gzip + "}";
        }
    }
}
