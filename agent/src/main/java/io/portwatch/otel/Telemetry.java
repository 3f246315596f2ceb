package io.portwatch.otel;

import io.portwatch.export.BatchQueue;
import io.portwatch.export.ExportConfig;
import io.portwatch.export.ExportLoop;
import io.portwatch.export.MetricRegistry;
import io.portwatch.export.Sampler;
import io.portwatch.export.SignalExport;
import io.portwatch.otlp.OtlpEncoder;
import io.portwatch.otlp.OtlpHttpSender;
import io.portwatch.otlp.OtlpLog;
import io.portwatch.otlp.OtlpMetric;
import io.portwatch.otlp.OtlpSpan;
import io.portwatch.otlp.OtlpTls;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What portwatch exports, configured the OpenTelemetry way ({@code OTEL_*} environment variables,
 * {@code otel.*} system properties and agent arguments: endpoint, headers, service name,
 * sampler...; {@link ExportConfig}) and sent by portwatch's own small exporter rather than the
 * OpenTelemetry SDK, whose classes, lambdas and start-up allocation would be about half of what
 * the agent adds to a JVM's memory at start: spans, log records and metrics go out as OTLP/HTTP
 * protobuf from one export thread ({@link ExportLoop}), or as lines on stderr ({@code console}),
 * and metrics to a Prometheus endpoint ({@link PrometheusEndpoint}). With no OTLP endpoint, a
 * signal whose exporter is not named is not exported: an agent dropped into a JVM without a
 * collector must not retry a connection to localhost:4318 forever.
 *
 * <p>Built on the reporter's thread. The export thread and the Prometheus server's threads are
 * agent threads, so their own sockets are never tracked as the application's.
 */
public final class Telemetry {

    /** At exit, the most time given to the export when the last one failed (see {@link #shutdown}). */
    static final long FAILING_COLLECTOR_MILLIS = 500;

    static final String SCOPE = "io.portwatch";

    private final MetricRegistry metrics;
    private final SpanOutput spans;
    /** Null when log records are not exported. */
    private final BatchQueue<OtlpLog> logs;
    /** Null when nothing is pushed (no signal, or only a Prometheus endpoint). */
    private final ExportLoop loop;
    /** Null when there is none. */
    private final PrometheusEndpoint prometheus;
    private final boolean exporting;

    private Telemetry(MetricRegistry metrics, SpanOutput spans, BatchQueue<OtlpLog> logs, ExportLoop loop,
                      PrometheusEndpoint prometheus, boolean exporting) {
        this.metrics = metrics;
        this.spans = spans;
        this.logs = logs;
        this.loop = loop;
        this.prometheus = prometheus;
        this.exporting = exporting;
    }

    /**
     * Nothing exported: no span or log record is built, the metrics are recorded for nobody (what
     * goes wrong with them to {@code problems}).
     */
    static Telemetry off(Consumer<String> problems) {
        return new Telemetry(new MetricRegistry(epochNanos(), problems), SpanOutput.NONE, null, null, null, false);
    }

    /**
     * The export of {@code arguments} (otel.* keys) over the JVM's own OpenTelemetry settings;
     * configuration errors go to {@code problems} in one line and leave nothing exported; settings
     * portwatch does not honour go to {@code info}, a line each, and so does the {@code console}
     * exporter's output.
     */
    public static Telemetry start(Map<String, String> arguments, Consumer<String> problems, Consumer<String> info) {
        List<String> bad = new ArrayList<>();
        try {
            ExportConfig config = ExportConfig.load(arguments, System.getProperties(), System.getenv(), new Consumer<String>() {
                @Override
                public void accept(String problem) {
                    bad.add(problem); // not bad::add: the agent's start spins no lambda
                }
            });
            if (bad.isEmpty()) {
                for (String note : config.notes()) info.accept(note);
                if (config.disabled() || !config.exporting()) return off(problems);
                return build(config, problems, info);
            }
        } catch (RuntimeException e) {
            bad.add(e.getMessage() == null ? e.toString() : e.getMessage()); // a TLS file that cannot be read, say
        }
        problems.accept("OpenTelemetry configuration rejected, exporting nothing: " + String.join("; ", bad));
        return off(problems);
    }

    private static Telemetry build(ExportConfig config, Consumer<String> problems, Consumer<String> console) {
        MetricRegistry metrics = new MetricRegistry(epochNanos(), problems);
        OtlpEncoder encoder = new OtlpEncoder(config.resource(), SCOPE, Telemetry.class.getPackage().getImplementationVersion());
        ExportLoop loop = new ExportLoop(problems);
        boolean pushed = false;

        SpanOutput spans = SpanOutput.NONE;
        ExportConfig.Signal traces = config.traces();
        if (traces.otlp() || traces.console()) {
            int size = config.spanQueueSize();
            int batch = config.spanBatchSize();
            // A margin for the spans built without asking for room: a JDBC connection's, whose
            // sockets' spans already name it as their parent.
            BatchQueue<OtlpSpan> queue = new BatchQueue<>(size, Math.min(batch, size / 4));
            ExportLoop.Sink<OtlpSpan> sink = traces.otlp() ? OtlpSink.spans(encoder, sender(traces)) : null;
            loop.exportSpans(queue, traces.console() ? new ConsoleSink<>(console, sink) : sink,
                    config.spanDelayMillis(), batch);
            spans = new SpanOutput(Sampler.of(config.samplerName(), config.samplerRatio()), queue);
            pushed = true;
        }
        BatchQueue<OtlpLog> logs = null;
        ExportConfig.Signal logSignal = config.logs();
        if (logSignal.otlp() || logSignal.console()) {
            logs = new BatchQueue<>(config.logQueueSize());
            ExportLoop.Sink<OtlpLog> sink = logSignal.otlp() ? OtlpSink.logs(encoder, sender(logSignal)) : null;
            loop.exportLogs(logs, logSignal.console() ? new ConsoleSink<>(console, sink) : sink,
                    config.logDelayMillis(), config.logBatchSize());
            pushed = true;
        }
        ExportConfig.Signal metricSignal = config.metrics();
        if (metricSignal.otlp() || metricSignal.console()) {
            ExportLoop.Sink<OtlpMetric> sink = metricSignal.otlp() ? OtlpSink.metrics(encoder, sender(metricSignal)) : null;
            loop.exportMetrics(metrics, metricSignal.console() ? new ConsoleSink<>(console, sink) : sink,
                    config.metricIntervalMillis());
            pushed = true;
        }
        PrometheusEndpoint prometheus = null;
        if (metricSignal.prometheus()) {
            if (config.prometheusProblem() != null) {
                problems.accept(config.prometheusProblem());
            } else {
                prometheus = PrometheusEndpoint.start(config.prometheusHost(), config.prometheusPort(), metrics,
                        config.resource(), problems);
            }
        }
        if (pushed) loop.start();
        return new Telemetry(metrics, spans, logs, pushed ? loop : null, prometheus, true);
    }

    private static OtlpHttpSender sender(ExportConfig.Signal signal) {
        return new OtlpHttpSender(signal.endpoint(), signal.headers(), signal.timeoutMillis(), signal.gzip(),
                OtlpTls.context(signal.certificate(), signal.clientKey(), signal.clientCertificate()));
    }

    /** Whether an exporter is configured, i.e. whether anything leaves the process. */
    public boolean exporting() {
        return exporting;
    }

    /** Whether spans leave the process. */
    public boolean tracesExported() {
        return spans != SpanOutput.NONE;
    }

    /** The connection counters: every connection, whatever the span policy. */
    public ConnectionCounters connectionCounters() {
        return new ConnectionCounters(metrics);
    }

    /** The {@code tcp.connection} and {@code jdbc.connection} spans of the connections {@code policy} keeps. */
    public ConnectionSpans connectionSpans(SpanPolicy policy) {
        return new ConnectionSpans(spans, policy);
    }

    public SpanOutput spans() {
        return spans;
    }

    /** Where log records go, or null when they are not exported. */
    public BatchQueue<OtlpLog> logs() {
        return logs;
    }

    public MetricRegistry metrics() {
        return metrics;
    }

    /**
     * Exports what is queued and the metrics once more, then stops, waiting at most
     * {@code timeoutMillis}, or {@link #FAILING_COLLECTOR_MILLIS} when the last span export failed:
     * a collector that was down a moment ago most likely still is, and the application's exit need
     * not wait out the exporter's retries. The export thread, a daemon, is left behind if the time
     * is up. Then says, in one line, what spans did not reach the collector.
     */
    public void shutdown(long timeoutMillis, Consumer<String> problems) {
        if (prometheus != null) prometheus.stop();
        if (loop == null) return;
        SignalExport<OtlpSpan> spanExport = loop.spans();
        boolean failing = spanExport != null && spanExport.lastExportFailed();
        loop.shutdown(Math.max(1, failing ? Math.min(timeoutMillis, FAILING_COLLECTOR_MILLIS) : timeoutMillis));
        if (spanExport != null) {
            String lost = lostSpans(spanExport);
            if (lost != null) problems.accept(lost);
        }
    }

    /** The line at exit about spans that did not reach the collector, or null when all did. */
    static String lostSpans(SignalExport<OtlpSpan> spans) {
        BatchQueue<OtlpSpan> queue = spans.queue();
        long notBuilt = queue.notBuilt();
        long dropped = queue.dropped();
        long failed = spans.notDelivered();
        // Queued still, or handed to a sink that has not returned.
        long waiting = queue.offered() - dropped - spans.delivered() - failed;
        long lost = notBuilt + dropped + failed + waiting;
        if (lost <= 0) return null;
        List<String> why = new ArrayList<>();
        if (notBuilt > 0) {
            why.add(notBuilt + " not built, the span queue being full (a collector down or slow,"
                    + " or more connections than it takes: otel.bsp.max.queue.size)");
        }
        if (dropped > 0) why.add(dropped + " dropped by the span queue when full");
        if (failed > 0) why.add(failed + " not accepted by the collector");
        if (waiting > 0) {
            why.add(waiting + " still on their way when the exit's time was up (a collector down, slow or unreachable?)");
        }
        return "cannot export " + lost + " of " + (queue.offered() + notBuilt) + " spans: " + String.join("; ", why);
    }

    static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
