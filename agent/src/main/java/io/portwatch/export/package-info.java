/**
 * The export of portwatch's signals, in place of the OpenTelemetry SDK's providers, in a few
 * classes: the configuration from the {@code OTEL_*} settings ({@link io.portwatch.export.ExportConfig}), the metrics
 * ({@link io.portwatch.export.MetricRegistry}), the sampling decision and the ids of spans
 * ({@link io.portwatch.export.Sampler}, {@link io.portwatch.export.SpanIds}), the bounded queues of
 * spans and log records ({@link io.portwatch.export.BatchQueue}), and the one thread that exports
 * them all through the sinks it is given ({@link io.portwatch.export.ExportLoop}), counting what
 * became of every item ({@link io.portwatch.export.SignalExport}).
 *
 * <p>Where the SDK's behaviour shows in the output (start times, the cardinality limit, sampling),
 * it is the SDK's; the tests hold it against the SDK's own. So is the Prometheus endpoint's text
 * ({@link io.portwatch.export.PrometheusText}), against the SDK's Prometheus exporter. Imports
 * {@code otlp} and {@code track} ({@link io.portwatch.track.AgentThreads}).
 */
package io.portwatch.export;
