package io.portwatch.otel;

import io.portwatch.export.BatchQueue;
import io.portwatch.export.MetricRegistry;
import io.portwatch.otlp.OtlpAttributes;
import io.portwatch.otlp.OtlpLog;
import io.portwatch.otlp.OtlpSpan;

import io.portwatch.host.BudgetListener;
import io.portwatch.host.ConntrackWarning;
import io.portwatch.host.HostSnapshot;
import io.portwatch.host.PortWarning;

import java.util.Collections;
import java.util.function.Consumer;


/**
 * The port budget as OpenTelemetry: gauges per destination and for the host, read from the
 * latest sample; and each warning three ways: a log record (severity WARN, event
 * {@code portwatch.port_exhaustion}, {@code portwatch.warning.state} raised, updated or cleared),
 * the same as an event on a span, and one stderr line.
 */
public final class BudgetTelemetry implements BudgetListener {

    static final String EVENT = "portwatch.port_exhaustion";
    static final String DESTINATION = "portwatch.destination";
    static final String USED = "portwatch.ports.used";
    static final String CAPACITY = "portwatch.ports.capacity";
    static final String TIME_WAIT = "portwatch.ports.time_wait";
    static final String RATE = "portwatch.connections.rate";
    static final String SECONDS_LEFT = "portwatch.seconds_left";
    static final String ADVICE = "portwatch.advice";
    static final String STATE = "portwatch.warning.state";
    static final String LOCAL = "network.local.address";
    static final String HOLDER = "portwatch.holder";
    static final String REUSE_BLOCKED_BY = "portwatch.reuse.blocked_by";
    /**
     * The network namespace and host a gauge's figure is of: every JVM in one namespace reports the
     * host's figures (ports used, TIME_WAITs, the forecast, the conntrack table) alike, so a dashboard
     * takes them once per value of it (max), and sums only the per-JVM ones (portwatch.holder=jvm).
     */
    static final String NETNS = "portwatch.netns";
    static final String CONNTRACK_EVENT = "portwatch.conntrack_full";
    static final String CONNTRACK_COUNT = "portwatch.conntrack.count";
    static final String CONNTRACK_MAX = "portwatch.conntrack.max";

    private final SpanOutput spans;
    /** Null when log records are not exported. */
    private final BatchQueue<OtlpLog> logs;
    private final BudgetGauges gauges;
    private final Consumer<String> stderr;
    private final Consumer<String> info;

    /**
     * @param logs   where the log records go, or null when they are not exported
     * @param stderr where warnings are said ({@code [portwatch] WARN ...})
     * @param info   where the all-clear is said
     */
    public BudgetTelemetry(SpanOutput spans, BatchQueue<OtlpLog> logs, MetricRegistry metrics, Consumer<String> stderr,
                           Consumer<String> info) {
        this.spans = spans;
        this.logs = logs;
        this.gauges = new BudgetGauges(metrics);
        this.stderr = stderr;
        this.info = info;
    }

    @Override
    public void sampled(HostSnapshot snapshot) {
        gauges.sampled(snapshot);
    }

    @Override
    public void warningRaised(PortWarning w) {
        say(w, w.headline());
        emit(w, "raised", OtlpLog.WARN);
    }

    /** The headline as a warning, each finding on a line of its own below it. */
    private void say(PortWarning w, String headline) {
        stderr.accept(headline);
        for (String finding : w.findings) {
            info.accept("  " + finding);
        }
    }

    /** Said again, as a log record with {@code portwatch.warning.state=updated} and one stderr line. */
    @Override
    public void warningUpdated(PortWarning w) {
        say(w, "port exhaustion warning updated: " + w.headline());
        emit(w, "updated", OtlpLog.WARN);
    }

    @Override
    public void warningCleared(PortWarning w) {
        info.accept("port exhaustion warning cleared for " + w.destination);
        emit(w, "cleared", OtlpLog.INFO);
    }

    @Override
    public void conntrackRaised(ConntrackWarning w) {
        stderr.accept(w.headline());
        for (String finding : w.findings()) {
            info.accept("  " + finding);
        }
        emitConntrack(w, w.text(), "raised", OtlpLog.WARN);
    }

    @Override
    public void conntrackCleared(ConntrackWarning w) {
        info.accept(w.cleared());
        emitConntrack(w, w.cleared(), "cleared", OtlpLog.INFO);
    }

    /** A log record, event {@link #CONNTRACK_EVENT}, with the table's figures. */
    private void emitConntrack(ConntrackWarning w, String body, String state, int severity) {
        log(CONNTRACK_EVENT, severity, body, OtlpAttributes.of(CONNTRACK_COUNT, w.table.count, CONNTRACK_MAX, w.table.max,
                STATE, state, NETNS, gauges.latest().netns));
    }

    private void emit(PortWarning w, String state, int severity) {
        OtlpAttributes.Builder b = OtlpAttributes.builder()
                .put(DESTINATION, w.destination)
                .put(ConnectionSpans.SERVER_ADDRESS, w.serverAddress)
                .put(ConnectionSpans.SERVER_PORT, (long) w.serverPort)
                .put(USED, (long) w.used)
                .put(CAPACITY, (long) w.capacity)
                .put(TIME_WAIT, (long) w.timeWait)
                .put(RATE, w.ratePerSecond)
                .put(SECONDS_LEFT, Double.isInfinite(w.secondsLeft) ? -1 : w.secondsLeft)
                .put(ADVICE, w.advice)
                .put(STATE, state);
        if (w.topCallSite != null) b.put(ConnectionSpans.CALL_SITE, w.topCallSite);
        OtlpAttributes a = b.build();
        log(EVENT, severity, w.text(), a);
        // The same as a span with an event, for a trace view: few, so built whatever the queue's room.
        if (spans.room()) {
            byte[] traceId = spans.traceId();
            if (!spans.sampledRoot(traceId)) return;
            long now = Telemetry.epochNanos();
            spans.end(new OtlpSpan(traceId, spans.spanId(), null, EVENT, OtlpSpan.Kind.INTERNAL, now, now, a,
                    Collections.singletonList(new OtlpSpan.Event(EVENT, now, a)), false, null));
        }
    }

    private void log(String event, int severity, String body, OtlpAttributes a) {
        if (logs == null) return;
        logs.offer(new OtlpLog(Telemetry.epochNanos(), severity, severity == OtlpLog.WARN ? "WARN" : "INFO", event, body, a));
    }
}
