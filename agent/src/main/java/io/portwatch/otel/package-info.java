/**
 * What leaves the process through OpenTelemetry: the SDK built from the {@code OTEL_*} settings
 * ({@link io.portwatch.otel.Telemetry}), the spans of the connections the span policy keeps
 * ({@link io.portwatch.otel.ConnectionSpans}, {@link io.portwatch.otel.SpanPolicy}), the counters,
 * the budget gauges and warnings, the Prometheus endpoint, and the OTLP/HTTP sender.
 *
 * <p>Built and fed on the reporter thread; the SDK's own threads export. Imports {@code host}
 * and {@code track}.
 */
package io.portwatch.otel;
