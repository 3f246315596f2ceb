package io.portwatch.otlp;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same data through the OpenTelemetry Java SDK (a real tracer, meter and logger provider, and
 * the OTLP exporter's own marshalers) and through {@link OtlpEncoder}: the same request, field by
 * field, and the same bytes (both write the fields in the same order; the SDK keeps attributes
 * sorted by key, and the conversion below keeps that order).
 */
class OtlpEncoderSdkEquivalenceTest {

    private static final long T0 = 1_765_100_000_123_456_789L;
    private static final String SCOPE = "io.portwatch";
    private static final String VERSION = "0.1.0";
    private static final Resource RESOURCE = Resource.create(Attributes.builder()
            .put("service.name", "checkout-ß").put("host.name", "db-01").put("process.pid", 4242L).build());
    private static final Attributes ALL_TYPES = Attributes.builder()
            .put("server.address", "2001:db8::ff00:42:8329")
            .put("db.name", "Grüße 東京 🚀")
            .put("empty", "")
            .put("server.port", 3306L)
            .put("min", Long.MIN_VALUE)
            .put("ratio", -0.25)
            .put("yes", true)
            .put("no", false)
            .build();

    private final OtlpEncoder encoder = new OtlpEncoder(otlp(RESOURCE.getAttributes()), SCOPE, VERSION);

    @Test
    void tracesAsTheSdkSendsThem() throws IOException {
        List<SpanData> exported = new ArrayList<>();
        SdkTracerProvider provider = SdkTracerProvider.builder().setResource(RESOURCE)
                .addSpanProcessor(SimpleSpanProcessor.create(new CollectingSpanExporter(exported))).build();
        try {
            Tracer tracer = provider.tracerBuilder(SCOPE).setInstrumentationVersion(VERSION).build();
            Span root = tracer.spanBuilder("connection churn").setNoParent().setSpanKind(SpanKind.SERVER)
                    .setStartTimestamp(T0, TimeUnit.NANOSECONDS).setAllAttributes(ALL_TYPES).startSpan();
            root.addEvent("opened", Attributes.of(AttributeKey.longKey("fd"), 17L), T0 + 1, TimeUnit.NANOSECONDS);
            root.addEvent("closé", T0 + 2, TimeUnit.NANOSECONDS);
            Span child = tracer.spanBuilder("JDBC connect").setParent(Context.root().with(root)).setSpanKind(SpanKind.CLIENT)
                    .setStartTimestamp(T0 + 10, TimeUnit.NANOSECONDS).startSpan();
            child.setStatus(StatusCode.ERROR, "connection refused: [::1]:3306");
            child.end(T0 + 20, TimeUnit.NANOSECONDS);
            Span internal = tracer.spanBuilder("retry").setParent(Context.root().with(root))
                    .setStartTimestamp(T0 + 30, TimeUnit.NANOSECONDS).setAttribute("attempt", 2L).startSpan();
            internal.setStatus(StatusCode.ERROR);
            internal.end(T0 + 40, TimeUnit.NANOSECONDS);
            root.end(T0 + 5_000_000, TimeUnit.NANOSECONDS);
        } finally {
            provider.shutdown();
        }
        assertEquals(3, exported.size());

        List<OtlpSpan> spans = new ArrayList<>();
        for (SpanData data : exported) spans.add(otlp(data));
        byte[] ours = encoder.traces(spans);
        byte[] sdk = bytes(TraceRequestMarshaler.create(exported));
        assertEquals(ExportTraceServiceRequest.parseFrom(sdk), ExportTraceServiceRequest.parseFrom(ours));
        assertArrayEquals(sdk, ours);
    }

    @Test
    void metricsAsTheSdkSendsThem() throws IOException {
        CollectingReader reader = new CollectingReader();
        SdkMeterProvider provider = SdkMeterProvider.builder().setResource(RESOURCE).registerMetricReader(reader).build();
        Collection<MetricData> collected;
        try {
            Meter meter = provider.meterBuilder(SCOPE).setInstrumentationVersion(VERSION).build();
            Attributes pool = Attributes.builder().put("pool", "HikariPool-1").put("server.address", "::1").build();
            io.opentelemetry.api.metrics.LongCounter opened = meter.counterBuilder("portwatch.connections.opened")
                    .setDescription("Connections opened").setUnit("{connection}").build();
            opened.add(12345678901L, pool);
            opened.add(0, Attributes.empty());
            opened.add(3, ALL_TYPES);
            meter.gaugeBuilder("portwatch.budget.usage").build().set(0.75, pool);
            meter.gaugeBuilder("open").ofLongs().setDescription("Open now").setUnit("1").build().set(-7, ALL_TYPES);
            meter.counterBuilder("seconds").ofDoubles().setUnit("s").build().add(1e-9, pool);
            collected = reader.collect();
        } finally {
            provider.shutdown();
        }
        assertEquals(4, collected.size());

        List<OtlpMetric> metrics = new ArrayList<>();
        for (MetricData data : collected) metrics.add(otlp(data));
        byte[] ours = encoder.metrics(metrics);
        byte[] sdk = bytes(MetricsRequestMarshaler.create(collected));
        assertEquals(ExportMetricsServiceRequest.parseFrom(sdk), ExportMetricsServiceRequest.parseFrom(ours));
        assertArrayEquals(sdk, ours);
    }

    @Test
    void logsAsTheSdkSendsThem() throws IOException {
        List<LogRecordData> exported = new ArrayList<>();
        SdkLoggerProvider provider = SdkLoggerProvider.builder().setResource(RESOURCE)
                .addLogRecordProcessor(SimpleLogRecordProcessor.create(new CollectingLogExporter(exported))).build();
        try {
            Logger logger = provider.loggerBuilder(SCOPE).setInstrumentationVersion(VERSION).build();
            logger.logRecordBuilder().setTimestamp(T0, TimeUnit.NANOSECONDS).setObservedTimestamp(T0, TimeUnit.NANOSECONDS)
                    .setSeverity(Severity.WARN).setSeverityText("WARN").setEventName("portwatch.budget.exceeded")
                    .setBody("Budget exceeded: 12 connections/s to [2001:db8::1]:5432 — Grüße").setAllAttributes(ALL_TYPES).emit();
            logger.logRecordBuilder().setTimestamp(T0 + 1, TimeUnit.NANOSECONDS).setObservedTimestamp(T0 + 1, TimeUnit.NANOSECONDS)
                    .setSeverity(Severity.INFO).setSeverityText("INFO").emit();
            logger.logRecordBuilder().setTimestamp(T0 + 2, TimeUnit.NANOSECONDS).setObservedTimestamp(T0 + 2, TimeUnit.NANOSECONDS)
                    .setSeverity(Severity.INFO).setEventName("e").setBody("").setAttribute(AttributeKey.longKey("n"), -1L).emit();
        } finally {
            provider.shutdown();
        }
        assertEquals(3, exported.size());

        List<OtlpLog> logs = new ArrayList<>();
        for (LogRecordData data : exported) logs.add(otlp(data));
        byte[] ours = encoder.logs(logs);
        byte[] sdk = bytes(LogsRequestMarshaler.create(exported));
        assertEquals(ExportLogsServiceRequest.parseFrom(sdk), ExportLogsServiceRequest.parseFrom(ours));
        assertArrayEquals(sdk, ours);
    }

    private static byte[] bytes(Marshaler marshaler) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        marshaler.writeBinaryTo(out);
        return out.toByteArray();
    }

    private static OtlpSpan otlp(SpanData span) {
        List<OtlpSpan.Event> events = new ArrayList<>();
        for (EventData event : span.getEvents()) {
            events.add(new OtlpSpan.Event(event.getName(), event.getEpochNanos(), otlp(event.getAttributes())));
        }
        boolean error = span.getStatus().getStatusCode() == StatusCode.ERROR;
        String description = span.getStatus().getDescription();
        return new OtlpSpan(span.getSpanContext().getTraceIdBytes(), span.getSpanContext().getSpanIdBytes(),
                span.getParentSpanContext().isValid() ? span.getParentSpanContext().getSpanIdBytes() : null,
                span.getName(), OtlpSpan.Kind.valueOf(span.getKind().name()), span.getStartEpochNanos(),
                span.getEndEpochNanos(), otlp(span.getAttributes()), events, error,
                description.isEmpty() ? null : description);
    }

    private static OtlpMetric otlp(MetricData metric) {
        boolean sum;
        boolean doubles;
        Collection<? extends PointData> points;
        switch (metric.getType()) {
            case LONG_SUM: sum = true; doubles = false; points = sumPoints(metric.getLongSumData()); break;
            case DOUBLE_SUM: sum = true; doubles = true; points = sumPoints(metric.getDoubleSumData()); break;
            case LONG_GAUGE: sum = false; doubles = false; points = metric.getLongGaugeData().getPoints(); break;
            case DOUBLE_GAUGE: sum = false; doubles = true; points = metric.getDoubleGaugeData().getPoints(); break;
            default: throw new AssertionError(metric.getType());
        }
        List<OtlpMetric.Point> converted = new ArrayList<>();
        for (PointData point : points) {
            converted.add(new OtlpMetric.Point(otlp(point.getAttributes()), point.getStartEpochNanos(), point.getEpochNanos(),
                    doubles ? 0 : ((LongPointData) point).getValue(), doubles ? ((DoublePointData) point).getValue() : 0));
        }
        return new OtlpMetric(metric.getName(), metric.getDescription(), metric.getUnit(),
                sum ? OtlpMetric.Type.SUM : OtlpMetric.Type.GAUGE, doubles, converted);
    }

    /** A sum's points, once checked that it is what {@link OtlpMetric} encodes. */
    private static Collection<? extends PointData> sumPoints(SumData<? extends PointData> sum) {
        assertTrue(sum.isMonotonic());
        assertEquals(AggregationTemporality.CUMULATIVE, sum.getAggregationTemporality());
        return sum.getPoints();
    }

    private static OtlpLog otlp(LogRecordData log) {
        assertEquals(log.getTimestampEpochNanos(), log.getObservedTimestampEpochNanos());
        Value<?> body = log.getBodyValue();
        return new OtlpLog(log.getTimestampEpochNanos(), log.getSeverity().getSeverityNumber(), log.getSeverityText(),
                log.getEventName(), body == null ? null : (String) body.getValue(), otlp(log.getAttributes()));
    }

    /** In the SDK's order, which is by key. */
    private static OtlpAttributes otlp(Attributes attributes) {
        OtlpAttributes.Builder b = OtlpAttributes.builder();
        attributes.forEach((key, value) -> {
            if (value instanceof String) b.put(key.getKey(), (String) value);
            else if (value instanceof Long) b.put(key.getKey(), (long) (Long) value);
            else if (value instanceof Double) b.put(key.getKey(), (double) (Double) value);
            else if (value instanceof Boolean) b.put(key.getKey(), (boolean) (Boolean) value);
            else throw new AssertionError(key + ": " + value);
        });
        return b.build();
    }

    private static final class CollectingSpanExporter implements SpanExporter {
        private final List<SpanData> spans;

        CollectingSpanExporter(List<SpanData> spans) {
            this.spans = spans;
        }

        @Override
        public CompletableResultCode export(Collection<SpanData> batch) {
            spans.addAll(batch);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    private static final class CollectingLogExporter implements LogRecordExporter {
        private final List<LogRecordData> logs;

        CollectingLogExporter(List<LogRecordData> logs) {
            this.logs = logs;
        }

        @Override
        public CompletableResultCode export(Collection<LogRecordData> batch) {
            logs.addAll(batch);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    /** Collects on demand, cumulatively, as the agent's periodic reader does. */
    private static final class CollectingReader implements MetricReader {
        private volatile CollectionRegistration registration = CollectionRegistration.noop();

        @Override
        public void register(CollectionRegistration registration) {
            this.registration = registration;
        }

        Collection<MetricData> collect() {
            return registration.collectAllMetrics();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
        }

        @Override
        public CompletableResultCode forceFlush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
