package io.portwatch.export;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableDoublePointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableGaugeData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableLongPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSumData;
import io.opentelemetry.sdk.resources.Resource;
import io.portwatch.otlp.OtlpAttributes;
import io.portwatch.otlp.OtlpMetric;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The reference: what the SDK's Prometheus exporter (the code portwatch served {@code /metrics}
 * with) writes for some metrics, and the same metrics in both data models, the SDK's
 * {@link MetricData} and portwatch's {@link OtlpMetric}.
 */
final class ExporterReference {

    private ExporterReference() {}

    /** What the exporter's reader and the client's writers (as its HTTP server makes them) write for {@code data}. */
    static String render(Collection<MetricData> data, boolean openMetrics) {
        PrometheusMetricReader reader = PrometheusMetricReader.create();
        reader.register(registration(data));
        MetricSnapshots snapshots = reader.collect();
        ExpositionFormats formats = ExpositionFormats.init();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (openMetrics) {
                formats.getOpenMetricsTextFormatWriter().write(out, snapshots);
            } else {
                formats.getPrometheusTextFormatWriter().write(out, snapshots);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    /** Hands the reader {@code data} at each collection, as the SDK's meter provider would. */
    static CollectionRegistration registration(Collection<MetricData> data) {
        return new CollectionRegistration() {
            @Override
            public Collection<MetricData> collectAllMetrics() {
                return data;
            }
        };
    }

    /** The SDK's data for portwatch's metrics, all in one scope and resource. */
    static List<MetricData> toSdk(List<OtlpMetric> metrics, OtlpAttributes resource, String scope, String version) {
        Resource r = Resource.create(attributes(resource));
        InstrumentationScopeInfo s = version == null ? InstrumentationScopeInfo.create(scope)
                : InstrumentationScopeInfo.builder(scope).setVersion(version).build();
        List<MetricData> out = new ArrayList<>();
        for (OtlpMetric m : metrics) {
            if (m.doubles) {
                List<DoublePointData> points = new ArrayList<>();
                for (OtlpMetric.Point p : m.points) {
                    points.add(ImmutableDoublePointData.create(p.startEpochNanos, p.epochNanos, attributes(p.attributes), p.doubleValue));
                }
                out.add(m.type == OtlpMetric.Type.GAUGE
                        ? ImmutableMetricData.createDoubleGauge(r, s, m.name, m.description, m.unit, ImmutableGaugeData.create(points))
                        : ImmutableMetricData.createDoubleSum(r, s, m.name, m.description, m.unit,
                                ImmutableSumData.create(true, AggregationTemporality.CUMULATIVE, points)));
            } else {
                List<LongPointData> points = new ArrayList<>();
                for (OtlpMetric.Point p : m.points) {
                    points.add(ImmutableLongPointData.create(p.startEpochNanos, p.epochNanos, attributes(p.attributes), p.longValue));
                }
                out.add(m.type == OtlpMetric.Type.GAUGE
                        ? ImmutableMetricData.createLongGauge(r, s, m.name, m.description, m.unit, ImmutableGaugeData.create(points))
                        : ImmutableMetricData.createLongSum(r, s, m.name, m.description, m.unit,
                                ImmutableSumData.create(true, AggregationTemporality.CUMULATIVE, points)));
            }
        }
        return out;
    }

    /** Portwatch's metrics for the SDK's data: gauges and cumulative monotonic sums only. */
    static List<OtlpMetric> fromSdk(Collection<MetricData> data) {
        List<OtlpMetric> out = new ArrayList<>();
        for (MetricData d : data) {
            switch (d.getType()) {
                case LONG_GAUGE:
                    out.add(metric(d, OtlpMetric.Type.GAUGE, false, d.getLongGaugeData().getPoints()));
                    break;
                case DOUBLE_GAUGE:
                    out.add(metric(d, OtlpMetric.Type.GAUGE, true, d.getDoubleGaugeData().getPoints()));
                    break;
                case LONG_SUM:
                    out.add(metric(d, OtlpMetric.Type.SUM, false, d.getLongSumData().getPoints()));
                    break;
                case DOUBLE_SUM:
                    out.add(metric(d, OtlpMetric.Type.SUM, true, d.getDoubleSumData().getPoints()));
                    break;
                default:
                    throw new IllegalArgumentException("not a gauge or sum: " + d);
            }
        }
        return out;
    }

    private static OtlpMetric metric(MetricData d, OtlpMetric.Type type, boolean doubles, Collection<? extends PointData> points) {
        List<OtlpMetric.Point> out = new ArrayList<>();
        for (PointData p : points) {
            long longValue = p instanceof LongPointData ? ((LongPointData) p).getValue() : 0;
            double doubleValue = p instanceof DoublePointData ? ((DoublePointData) p).getValue() : 0;
            out.add(new OtlpMetric.Point(attributes(p.getAttributes()), p.getStartEpochNanos(), p.getEpochNanos(), longValue, doubleValue));
        }
        return new OtlpMetric(d.getName(), d.getDescription(), d.getUnit(), type, doubles, out);
    }

    static Attributes attributes(OtlpAttributes a) {
        AttributesBuilder b = Attributes.builder();
        for (int i = 0; i < a.size(); i++) {
            Object v = a.value(i);
            if (v instanceof String) b.put(AttributeKey.stringKey(a.key(i)), (String) v);
            else if (v instanceof Long) b.put(AttributeKey.longKey(a.key(i)), (Long) v);
            else if (v instanceof Double) b.put(AttributeKey.doubleKey(a.key(i)), (Double) v);
            else b.put(AttributeKey.booleanKey(a.key(i)), (Boolean) v);
        }
        return b.build();
    }

    static OtlpAttributes attributes(Attributes a) {
        OtlpAttributes.Builder b = OtlpAttributes.builder();
        a.forEach((key, value) -> {
            switch (key.getType()) {
                case STRING: b.put(key.getKey(), (String) value); break;
                case LONG: b.put(key.getKey(), (long) (Long) value); break;
                case DOUBLE: b.put(key.getKey(), (double) (Double) value); break;
                case BOOLEAN: b.put(key.getKey(), (boolean) (Boolean) value); break;
                default: throw new IllegalArgumentException("not a scalar attribute: " + key);
            }
        });
        return b.build();
    }
}
