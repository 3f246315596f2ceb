package io.portwatch.otel;

import io.portwatch.export.ExportLoop;
import io.portwatch.otlp.OtlpLog;
import io.portwatch.otlp.OtlpMetric;
import io.portwatch.otlp.OtlpSpan;

import java.util.List;
import java.util.function.Consumer;

/**
 * The {@code console} exporter ({@code logging}, its older name): each span, metric point or log
 * record as a line on stderr, for a look without a collector; then, when the signal also goes out
 * over OTLP ({@code otlp,console}), the batch to that sink.
 */
final class ConsoleSink<T> implements ExportLoop.Sink<T> {

    private final Consumer<String> out;
    /** The OTLP sink of the same signal, or null. */
    private final ExportLoop.Sink<T> next;

    ConsoleSink(Consumer<String> out, ExportLoop.Sink<T> next) {
        this.out = out;
        this.next = next;
    }

    @Override
    public boolean export(List<T> batch) {
        for (T item : batch) {
            if (item instanceof OtlpSpan) {
                out.accept(line((OtlpSpan) item));
            } else if (item instanceof OtlpMetric) {
                OtlpMetric m = (OtlpMetric) item;
                for (OtlpMetric.Point p : m.points) {
                    out.accept("metric " + m.name + " " + p.attributes + " "
                            + (m.doubles ? String.valueOf(p.doubleValue) : String.valueOf(p.longValue)) + " " + m.unit);
                }
            } else if (item instanceof OtlpLog) {
                OtlpLog l = (OtlpLog) item;
                out.accept("log " + l.severityText + " " + l.eventName + " " + l.body + " " + l.attributes);
            }
        }
        return next == null || next.export(batch);
    }

    static String line(OtlpSpan s) {
        StringBuilder b = new StringBuilder("span ").append(s.name).append(' ').append(s.kind)
                .append(" trace=").append(hex(s.traceId)).append(" span=").append(hex(s.spanId));
        if (s.parentSpanId != null) b.append(" parent=").append(hex(s.parentSpanId));
        b.append(' ').append((s.endEpochNanos - s.startEpochNanos) / 1_000_000.0).append(" ms");
        if (s.error) b.append(" ERROR ").append(s.statusMessage);
        b.append(' ').append(s.attributes);
        for (OtlpSpan.Event e : s.events) b.append(" event ").append(e.name);
        return b.toString();
    }

    private static String hex(byte[] bytes) {
        char[] digits = "0123456789abcdef".toCharArray();
        StringBuilder b = new StringBuilder(bytes.length * 2);
        for (byte x : bytes) b.append(digits[(x >> 4) & 0xf]).append(digits[x & 0xf]);
        return b.toString();
    }
}
