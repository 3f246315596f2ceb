package io.portwatch.otel;

import io.portwatch.export.LongCounter;
import io.portwatch.export.MetricRegistry;
import io.portwatch.otlp.OtlpAttributes;
import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionEnd;
import io.portwatch.track.ConnectionRecord;
import io.portwatch.track.ConnectionSink;

import java.util.HashMap;
import java.util.Map;

import static io.portwatch.otel.ConnectionSpans.CLOSED_BY;
import static io.portwatch.otel.ConnectionSpans.DIRECTION;
import static io.portwatch.otel.ConnectionSpans.END;
import static io.portwatch.otel.ConnectionSpans.ERROR_TYPE;

/**
 * The connection counters, {@code portwatch.connections.opened} and
 * {@code portwatch.connections.closed}: every connection, whichever of them become spans
 * ({@link SpanPolicy}). Called on the reporter thread only, once per connection; their attributes
 * are built once, not per connection. The connections that no instrumentation reported, counted by
 * the kernel catch-all, carry {@code portwatch.instrumented=false}; the others do not carry it.
 */
public final class ConnectionCounters implements ConnectionSink {

    /** Most error types remembered per closer; past it the cache is emptied and fills again. */
    private static final int CACHE_LIMIT = 256;
    static final String INSTRUMENTED = "portwatch.instrumented";
    /** The closed-connections counter's attributes for every (closer, end), and of the uninstrumented ones. */
    private static final OtlpAttributes[][] END_ATTRIBUTES = new OtlpAttributes[Closer.values().length][ConnectionEnd.values().length];
    private static final OtlpAttributes[][] UNINSTRUMENTED_END = new OtlpAttributes[Closer.values().length][ConnectionEnd.values().length];
    private static final OtlpAttributes OUTGOING = OtlpAttributes.of(DIRECTION, "outgoing");
    private static final OtlpAttributes ACCEPTED = OtlpAttributes.of(DIRECTION, "accepted");
    private static final OtlpAttributes UNINSTRUMENTED_OUTGOING = OtlpAttributes.of(DIRECTION, "outgoing", INSTRUMENTED, false);
    private static final OtlpAttributes UNINSTRUMENTED_ACCEPTED = OtlpAttributes.of(DIRECTION, "accepted", INSTRUMENTED, false);

    static {
        for (Closer c : Closer.values()) {
            for (ConnectionEnd e : ConnectionEnd.values()) {
                END_ATTRIBUTES[c.ordinal()][e.ordinal()] = OtlpAttributes.of(CLOSED_BY, c.value(), END, e.value());
                UNINSTRUMENTED_END[c.ordinal()][e.ordinal()] = OtlpAttributes.of(CLOSED_BY, c.value(), END, e.value(),
                        INSTRUMENTED, false);
            }
        }
    }

    private final LongCounter opened;
    private final LongCounter ended;
    /** The closed-connections counter's attributes of a failed connect, by error type, per closer. */
    @SuppressWarnings("unchecked")
    private final Map<String, OtlpAttributes>[] failureAttributes = new Map[Closer.values().length];

    ConnectionCounters(MetricRegistry metrics) {
        this.opened = metrics.counter("portwatch.connections.opened",
                "Physical TCP connections opened or accepted by this JVM", "{connection}");
        this.ended = metrics.counter("portwatch.connections.closed",
                "Physical TCP connections ended, by which side closed first (failed connects: closed_by=unknown, error.type set)",
                "{connection}");
    }

    @Override
    public void opened(ConnectionRecord r) {
        boolean outgoing = r.direction == ConnectionRecord.Direction.OUTGOING;
        if (r.instrumented()) {
            opened.add(1, outgoing ? OUTGOING : ACCEPTED);
        } else {
            opened.add(1, outgoing ? UNINSTRUMENTED_OUTGOING : UNINSTRUMENTED_ACCEPTED);
        }
    }

    @Override
    public void ended(ConnectionRecord r) {
        Closer closer = r.closer();
        if (!r.instrumented()) {
            ended.add(1, UNINSTRUMENTED_END[closer.ordinal()][r.end().ordinal()]);
            return;
        }
        ended.add(1, r.failed() ? failureAttributes(closer, r.errorType())
                : END_ATTRIBUTES[closer.ordinal()][r.end().ordinal()]);
    }

    /** {@code portwatch.closed_by} and {@code error.type}: few error types, so few combinations. */
    private OtlpAttributes failureAttributes(Closer closer, String errorType) {
        Map<String, OtlpAttributes> byType = failureAttributes[closer.ordinal()];
        if (byType == null) {
            byType = new HashMap<>();
            failureAttributes[closer.ordinal()] = byType;
        }
        OtlpAttributes a = byType.get(errorType);
        if (a == null) {
            a = OtlpAttributes.of(CLOSED_BY, closer.value(), ERROR_TYPE, errorType);
            if (byType.size() >= CACHE_LIMIT) byType.clear();
            byType.put(errorType, a);
        }
        return a;
    }
}
