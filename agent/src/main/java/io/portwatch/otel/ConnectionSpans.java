package io.portwatch.otel;

import io.portwatch.clients.ChurnPattern;
import io.portwatch.otlp.OtlpAttributes;
import io.portwatch.otlp.OtlpSpan;
import io.portwatch.track.CallSite;
import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionRecord;
import io.portwatch.track.ConnectionSink;
import io.portwatch.track.JdbcRecord;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;


/**
 * The {@code tcp.connection} span of an ended connection, and the {@code jdbc.connection} span of
 * an ended JDBC connection, for the connections the {@link SpanPolicy} keeps; built after the fact
 * with the recorded start and end times, so no span object is held while a connection is open.
 * Attribute names follow the OpenTelemetry semantic conventions where one exists. The connections
 * are counted apart, all of them ({@link ConnectionCounters}).
 *
 * <p>Called on the reporter thread only, once per connection: at high connection rates span
 * building is the agent's largest cost. What is the same for many spans is built once and kept in
 * small bounded caches (plain maps: one thread): address texts, the attributes of a destination
 * (or of a listening side) and of a call site. And a span is built only when the span queue has
 * room for it ({@link SpanOutput#room()}): one it would drop (a collector down, hanging or slow) is
 * not worth building.
 */
public final class ConnectionSpans implements ConnectionSink {

    static final String SPAN_NAME = "tcp.connection";
    static final String JDBC_SPAN_NAME = "jdbc.connection";

    static final String NETWORK_TRANSPORT = "network.transport";
    static final String NETWORK_LOCAL_ADDRESS = "network.local.address";
    static final String NETWORK_LOCAL_PORT = "network.local.port";
    static final String NETWORK_PEER_ADDRESS = "network.peer.address";
    static final String NETWORK_PEER_PORT = "network.peer.port";
    static final String SERVER_ADDRESS = "server.address";
    static final String SERVER_PORT = "server.port";
    static final String ERROR_TYPE = "error.type";
    static final String CODE_FUNCTION = "code.function.name";
    static final String CODE_FILE = "code.file.path";
    static final String CODE_LINE = "code.line.number";
    static final String THREAD_NAME = "thread.name";
    static final String CLOSED_BY = "portwatch.closed_by";
    static final String TIME_WAIT = "portwatch.time_wait";
    static final String CLOSED_BY_SOURCE = "portwatch.closed_by.source";
    static final String CALL_SITE = "portwatch.call_site";
    static final String END = "portwatch.end";
    static final String API = "portwatch.api";
    static final String CONNECT_MS = "portwatch.connect.duration_ms";
    static final String DIRECTION = "portwatch.direction";
    static final String DB_SYSTEM = "db.system.name";
    static final String DB_NAMESPACE = "db.namespace";
    static final String POOL_NAME = "db.client.connection.pool.name";
    static final String JDBC_URL = "portwatch.jdbc.url";
    static final String JDBC_DRIVER = "portwatch.jdbc.driver";
    static final String POOLED = "portwatch.pooled";
    static final String POOL = "portwatch.pool";
    static final String SOCKETS = "portwatch.sockets";
    static final String CLIENT_LIBRARY = "portwatch.client.library";
    static final String CHURN_PATTERN = "portwatch.churn.pattern";
    /** How many connections a span stands for: 1, or an exemplar's count ({@link SpanPolicy#represents}). */
    static final String REPRESENTS = "portwatch.sample.represents";

    static final String OPENED_BEFORE_ATTACH = "portwatch.opened_before_attach";
    static final String BOUND_BEFORE_CONNECT = "portwatch.bound_before_connect";

    /** Most entries of each cache; a full cache is emptied and fills again with what is in use. */
    private static final int CACHE_LIMIT = 256;

    private final SpanOutput out;
    private final SpanPolicy policy;
    private final NanoClock clock = new NanoClock();
    private final AddressTexts addressTexts = new AddressTexts();
    private final EndpointAttributes destinations = new EndpointAttributes(false);
    private final EndpointAttributes listeners = new EndpointAttributes(true);
    private final Map<CallSite, OtlpAttributes> codeAttributes = new HashMap<>();
    private final CallSitePatterns patterns = new CallSitePatterns();

    ConnectionSpans(SpanOutput out, SpanPolicy policy) {
        this.out = out;
        this.policy = policy;
    }

    @Override
    public void ended(ConnectionRecord r) {
        // No span for a connection only the kernel's tables saw: its start is a guess, it has no call site.
        if (!r.instrumented()) return;
        // Counted before the policy decides, like the policy's own counts: every connection of a call site.
        ChurnPattern pattern = patterns.ended(r);
        // The policy first: it counts every connection of a key, the ones the queue has no room for too.
        long represents = policy.represents(r, r.endNanos());
        if (represents == 0 || !out.room()) return;
        JdbcSpanStart parent = r.jdbc() == null ? null : jdbcSpan(r.jdbc(), represents);
        byte[] traceId;
        boolean sampled;
        if (parent != null && parent != JdbcSpanStart.NOT_BUILT) {
            traceId = parent.traceId;
            sampled = out.sampledChild(traceId, parent.sampled);
        } else {
            traceId = out.traceId();
            sampled = out.sampledRoot(traceId);
        }
        if (!sampled) return;
        Closer closer = r.closer();
        OtlpAttributes.Builder b = OtlpAttributes.builder()
                .put(NETWORK_TRANSPORT, "tcp")
                .put(DIRECTION, direction(r))
                .put(API, r.api)
                .put(CLOSED_BY, closer.value())
                .put(END, endName(r))
                .put(REPRESENTS, represents);
        if (r.direction == ConnectionRecord.Direction.OUTGOING) {
            address(b, NETWORK_LOCAL_ADDRESS, NETWORK_LOCAL_PORT, r.localAddress(), r.localPort());
            b.putAll(destinations.of(r.serverName(), r.peerAddress(), r.peerPort()));
            if (r.connectedNanos() != 0 && !r.openedBeforeAttach()) {
                b.put(CONNECT_MS, (r.connectedNanos() - r.startNanos) / 1e6);
            }
        } else {
            b.putAll(listeners.of(null, r.localAddress(), r.localPort()));
            address(b, NETWORK_PEER_ADDRESS, NETWORK_PEER_PORT, r.peerAddress(), r.peerPort());
        }
        if (r.timeWait() != null) b.put(TIME_WAIT, r.timeWait().booleanValue());
        if (r.openedBeforeAttach()) b.put(OPENED_BEFORE_ATTACH, true);
        if (r.boundBeforeConnect()) b.put(BOUND_BEFORE_CONNECT, true);
        b.put(CLOSED_BY_SOURCE, r.closerSource());
        if (r.threadName != null) b.put(THREAD_NAME, r.threadName);
        b.putAll(codeAttributes(r.callSite));
        if (pattern != null) b.put(CHURN_PATTERN, pattern.id);
        if (r.failed()) b.put(ERROR_TYPE, r.errorType());
        out.end(new OtlpSpan(traceId, out.spanId(), parent != null && parent != JdbcSpanStart.NOT_BUILT ? parent.spanId : null,
                SPAN_NAME, r.direction == ConnectionRecord.Direction.OUTGOING ? OtlpSpan.Kind.CLIENT : OtlpSpan.Kind.SERVER,
                clock.epochNanos(r.startNanos), clock.epochNanos(r.endNanos()), b.build(), Collections.<OtlpSpan.Event>emptyList(),
                r.failed(), r.failed() ? r.errorMessage() : null));
    }

    @Override
    public void jdbcEnded(JdbcRecord j) {
        if (j.attachment() == null) {
            long represents = policy.jdbcRepresents(j, j.endNanos());
            if (represents == 0 || !out.room()) {
                // A socket of it that ends later (an abort closes it on another thread) is then a
                // root span, rather than the child of a parent that never goes out.
                j.attach(JdbcSpanStart.NOT_BUILT);
                return;
            }
            jdbcSpan(j, represents);
        }
        // Left attached: a socket that ends later (an abort closes it on another thread) still finds its parent.
        JdbcSpanStart start = (JdbcSpanStart) j.attachment();
        if (start == JdbcSpanStart.NOT_BUILT || !start.sampled) return;
        OtlpAttributes.Builder b = OtlpAttributes.builder().put(REPRESENTS, start.represents)
                .put(DB_SYSTEM, j.system())
                .put(DB_NAMESPACE, j.database())
                .put(SERVER_ADDRESS, j.host());
        if (j.port() > 0) b.put(SERVER_PORT, (long) j.port());
        b.put(JDBC_URL, j.redactedUrl())
                .put(JDBC_DRIVER, j.driverClass());
        if (j.poolKnown()) b.put(POOLED, j.pool() != null);
        b.put(POOL, j.pool())
                .put(POOL_NAME, j.poolName())
                .put(THREAD_NAME, j.threadName)
                .put(SOCKETS, (long) j.sockets())
                .put(CLOSED_BY, j.closer().value())
                .put(END, j.aborted() ? "aborted" : j.end().value());
        if (j.connectedNanos() != 0) b.put(CONNECT_MS, (j.connectedNanos() - j.startNanos) / 1e6);
        b.putAll(codeAttributes(j.callSite()));
        if (j.failed()) b.put(ERROR_TYPE, j.errorType());
        out.end(new OtlpSpan(start.traceId, start.spanId, null, JDBC_SPAN_NAME, OtlpSpan.Kind.CLIENT,
                start.startEpochNanos, clock.epochNanos(j.endNanos()), b.build(), Collections.<OtlpSpan.Event>emptyList(),
                j.failed(), j.failed() ? j.errorMessage() : null));
    }

    /**
     * The JDBC connection's span as its first ended socket, or its own end, finds it: its ids and
     * start, decided once, so that the sockets' spans and its own name the same trace and parent.
     */
    private JdbcSpanStart jdbcSpan(JdbcRecord j, long represents) {
        JdbcSpanStart start = (JdbcSpanStart) j.attachment();
        if (start == null) {
            byte[] traceId = out.traceId();
            start = new JdbcSpanStart(traceId, out.spanId(), clock.epochNanos(j.startNanos), represents,
                    out.sampledRoot(traceId));
            j.attach(start);
        }
        return start;
    }

    /** What a JDBC connection's span and the spans of its sockets share, kept on its record. */
    private static final class JdbcSpanStart {
        /** Not built (the policy or the queue said no): its sockets' spans are roots. */
        static final JdbcSpanStart NOT_BUILT = new JdbcSpanStart(null, null, 0, 0, false);

        final byte[] traceId;
        final byte[] spanId;
        final long startEpochNanos;
        final long represents;
        final boolean sampled;

        JdbcSpanStart(byte[] traceId, byte[] spanId, long startEpochNanos, long represents, boolean sampled) {
            this.traceId = traceId;
            this.spanId = spanId;
            this.startEpochNanos = startEpochNanos;
            this.represents = represents;
            this.sampled = sampled;
        }
    }

    private OtlpAttributes codeAttributes(CallSite site) {
        if (site == null) return OtlpAttributes.EMPTY;
        OtlpAttributes a = codeAttributes.get(site);
        if (a == null) {
            a = buildCodeAttributes(site);
            if (codeAttributes.size() >= CACHE_LIMIT) codeAttributes.clear();
            codeAttributes.put(site, a);
        }
        return a;
    }

    /** The call site's code attributes (none for a library's own thread) and its client library. */
    private static OtlpAttributes buildCodeAttributes(CallSite site) {
        OtlpAttributes.Builder a = OtlpAttributes.builder();
        if (site.hasApplicationFrame()) {
            a.put(CALL_SITE, site.toString()).put(CODE_FUNCTION, site.function);
            if (site.file != null) a.put(CODE_FILE, site.file);
            if (site.line >= 0) a.put(CODE_LINE, (long) site.line);
        }
        if (site.library != null) a.put(CLIENT_LIBRARY, site.library.id);
        return a.build();
    }

    private static String endName(ConnectionRecord r) {
        return r.end().value();
    }

    private static String direction(ConnectionRecord r) {
        return r.direction == ConnectionRecord.Direction.OUTGOING ? "outgoing" : "accepted";
    }

    private void address(OtlpAttributes.Builder b, String addressKey, String portKey, InetAddress address, int port) {
        if (address != null) b.put(addressKey, addressTexts.of(address));
        if (port > 0) b.put(portKey, (long) port);
    }

    private static void address(OtlpAttributes.Builder b, String addressKey, String portKey, String address, int port) {
        if (address != null) b.put(addressKey, address);
        if (port > 0) b.put(portKey, (long) port);
    }

    /**
     * {@link InetAddress#getHostAddress()}, which formats the address anew at every call, remembered.
     * By value for IPv4 (the local address is a new object for every connection, from the kernel);
     * other addresses only by identity, as an IPv6 address's text may carry a scope that its
     * {@code equals} ignores.
     */
    private static final class AddressTexts {
        private final Map<InetAddress, String> v4 = new HashMap<>();
        private InetAddress last;
        private String lastText;

        String of(InetAddress a) {
            if (a == last) return lastText;
            String text;
            if (a instanceof Inet4Address) {
                text = v4.get(a);
                if (text == null) {
                    text = a.getHostAddress();
                    if (v4.size() >= CACHE_LIMIT) v4.clear();
                    v4.put(a, text);
                }
            } else {
                text = a.getHostAddress();
            }
            last = a;
            lastText = text;
            return text;
        }
    }

    /**
     * The attributes every span of one endpoint shares, built once: for an outgoing connection its
     * destination's ({@code network.peer.*}, {@code server.*}), for an accepted one its listening
     * side's ({@code network.local.*}, {@code server.*}). Looked up with a reused probe key, so a
     * hit allocates nothing.
     */
    private final class EndpointAttributes {
        private final boolean accepted;
        private final Map<Endpoint, OtlpAttributes> cache = new HashMap<>();
        private final Endpoint probe = new Endpoint();

        EndpointAttributes(boolean accepted) {
            this.accepted = accepted;
        }

        OtlpAttributes of(String serverName, InetAddress address, int port) {
            OtlpAttributes a = cache.get(probe.set(serverName, address, port));
            if (a == null) {
                a = build(serverName, address, port);
                if (cache.size() >= CACHE_LIMIT) cache.clear();
                cache.put(new Endpoint().set(serverName, address, port), a);
            }
            return a;
        }

        private OtlpAttributes build(String serverName, InetAddress address, int port) {
            OtlpAttributes.Builder b = OtlpAttributes.builder();
            String text = address == null ? null : addressTexts.of(address);
            if (accepted) {
                address(b, NETWORK_LOCAL_ADDRESS, NETWORK_LOCAL_PORT, text, port);
                address(b, SERVER_ADDRESS, SERVER_PORT, text, port);
            } else {
                address(b, NETWORK_PEER_ADDRESS, NETWORK_PEER_PORT, text, port);
                String server = serverName != null ? serverName : text;
                if (server != null) b.put(SERVER_ADDRESS, server);
                b.put(SERVER_PORT, (long) port);
            }
            return b.build();
        }
    }

    /** A cache key: (server name, address, port); addresses compared as {@link AddressTexts} does. */
    private static final class Endpoint {
        String serverName;
        InetAddress address;
        int port;

        Endpoint set(String serverName, InetAddress address, int port) {
            this.serverName = serverName;
            this.address = address;
            this.port = port;
            return this;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Endpoint)) return false;
            Endpoint e = (Endpoint) o;
            return port == e.port && Objects.equals(serverName, e.serverName)
                    && (address == e.address || (address instanceof Inet4Address && address.equals(e.address)));
        }

        @Override
        public int hashCode() {
            return 31 * (31 * port + Objects.hashCode(address)) + Objects.hashCode(serverName);
        }
    }
}
