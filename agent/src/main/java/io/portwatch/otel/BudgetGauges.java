package io.portwatch.otel;

import io.portwatch.export.MetricRegistry;
import io.portwatch.host.HostSnapshot;
import io.portwatch.otlp.OtlpAttributes;

import static io.portwatch.otel.BudgetTelemetry.HOLDER;
import static io.portwatch.otel.BudgetTelemetry.LOCAL;
import static io.portwatch.otel.BudgetTelemetry.NETNS;
import static io.portwatch.otel.BudgetTelemetry.REUSE_BLOCKED_BY;
import static io.portwatch.otel.ConnectionSpans.SERVER_ADDRESS;
import static io.portwatch.otel.ConnectionSpans.SERVER_PORT;

/**
 * The port budget's gauges and counters, per destination and for the host, read from the latest
 * sample when the metrics are collected. One observer class for all of them, told apart by
 * {@link Series}: a class (or a lambda) per metric would be a class loaded per metric at start.
 */
final class BudgetGauges {

    /** The metrics, in the order they are registered. */
    enum Series {
        CAPACITY("portwatch.ports.capacity", "{port}", false, false,
                "Ephemeral ports usable toward a destination (range minus reserved)"),
        USED("portwatch.ports.used", "{port}", false, false, "Ports held toward a destination now, TIME_WAIT included"),
        TIME_WAIT("portwatch.ports.time_wait", "{port}", false, false, "Ports toward a destination in TIME_WAIT on this host"),
        SECONDS_LEFT("portwatch.ports.seconds_left", "s", true, false,
                "Seconds until a destination runs out of ports at the current rate (absent: sustainable)"),
        // The forecast's hold time, and what stops TIME_WAIT reuse: "reuse is ineffective" in one
        // series per destination, which an alerting rule can read without the host's sysctls.
        HOLD("portwatch.ports.time_wait.hold", "s", true, false,
                "Seconds a TIME_WAIT port toward a destination keeps new connections off it: the reuse"
                        + " delay when connect() can reuse it, 60 when it cannot (portwatch.reuse.blocked_by says why)"),
        OPEN("portwatch.ports.open", "{port}", false, false,
                "Open ports (not TIME_WAIT) toward a destination, by holder: this JVM or other processes"),
        // The TIME_WAITs' split, apart from portwatch.ports.time_wait, whose series stays one per
        // destination for the rules and dashboards that divide it by the capacity.
        TIME_WAIT_BY_HOLDER("portwatch.ports.time_wait.by_holder", "{port}", false, false,
                "TIME_WAIT ports toward a destination, by whose close left them: this JVM's (its closes the"
                        + " kernel confirmed within the last 60 s, an upper bound) or other processes'"),
        TIME_WAIT_RATE("portwatch.ports.time_wait.rate", "{port}/s", true, false,
                "New TIME_WAIT ports a second toward a destination, by whose close: this JVM's or other"
                        + " processes' (the host's, from the rows' timers, less this JVM's)"),
        CONNECT_DURATION("portwatch.connect.duration", "ms", true, false,
                "connect() duration toward a destination, smoothed over about the last 10 connects"),
        CONNECT_TREND("portwatch.connect.duration.trend", "1", true, false,
                "connect() duration over its best since start (rises as the port range fills)"),
        HOST_TIME_WAIT("portwatch.host.time_wait", "{socket}", false, false, "TIME_WAIT sockets of this host (network namespace)"),
        RECYCLED("portwatch.host.time_wait.recycled", "{socket}", false, true,
                "TIME_WAIT sockets reused for new connections (TcpExt TWRecycled)"),
        OVERFLOW("portwatch.host.time_wait.overflow", "{socket}", false, true,
                "TIME_WAIT sockets destroyed at birth, tcp_max_tw_buckets reached (TcpExt TCPTimeWaitOverflow)"),
        // Only where connection tracking is loaded: no series at all elsewhere.
        CONNTRACK_COUNT("portwatch.host.conntrack.count", "{entry}", false, false,
                "Entries in this network namespace's connection-tracking table (nf_conntrack_count)"),
        CONNTRACK_MAX("portwatch.host.conntrack.max", "{entry}", false, false,
                "The connection-tracking table's limit (nf_conntrack_max); full, new connections' packets are dropped"),
        CONNTRACK_DROPS("portwatch.host.conntrack.drops", "{packet}", false, true,
                "Packets dropped because the connection-tracking table was full (the drop column of"
                        + " /proc/net/stat/nf_conntrack, summed over CPUs)");

        final String name;
        final String unit;
        final boolean doubles;
        /** A monotonic counter; a gauge otherwise. */
        final boolean counter;
        final String description;

        Series(String name, String unit, boolean doubles, boolean counter, String description) {
            this.name = name;
            this.unit = unit;
            this.doubles = doubles;
            this.counter = counter;
            this.description = description;
        }
    }

    private volatile HostSnapshot latest = HostSnapshot.EMPTY;

    BudgetGauges(MetricRegistry metrics) {
        for (Series s : Series.values()) {
            Reading reading = new Reading(s);
            if (s.counter) {
                metrics.observableCounter(s.name, s.description, s.unit, s.doubles, reading);
            } else {
                metrics.gauge(s.name, s.description, s.unit, s.doubles, reading);
            }
        }
    }

    void sampled(HostSnapshot snapshot) {
        latest = snapshot;
    }

    HostSnapshot latest() {
        return latest;
    }

    /** One metric's figures from the latest sample. */
    private final class Reading implements MetricRegistry.Observer {
        private final Series series;

        Reading(Series series) {
            this.series = series;
        }

        @Override
        public void observe(MetricRegistry.Measurements m) {
            HostSnapshot s = latest;
            switch (series) {
                case HOST_TIME_WAIT:
                    if (s.hostTimeWait >= 0) m.record(s.hostTimeWait, host(s));
                    return;
                case RECYCLED:
                    if (s.timeWaitRecycled >= 0) m.record(s.timeWaitRecycled, host(s));
                    return;
                case OVERFLOW:
                    if (s.timeWaitOverflow >= 0) m.record(s.timeWaitOverflow, host(s));
                    return;
                case CONNTRACK_COUNT:
                    if (s.conntrack != null) m.record(s.conntrack.count, host(s));
                    return;
                case CONNTRACK_MAX:
                    if (s.conntrack != null) m.record(s.conntrack.max, host(s));
                    return;
                case CONNTRACK_DROPS:
                    if (s.conntrack != null && s.conntrack.drops >= 0) m.record(s.conntrack.drops, host(s));
                    return;
                default:
                    for (HostSnapshot.DestinationBudget d : s.destinations) destination(s, d, m);
            }
        }

        private void destination(HostSnapshot s, HostSnapshot.DestinationBudget d, MetricRegistry.Measurements m) {
            OtlpAttributes a = of(s, d);
            switch (series) {
                case CAPACITY:
                    m.record((long) d.capacity, a);
                    break;
                case USED:
                    m.record((long) d.used, a);
                    break;
                case TIME_WAIT:
                    m.record((long) d.timeWait, a);
                    break;
                case SECONDS_LEFT:
                    if (!Double.isInfinite(d.secondsLeft)) m.record(d.secondsLeft, a);
                    break;
                case HOLD:
                    m.record(d.holdSeconds, a.toBuilder().put(REUSE_BLOCKED_BY, d.reuseBlockedBy).build());
                    break;
                case OPEN:
                    if (d.openByJvm < 0) break;
                    m.record((long) d.openByJvm, a.toBuilder().put(HOLDER, "jvm").build());
                    m.record((long) d.openByOthers, a.toBuilder().put(HOLDER, "other").build());
                    break;
                case TIME_WAIT_BY_HOLDER:
                    m.record((long) d.timeWaitByJvm, a.toBuilder().put(HOLDER, "jvm").build());
                    m.record((long) (d.timeWait - d.timeWaitByJvm), a.toBuilder().put(HOLDER, "other").build());
                    break;
                case TIME_WAIT_RATE:
                    m.record(d.jvmTimeWaitRate, a.toBuilder().put(HOLDER, "jvm").build());
                    m.record(Math.max(0, d.hostTimeWaitRate - d.jvmTimeWaitRate), a.toBuilder().put(HOLDER, "other").build());
                    break;
                case CONNECT_DURATION:
                    if (!Double.isNaN(d.connectMillis)) m.record(d.connectMillis, a);
                    break;
                case CONNECT_TREND:
                    if (!Double.isNaN(d.connectTrend)) m.record(d.connectTrend, a);
                    break;
                default:
                    break;
            }
        }
    }

    /** The attributes of the host-wide series: the namespace they are of. */
    private static OtlpAttributes host(HostSnapshot s) {
        return OtlpAttributes.of(NETNS, s.netns);
    }

    /** A destination's attributes, and the namespace whose pool toward it the figures are of. */
    static OtlpAttributes of(HostSnapshot s, HostSnapshot.DestinationBudget d) {
        return OtlpAttributes.of(SERVER_ADDRESS, d.serverAddress, SERVER_PORT, (long) d.serverPort, LOCAL, d.localAddress,
                NETNS, s.netns);
    }
}
