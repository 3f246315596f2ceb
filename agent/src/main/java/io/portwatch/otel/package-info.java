/**
 * What leaves the process as OpenTelemetry signals: the export built from the {@code OTEL_*}
 * settings ({@link io.portwatch.otel.Telemetry}), the spans of the connections the span policy keeps
 * ({@link io.portwatch.otel.ConnectionSpans}, {@link io.portwatch.otel.SpanPolicy}), the counters,
 * the budget gauges and warnings, and the Prometheus endpoint.
 *
 * <p>Built and fed on the reporter thread; the export thread of {@code export} sends. Imports
 * {@code export}, {@code otlp}, {@code host} and {@code track}.
 */
package io.portwatch.otel;
