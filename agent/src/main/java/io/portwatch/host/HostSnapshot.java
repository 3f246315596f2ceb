package io.portwatch.host;

import io.portwatch.budget.PortHolder;
import io.portwatch.kernel.Conntrack;

import java.util.Collections;
import java.util.List;

/** One sample of the host's TCP state and of this JVM's destinations. Immutable. */
public final class HostSnapshot {

    /** The port budget of one destination this JVM connects to. */
    public static final class DestinationBudget {
        public final String serverAddress;
        public final int serverPort;
        public final String localAddress;
        public final int capacity;
        public final int used;
        public final int established;
        public final int timeWait;
        public final double ratePerSecond;
        /** Infinite when sustainable. */
        public final double secondsLeft;
        /** Open ports (not TIME_WAIT) held by this JVM's sockets, and by others; -1 when unknown. */
        public final int openByJvm;
        public final int openByOthers;
        /** Smoothed connect() duration in ms, and its ratio to the best seen; NaN when unknown. */
        public final double connectMillis;
        public final double connectTrend;
        /** Sockets to it were bound before connect: capacity and use are those of the local address's one pool. */
        public final boolean boundBeforeConnect;
        /** How long a TIME_WAIT port blocks new connections: the reuse delay, or 60 s without reuse. */
        public final double holdSeconds;
        /** What stops TIME_WAIT reuse toward it ({@link io.portwatch.budget.ReuseVerdict#blockedBy()}). */
        public final String reuseBlockedBy;
        /**
         * Of {@link #timeWait}, this JVM's: its closes confirmed as leaving a TIME_WAIT here within the
         * last 60 s, at most the rows counted; the rest are other processes'.
         */
        public final int timeWaitByJvm;
        /** The other processes found holding open ports toward it, most first; empty when not looked for. */
        public final List<PortHolder> holders;
        /** New TIME_WAITs a second toward it from this JVM's closes: its connection rate times their TIME_WAIT share. */
        public final double jvmTimeWaitRate;
        /** New TIME_WAITs a second toward it on the host, from the rows' own timers: every process's, this JVM's among them. */
        public final double hostTimeWaitRate;

        DestinationBudget(String serverAddress, int serverPort, String localAddress, int capacity, int used,
                          int established, int timeWait, double ratePerSecond, double secondsLeft,
                          int openByJvm, int openByOthers, double connectMillis, double connectTrend,
                          boolean boundBeforeConnect, double holdSeconds, String reuseBlockedBy,
                          int timeWaitByJvm, List<PortHolder> holders, double jvmTimeWaitRate,
                          double hostTimeWaitRate) {
            this.serverAddress = serverAddress;
            this.serverPort = serverPort;
            this.localAddress = localAddress;
            this.capacity = capacity;
            this.used = used;
            this.established = established;
            this.timeWait = timeWait;
            this.ratePerSecond = ratePerSecond;
            this.secondsLeft = secondsLeft;
            this.openByJvm = openByJvm;
            this.openByOthers = openByOthers;
            this.connectMillis = connectMillis;
            this.connectTrend = connectTrend;
            this.boundBeforeConnect = boundBeforeConnect;
            this.holdSeconds = holdSeconds;
            this.reuseBlockedBy = reuseBlockedBy;
            this.timeWaitByJvm = timeWaitByJvm;
            this.holders = holders;
            this.jvmTimeWaitRate = jvmTimeWaitRate;
            this.hostTimeWaitRate = hostTimeWaitRate;
        }
    }

    public static final HostSnapshot EMPTY = new HostSnapshot(-1, -1, -1, Collections.emptyList());

    /** TIME_WAIT sockets of the host (its network namespace); -1 when unknown. */
    public final long hostTimeWait;
    /** TcpExt TWRecycled and TCPTimeWaitOverflow, cumulative; -1 when unknown. */
    public final long timeWaitRecycled;
    public final long timeWaitOverflow;
    public final List<DestinationBudget> destinations;
    /** The connection-tracking table; null when connection tracking is not loaded or was not read. */
    public final Conntrack conntrack;
    /**
     * The network namespace, and the host, these figures are of ({@link io.portwatch.kernel.ProcFs#netnsId()}):
     * every JVM in it reports the same host figures under the same value.
     */
    public final String netns;

    HostSnapshot(long hostTimeWait, long timeWaitRecycled, long timeWaitOverflow, List<DestinationBudget> destinations) {
        this(hostTimeWait, timeWaitRecycled, timeWaitOverflow, destinations, null, "unknown");
    }

    HostSnapshot(long hostTimeWait, long timeWaitRecycled, long timeWaitOverflow, List<DestinationBudget> destinations,
                 Conntrack conntrack, String netns) {
        this.conntrack = conntrack;
        this.netns = netns;
        this.hostTimeWait = hostTimeWait;
        this.timeWaitRecycled = timeWaitRecycled;
        this.timeWaitOverflow = timeWaitOverflow;
        this.destinations = Collections.unmodifiableList(destinations);
    }
}
