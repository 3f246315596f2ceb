/**
 * OpenTelemetry's wire format, and nothing else: the data portwatch exports as OTLP's messages
 * model it ({@link io.portwatch.otlp.OtlpSpan}, {@link io.portwatch.otlp.OtlpLog},
 * {@link io.portwatch.otlp.OtlpMetric}, {@link io.portwatch.otlp.OtlpAttributes}), its protobuf
 * encoding ({@link io.portwatch.otlp.OtlpEncoder}, byte for byte what the OpenTelemetry SDK's
 * marshalers write), and the OTLP/HTTP sender with its TLS settings
 * ({@link io.portwatch.otlp.OtlpHttpSender}, {@link io.portwatch.otlp.OtlpTls}). Imports nothing
 * of the agent's.
 */
package io.portwatch.otlp;
