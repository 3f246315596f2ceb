package io.portwatch.otel;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.portwatch.host.BudgetListener;
import io.portwatch.host.ConntrackWarning;
import io.portwatch.host.HostSnapshot;
import io.portwatch.host.PortWarning;

import java.util.function.Consumer;

import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

/**
 * The port budget as OpenTelemetry: gauges per destination and for the host, read from the
 * latest sample; and each warning three ways: a log record (severity WARN, event
 * {@code portwatch.port_exhaustion}, {@code portwatch.warning.state} raised, updated or cleared),
 * the same as an event on a span, and one stderr line.
 */
public final class BudgetTelemetry implements BudgetListener {

    static final String EVENT = "portwatch.port_exhaustion";
    static final AttributeKey<String> DESTINATION = stringKey("portwatch.destination");
    static final AttributeKey<Long> USED = longKey("portwatch.ports.used");
    static final AttributeKey<Long> CAPACITY = longKey("portwatch.ports.capacity");
    static final AttributeKey<Long> TIME_WAIT = longKey("portwatch.ports.time_wait");
    static final AttributeKey<Double> RATE = doubleKey("portwatch.connections.rate");
    static final AttributeKey<Double> SECONDS_LEFT = doubleKey("portwatch.seconds_left");
    static final AttributeKey<String> ADVICE = stringKey("portwatch.advice");
    static final AttributeKey<String> STATE = stringKey("portwatch.warning.state");
    static final AttributeKey<String> LOCAL = stringKey("network.local.address");
    static final AttributeKey<String> HOLDER = stringKey("portwatch.holder");
    static final AttributeKey<String> REUSE_BLOCKED_BY = stringKey("portwatch.reuse.blocked_by");
    /**
     * The network namespace and host a gauge's figure is of: every JVM in one namespace reports the
     * host's figures (ports used, TIME_WAITs, the forecast, the conntrack table) alike, so a dashboard
     * takes them once per value of it (max), and sums only the per-JVM ones (portwatch.holder=jvm).
     */
    static final AttributeKey<String> NETNS = stringKey("portwatch.netns");
    static final String CONNTRACK_EVENT = "portwatch.conntrack_full";
    static final AttributeKey<Long> CONNTRACK_COUNT = longKey("portwatch.conntrack.count");
    static final AttributeKey<Long> CONNTRACK_MAX = longKey("portwatch.conntrack.max");

    private final Tracer tracer;
    private final Logger logger;
    private final Consumer<String> stderr;
    private final Consumer<String> info;
    private volatile HostSnapshot latest = HostSnapshot.EMPTY;

    /**
     * @param stderr where warnings are said ({@code [portwatch] WARN ...})
     * @param info   where the all-clear is said
     */
    public BudgetTelemetry(Tracer tracer, Logger logger, Meter meter, Consumer<String> stderr, Consumer<String> info) {
        this.tracer = tracer;
        this.logger = logger;
        this.stderr = stderr;
        this.info = info;
        meter.gaugeBuilder("portwatch.ports.capacity").ofLongs().setUnit("{port}")
                .setDescription("Ephemeral ports usable toward a destination (range minus reserved)")
                .buildWithCallback(m -> latest.destinations.forEach(d -> m.record(d.capacity, of(d))));
        meter.gaugeBuilder("portwatch.ports.used").ofLongs().setUnit("{port}")
                .setDescription("Ports held toward a destination now, TIME_WAIT included")
                .buildWithCallback(m -> latest.destinations.forEach(d -> m.record(d.used, of(d))));
        meter.gaugeBuilder("portwatch.ports.time_wait").ofLongs().setUnit("{port}")
                .setDescription("Ports toward a destination in TIME_WAIT on this host")
                .buildWithCallback(m -> latest.destinations.forEach(d -> m.record(d.timeWait, of(d))));
        meter.gaugeBuilder("portwatch.ports.seconds_left").setUnit("s")
                .setDescription("Seconds until a destination runs out of ports at the current rate (absent: sustainable)")
                .buildWithCallback(m -> latest.destinations.forEach(d -> {
                    if (!Double.isInfinite(d.secondsLeft)) m.record(d.secondsLeft, of(d));
                }));
        // The forecast's hold time, and what stops TIME_WAIT reuse: "reuse is ineffective" in one
        // series per destination, which an alerting rule can read without the host's sysctls.
        meter.gaugeBuilder("portwatch.ports.time_wait.hold").setUnit("s")
                .setDescription("Seconds a TIME_WAIT port toward a destination keeps new connections off it: the reuse"
                        + " delay when connect() can reuse it, 60 when it cannot (portwatch.reuse.blocked_by says why)")
                .buildWithCallback(m -> latest.destinations.forEach(d -> m.record(d.holdSeconds,
                        of(d).toBuilder().put(REUSE_BLOCKED_BY, d.reuseBlockedBy).build())));
        meter.gaugeBuilder("portwatch.ports.open").ofLongs().setUnit("{port}")
                .setDescription("Open ports (not TIME_WAIT) toward a destination, by holder: this JVM or other processes")
                .buildWithCallback(m -> latest.destinations.forEach(d -> {
                    if (d.openByJvm < 0) return;
                    m.record(d.openByJvm, of(d).toBuilder().put(HOLDER, "jvm").build());
                    m.record(d.openByOthers, of(d).toBuilder().put(HOLDER, "other").build());
                }));
        // The TIME_WAITs' split, apart from portwatch.ports.time_wait, whose series stays one per
        // destination for the rules and dashboards that divide it by the capacity.
        meter.gaugeBuilder("portwatch.ports.time_wait.by_holder").ofLongs().setUnit("{port}")
                .setDescription("TIME_WAIT ports toward a destination, by whose close left them: this JVM's (its closes the"
                        + " kernel confirmed within the last 60 s, an upper bound) or other processes'")
                .buildWithCallback(m -> latest.destinations.forEach(d -> {
                    m.record(d.timeWaitByJvm, of(d).toBuilder().put(HOLDER, "jvm").build());
                    m.record(d.timeWait - d.timeWaitByJvm, of(d).toBuilder().put(HOLDER, "other").build());
                }));
        meter.gaugeBuilder("portwatch.ports.time_wait.rate").setUnit("{port}/s")
                .setDescription("New TIME_WAIT ports a second toward a destination, by whose close: this JVM's or other"
                        + " processes' (the host's, from the rows' timers, less this JVM's)")
                .buildWithCallback(m -> latest.destinations.forEach(d -> {
                    m.record(d.jvmTimeWaitRate, of(d).toBuilder().put(HOLDER, "jvm").build());
                    m.record(Math.max(0, d.hostTimeWaitRate - d.jvmTimeWaitRate), of(d).toBuilder().put(HOLDER, "other").build());
                }));
        meter.gaugeBuilder("portwatch.connect.duration").setUnit("ms")
                .setDescription("connect() duration toward a destination, smoothed over about the last 10 connects")
                .buildWithCallback(m -> latest.destinations.forEach(d -> {
                    if (!Double.isNaN(d.connectMillis)) m.record(d.connectMillis, of(d));
                }));
        meter.gaugeBuilder("portwatch.connect.duration.trend").setUnit("1")
                .setDescription("connect() duration over its best since start (rises as the port range fills)")
                .buildWithCallback(m -> latest.destinations.forEach(d -> {
                    if (!Double.isNaN(d.connectTrend)) m.record(d.connectTrend, of(d));
                }));
        meter.gaugeBuilder("portwatch.host.time_wait").ofLongs().setUnit("{socket}")
                .setDescription("TIME_WAIT sockets of this host (network namespace)")
                .buildWithCallback(m -> {
                    if (latest.hostTimeWait >= 0) m.record(latest.hostTimeWait, host());
                });
        meter.counterBuilder("portwatch.host.time_wait.recycled").setUnit("{socket}")
                .setDescription("TIME_WAIT sockets reused for new connections (TcpExt TWRecycled)")
                .buildWithCallback(m -> {
                    if (latest.timeWaitRecycled >= 0) m.record(latest.timeWaitRecycled, host());
                });
        meter.counterBuilder("portwatch.host.time_wait.overflow").setUnit("{socket}")
                .setDescription("TIME_WAIT sockets destroyed at birth, tcp_max_tw_buckets reached (TcpExt TCPTimeWaitOverflow)")
                .buildWithCallback(m -> {
                    if (latest.timeWaitOverflow >= 0) m.record(latest.timeWaitOverflow, host());
                });
        // Only where connection tracking is loaded: no series at all elsewhere.
        meter.gaugeBuilder("portwatch.host.conntrack.count").ofLongs().setUnit("{entry}")
                .setDescription("Entries in this network namespace's connection-tracking table (nf_conntrack_count)")
                .buildWithCallback(m -> {
                    if (latest.conntrack != null) m.record(latest.conntrack.count, host());
                });
        meter.gaugeBuilder("portwatch.host.conntrack.max").ofLongs().setUnit("{entry}")
                .setDescription("The connection-tracking table's limit (nf_conntrack_max); full, new connections' packets are dropped")
                .buildWithCallback(m -> {
                    if (latest.conntrack != null) m.record(latest.conntrack.max, host());
                });
        meter.counterBuilder("portwatch.host.conntrack.drops").setUnit("{packet}")
                .setDescription("Packets dropped because the connection-tracking table was full (the drop column of"
                        + " /proc/net/stat/nf_conntrack, summed over CPUs)")
                .buildWithCallback(m -> {
                    if (latest.conntrack != null && latest.conntrack.drops >= 0) m.record(latest.conntrack.drops, host());
                });
    }

    /** The attributes of the host-wide series: the namespace they are of. */
    private Attributes host() {
        return Attributes.of(NETNS, latest.netns);
    }

    @Override
    public void sampled(HostSnapshot snapshot) {
        latest = snapshot;
    }

    @Override
    public void warningRaised(PortWarning w) {
        say(w, w.headline());
        emit(w, "raised", Severity.WARN);
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
        emit(w, "updated", Severity.WARN);
    }

    @Override
    public void warningCleared(PortWarning w) {
        info.accept("port exhaustion warning cleared for " + w.destination);
        emit(w, "cleared", Severity.INFO);
    }

    @Override
    public void conntrackRaised(ConntrackWarning w) {
        stderr.accept(w.headline());
        for (String finding : w.findings()) {
            info.accept("  " + finding);
        }
        emitConntrack(w, w.text(), "raised", Severity.WARN);
    }

    @Override
    public void conntrackCleared(ConntrackWarning w) {
        info.accept(w.cleared());
        emitConntrack(w, w.cleared(), "cleared", Severity.INFO);
    }

    /** A log record, event {@link #CONNTRACK_EVENT}, with the table's figures. */
    private void emitConntrack(ConntrackWarning w, String body, String state, Severity severity) {
        logger.logRecordBuilder()
                .setEventName(CONNTRACK_EVENT)
                .setSeverity(severity)
                .setSeverityText(severity.name())
                .setBody(body)
                .setAllAttributes(Attributes.of(CONNTRACK_COUNT, w.table.count, CONNTRACK_MAX, w.table.max, STATE, state,
                        NETNS, latest.netns))
                .emit();
    }

    private void emit(PortWarning w, String state, Severity severity) {
        AttributesBuilder b = Attributes.builder()
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
        Attributes a = b.build();
        logger.logRecordBuilder()
                .setEventName(EVENT)
                .setSeverity(severity)
                .setSeverityText(severity.name())
                .setBody(w.text())
                .setAllAttributes(a)
                .emit();
        Span span = tracer.spanBuilder(EVENT).setNoParent().setAllAttributes(a).startSpan();
        span.addEvent(EVENT, a);
        span.end();
    }

    /** A destination's attributes, and the namespace whose pool toward it the figures are of. */
    private Attributes of(HostSnapshot.DestinationBudget d) {
        return Attributes.of(ConnectionSpans.SERVER_ADDRESS, d.serverAddress, ConnectionSpans.SERVER_PORT,
                (long) d.serverPort, LOCAL, d.localAddress, NETNS, latest.netns);
    }
}
