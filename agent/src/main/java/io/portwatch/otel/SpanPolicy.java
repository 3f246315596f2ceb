package io.portwatch.otel;

import io.portwatch.host.BudgetListener;
import io.portwatch.host.HostSnapshot;
import io.portwatch.host.PortWarning;
import io.portwatch.track.CallSite;
import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionEnd;
import io.portwatch.track.ConnectionRecord;
import io.portwatch.track.JdbcRecord;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Which ended connections become spans ({@code spans=sampled|all|off}), and how many connections
 * each span stands for ({@code portwatch.sample.represents}). Every connection is counted by the
 * metrics, the report and the budgets whatever this says; only the span is optional.
 *
 * <p>{@code sampled} keeps a span for every connection to a destination while a
 * port-exhaustion warning is raised for it. The others are grouped by key, (destination, call
 * site, and whether the connection ended in a surprise: a failed connect, a reset, an unknown
 * closer): the first {@link #FIRST} of a key are all kept, so a test or a small job sees every
 * connection; past them, at most one per {@link #INTERVAL_NANOS} per key
 * ({@link #SURPRISE_INTERVAL_NANOS} for surprises), an exemplar that stands for itself and for
 * the connections of its key that ended since the key's previous exemplar (or its first ones)
 * without a span of their own. A span kept during a warning stands for itself only, and leaves
 * its key's count and clock alone. The connections after a key's last exemplar are counted by
 * the metrics and in no span.
 *
 * <p>The reporter thread only (the sink's thread), and the warnings come from the host sampler,
 * which the reporter runs too; the warned destinations are published as a whole new array all the
 * same, so a listener called from elsewhere would be seen safely. A connection that is not kept
 * allocates nothing: its key is looked up with a reused probe.
 */
public final class SpanPolicy implements BudgetListener {

    /** The {@code spans} setting. */
    public enum Mode {
        /** Failures, surprises, warned destinations, the first of each key, then a trickle. */
        SAMPLED,
        /** Every connection: for profiling one run, or a test that counts spans. */
        ALL,
        /** No connection span; the counters, the report, the budgets and the warnings go on. */
        OFF;

        /** From the configuration's value: {@code sampled}, {@code all} or {@code off}. */
        public static Mode of(String value) {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
    }

    /**
     * Spans kept of each key before the trickle: a test, a small job or the start of any run sees
     * every connection of a call site; a connection pool (HikariCP opens 10 by default) all of its.
     */
    public static final int FIRST = 20;
    /**
     * Least time between two exemplars of one key. One a key every 10 s is at most 0.1 span a
     * second per (destination, call site), whatever the rate: a churn at the 470 connections a
     * second that exhaust a destination's ports costs one span where it cost 4,700, and a TIME_WAIT
     * (60 s) still shows in six exemplars. {@link #MAX_KEYS} keys at this pace are about 100 spans
     * a second, which the default span queue (2,048) and batch (512 every 5 s) take.
     */
    public static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /**
     * Least time between two exemplars of one key's surprises (failed connects, resets, unknown
     * closers), which have first ones and exemplars of their own. They are kept ten times as
     * often as ordinary ends, not every one: a host out of ports fails thousands of connects a
     * second, and MySQL Connector/J with TLS ends every connection with a reset, so keeping each
     * would build a span per connection exactly where sampling is needed most.
     */
    public static final long SURPRISE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * Most keys kept apart; past them new keys share one overflow tally. A JVM talks to few
     * destinations from few lines of code (the host sampler keeps 1,000 destinations at most); an
     * entry is under 100 bytes.
     */
    static final int MAX_KEYS = 1024;
    /** A key quiet for this long is forgotten when room is needed: a destination of long ago. */
    static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(5);
    /** Looking for idle keys walks them all: at most once a minute, and only when the map is full. */
    private static final long SWEEP_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** What a key has seen. */
    private static final class Tally {
        /** Connections kept as the first ones of the key, up to {@link #FIRST}. */
        int first;
        /** Connections since the key's previous span that no span stands for yet. */
        long pending;
        long lastSpanNanos;
        long lastSeenNanos;
    }

    /**
     * (kind, endpoint, port, call site). The endpoint is the peer's address for an outgoing
     * connection, the listening address for an accepted one, the redacted URL for a JDBC
     * connection without a socket. Call sites are compared by their text: the tracker's cache of
     * them may be emptied and fill again with new objects for the same lines.
     */
    private static final class Key {
        static final int OUTGOING = 0;
        static final int ACCEPTED = 1;
        static final int JDBC = 2;
        /** A failed connect, a reset or an unknown closer: sampled apart, and more often. */
        static final int OUTGOING_SURPRISE = 3;
        static final int ACCEPTED_SURPRISE = 4;

        int kind;
        Object endpoint;
        int port;
        CallSite site;

        Key set(int kind, Object endpoint, int port, CallSite site) {
            this.kind = kind;
            this.endpoint = endpoint;
            this.port = port;
            this.site = site;
            return this;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) return false;
            Key k = (Key) o;
            return kind == k.kind && port == k.port && Objects.equals(endpoint, k.endpoint)
                    && (site == k.site || (site != null && k.site != null && site.toString().equals(k.site.toString())));
        }

        @Override
        public int hashCode() {
            int h = 31 * (31 * kind + port) + Objects.hashCode(endpoint);
            return 31 * h + (site == null ? 0 : site.toString().hashCode());
        }
    }

    /** A destination under a port-exhaustion warning: the warning's destination text, and what to match. */
    private static final class Warned {
        final String destination;
        final InetAddress address;
        final int port;

        Warned(String destination, InetAddress address, int port) {
            this.destination = destination;
            this.address = address;
            this.port = port;
        }
    }

    private static final Warned[] NONE = new Warned[0];

    private final Mode mode;
    private final Map<Key, Tally> tallies = new HashMap<>();
    private final Key probe = new Key();
    private final Tally overflow = new Tally();
    private long lastSweepNanos;
    private boolean swept;
    /** Replaced, never changed: the reporter reads it once per outgoing connection. */
    private volatile Warned[] warned = NONE;

    public SpanPolicy(Mode mode) {
        this.mode = mode;
    }

    public Mode mode() {
        return mode;
    }

    /**
     * How many connections a span of {@code r}, ended at {@code nowNanos}, would stand for; 0 for
     * no span. Counts {@code r} in its key: to be called once per ended connection.
     */
    public long represents(ConnectionRecord r, long nowNanos) {
        if (mode != Mode.SAMPLED) return mode == Mode.ALL ? 1 : 0;
        boolean outgoing = r.direction == ConnectionRecord.Direction.OUTGOING;
        if (outgoing && warned(r.peerAddress(), r.peerPort())) return 1;
        Closer closer = r.closer();
        boolean surprise = r.failed() || closer == Closer.RESET || closer == Closer.UNKNOWN;
        int kind = outgoing ? (surprise ? Key.OUTGOING_SURPRISE : Key.OUTGOING)
                : (surprise ? Key.ACCEPTED_SURPRISE : Key.ACCEPTED);
        Key key = outgoing ? probe.set(kind, r.peerAddress(), r.peerPort(), r.callSite)
                : probe.set(kind, r.localAddress(), r.localPort(), r.callSite);
        return count(key, nowNanos, surprise ? SURPRISE_INTERVAL_NANOS : INTERVAL_NANOS);
    }

    /**
     * How many JDBC connections a {@code jdbc.connection} span of {@code j} would stand for when
     * none of its sockets' spans was kept (a kept socket span keeps its JDBC parent, which stands
     * for as many as it does); 0 for no span. A failed or otherwise unusual end is kept; a
     * connection without a socket (an embedded database) is sampled by its own key, (redacted URL,
     * call site), as sockets are; one whose sockets were all left out is left out too.
     */
    public long jdbcRepresents(JdbcRecord j, long nowNanos) {
        if (mode != Mode.SAMPLED) return mode == Mode.ALL ? 1 : 0;
        if (j.failed() || j.end() != ConnectionEnd.CLOSED) return 1;
        if (j.sockets() > 0) return 0;
        return count(probe.set(Key.JDBC, j.redactedUrl(), -1, j.callSite()), nowNanos, INTERVAL_NANOS);
    }

    /** Counts one connection of {@code key}: the first ones, then one exemplar an interval. */
    private long count(Key key, long nowNanos, long intervalNanos) {
        Tally t = tally(key, nowNanos);
        t.lastSeenNanos = nowNanos;
        if (t.first < FIRST) {
            t.first++;
            t.lastSpanNanos = nowNanos;
            return 1;
        }
        t.pending++;
        if (nowNanos - t.lastSpanNanos < intervalNanos) return 0;
        long n = t.pending;
        t.pending = 0;
        t.lastSpanNanos = nowNanos;
        return n;
    }

    /** The key's tally; a new one if there is room (the probe is copied), else the shared overflow. */
    private Tally tally(Key key, long nowNanos) {
        Tally t = tallies.get(key);
        if (t != null) return t;
        if (tallies.size() >= MAX_KEYS) forgetIdle(nowNanos);
        if (tallies.size() >= MAX_KEYS) return overflow;
        t = new Tally();
        tallies.put(new Key().set(key.kind, key.endpoint, key.port, key.site), t);
        return t;
    }

    private void forgetIdle(long nowNanos) {
        if (swept && nowNanos - lastSweepNanos < SWEEP_NANOS) return;
        swept = true;
        lastSweepNanos = nowNanos;
        for (Iterator<Tally> it = tallies.values().iterator(); it.hasNext(); ) {
            if (nowNanos - it.next().lastSeenNanos > IDLE_NANOS) it.remove();
        }
    }

    /** Keys kept apart now (the overflow not included). */
    int keys() {
        return tallies.size();
    }

    private boolean warned(InetAddress address, int port) {
        Warned[] now = warned;
        if (now.length == 0 || address == null) return false; // the usual case: a glance at an empty array
        for (Warned w : now) {
            if (w.port == port && w.address.equals(address)) return true;
        }
        return false;
    }

    @Override
    public void sampled(HostSnapshot snapshot) {
    }

    @Override
    public void warningRaised(PortWarning w) {
        InetAddress address;
        try {
            address = InetAddress.getByName(w.serverAddress); // an address literal: no name lookup
        } catch (UnknownHostException e) {
            return;
        }
        Warned[] now = warned;
        Warned[] next = Arrays.copyOf(now, now.length + 1);
        next[now.length] = new Warned(w.destination, address, w.serverPort);
        warned = next;
    }

    @Override
    public void warningUpdated(PortWarning w) {
        // the destination is already among the warned ones
    }

    @Override
    public void warningCleared(PortWarning w) {
        Warned[] now = warned;
        for (int i = 0; i < now.length; i++) {
            if (now[i].destination.equals(w.destination)) {
                Warned[] next = new Warned[now.length - 1];
                System.arraycopy(now, 0, next, 0, i);
                System.arraycopy(now, i + 1, next, i, now.length - i - 1);
                warned = next;
                return;
            }
        }
    }
}
