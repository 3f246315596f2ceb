package io.portwatch.otel;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.portwatch.clients.ChurnPattern;
import io.portwatch.track.CallSite;
import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionRecord;
import io.portwatch.track.ConnectionSink;
import io.portwatch.track.JdbcRecord;
import io.opentelemetry.context.Context;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

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
 * (or of a listening side) and of a call site. And a span is built only when the SDK's span queue
 * has room for it ({@link SpanLosses#room()}): one it would drop (a collector down, hanging or
 * slow) is not worth building.
 */
public final class ConnectionSpans implements ConnectionSink {

    static final String SPAN_NAME = "tcp.connection";
    static final String JDBC_SPAN_NAME = "jdbc.connection";

    static final AttributeKey<String> NETWORK_TRANSPORT = stringKey("network.transport");
    static final AttributeKey<String> NETWORK_LOCAL_ADDRESS = stringKey("network.local.address");
    static final AttributeKey<Long> NETWORK_LOCAL_PORT = longKey("network.local.port");
    static final AttributeKey<String> NETWORK_PEER_ADDRESS = stringKey("network.peer.address");
    static final AttributeKey<Long> NETWORK_PEER_PORT = longKey("network.peer.port");
    static final AttributeKey<String> SERVER_ADDRESS = stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = longKey("server.port");
    static final AttributeKey<String> ERROR_TYPE = stringKey("error.type");
    static final AttributeKey<String> CODE_FUNCTION = stringKey("code.function.name");
    static final AttributeKey<String> CODE_FILE = stringKey("code.file.path");
    static final AttributeKey<Long> CODE_LINE = longKey("code.line.number");
    static final AttributeKey<String> THREAD_NAME = stringKey("thread.name");
    static final AttributeKey<String> CLOSED_BY = stringKey("portwatch.closed_by");
    static final AttributeKey<Boolean> TIME_WAIT = booleanKey("portwatch.time_wait");
    static final AttributeKey<String> CLOSED_BY_SOURCE = stringKey("portwatch.closed_by.source");
    static final AttributeKey<String> CALL_SITE = stringKey("portwatch.call_site");
    static final AttributeKey<String> END = stringKey("portwatch.end");
    static final AttributeKey<String> API = stringKey("portwatch.api");
    static final AttributeKey<Double> CONNECT_MS = doubleKey("portwatch.connect.duration_ms");
    static final AttributeKey<String> DIRECTION = stringKey("portwatch.direction");
    static final AttributeKey<String> DB_SYSTEM = stringKey("db.system.name");
    static final AttributeKey<String> DB_NAMESPACE = stringKey("db.namespace");
    static final AttributeKey<String> POOL_NAME = stringKey("db.client.connection.pool.name");
    static final AttributeKey<String> JDBC_URL = stringKey("portwatch.jdbc.url");
    static final AttributeKey<String> JDBC_DRIVER = stringKey("portwatch.jdbc.driver");
    static final AttributeKey<Boolean> POOLED = booleanKey("portwatch.pooled");
    static final AttributeKey<String> POOL = stringKey("portwatch.pool");
    static final AttributeKey<Long> SOCKETS = longKey("portwatch.sockets");
    static final AttributeKey<String> CLIENT_LIBRARY = stringKey("portwatch.client.library");
    static final AttributeKey<String> CHURN_PATTERN = stringKey("portwatch.churn.pattern");
    /** How many connections a span stands for: 1, or an exemplar's count ({@link SpanPolicy#represents}). */
    static final AttributeKey<Long> REPRESENTS = longKey("portwatch.sample.represents");

    static final AttributeKey<Boolean> OPENED_BEFORE_ATTACH = booleanKey("portwatch.opened_before_attach");
    static final AttributeKey<Boolean> BOUND_BEFORE_CONNECT = booleanKey("portwatch.bound_before_connect");

    /** Most entries of each cache; a full cache is emptied and fills again with what is in use. */
    private static final int CACHE_LIMIT = 256;

    private final Tracer tracer;
    private final SpanPolicy policy;
    /** Whether the SDK's span queue has room for one more span; a span built without room would be dropped. */
    private final BooleanSupplier room;
    private final NanoClock clock = new NanoClock();
    private final AddressTexts addressTexts = new AddressTexts();
    /** An outgoing connection's peer and server attributes, by (server name, peer address, peer port). */
    private final EndpointAttributes destinations = new EndpointAttributes(false);
    /** An accepted connection's local and server attributes, by (local address, local port). */
    private final EndpointAttributes listeners = new EndpointAttributes(true);
    /** The {@code code.*} and call-site attributes, by call site (they are cached, one object per site). */
    private final Map<CallSite, Attributes> codeAttributes = new HashMap<>();
    private final CallSitePatterns patterns = new CallSitePatterns();

    /**
     * {@code policy}: which connections become spans; {@code room}: whether the SDK's span queue
     * has room for one more span ({@link SpanLosses#room()}).
     */
    ConnectionSpans(Tracer tracer, SpanPolicy policy, BooleanSupplier room) {
        this.tracer = tracer;
        this.policy = policy;
        this.room = room;
    }

    @Override
    public void ended(ConnectionRecord r) {
        // No span for a connection only the kernel's tables saw: its start is a guess, it has no call site.
        if (!r.instrumented()) return;
        // Counted before the policy decides, like the policy's own counts: every connection of a call site.
        ChurnPattern pattern = patterns.ended(r);
        // The policy first: it counts every connection of a key, the ones the queue has no room for too.
        long represents = policy.represents(r, r.endNanos());
        if (represents == 0 || !room.getAsBoolean()) return;
        Closer closer = r.closer();
        SpanBuilder b = tracer.spanBuilder(SPAN_NAME)
                .setNoParent()
                .setSpanKind(r.direction == ConnectionRecord.Direction.OUTGOING ? SpanKind.CLIENT : SpanKind.SERVER)
                .setStartTimestamp(clock.epochNanos(r.startNanos), TimeUnit.NANOSECONDS)
                .setAttribute(NETWORK_TRANSPORT, "tcp")
                .setAttribute(DIRECTION, direction(r))
                .setAttribute(API, r.api)
                .setAttribute(CLOSED_BY, closer.value())
                .setAttribute(END, endName(r))
                .setAttribute(REPRESENTS, represents);
        if (r.direction == ConnectionRecord.Direction.OUTGOING) {
            address(b, NETWORK_LOCAL_ADDRESS, NETWORK_LOCAL_PORT, r.localAddress(), r.localPort());
            b.setAllAttributes(destinations.of(r.serverName, r.peerAddress(), r.peerPort()));
            if (r.connectedNanos() != 0 && !r.openedBeforeAttach()) {
                b.setAttribute(CONNECT_MS, (r.connectedNanos() - r.startNanos) / 1e6);
            }
        } else {
            b.setAllAttributes(listeners.of(null, r.localAddress(), r.localPort()));
            address(b, NETWORK_PEER_ADDRESS, NETWORK_PEER_PORT, r.peerAddress(), r.peerPort());
        }
        if (r.timeWait() != null) b.setAttribute(TIME_WAIT, r.timeWait());
        if (r.openedBeforeAttach()) b.setAttribute(OPENED_BEFORE_ATTACH, true);
        if (r.boundBeforeConnect()) b.setAttribute(BOUND_BEFORE_CONNECT, true);
        b.setAttribute(CLOSED_BY_SOURCE, r.closerSource());
        if (r.threadName != null) b.setAttribute(THREAD_NAME, r.threadName);
        b.setAllAttributes(codeAttributes(r.callSite));
        if (pattern != null) b.setAttribute(CHURN_PATTERN, pattern.id);
        if (r.jdbc() != null) {
            b.setParent(Context.root().with(jdbcSpan(r.jdbc(), represents)));
        }
        Span span = b.startSpan();
        if (r.failed()) {
            span.setAttribute(ERROR_TYPE, r.errorType());
            span.setStatus(StatusCode.ERROR, r.errorMessage());
        }
        span.end(clock.epochNanos(r.endNanos()), TimeUnit.NANOSECONDS);
    }

    /**
     * The {@code jdbc.connection} span of a physical database connection: started (with the
     * connect's start time) by whichever comes first, the first of its sockets' spans or its own
     * end, so that socket spans can name it as their parent; ended with all its attributes. Kept
     * whenever one of its sockets' spans was, standing for as many connections as that span; else
     * as the policy says.
     */
    @Override
    public void jdbcEnded(JdbcRecord j) {
        long represents = 1; // set when the span was started, by the socket span that started it
        if (j.attachment() == null) {
            represents = policy.jdbcRepresents(j, j.endNanos());
            if (represents == 0 || !room.getAsBoolean()) {
                // A socket of it that ends later (an abort closes it on another thread) is then a
                // root span, rather than the child of a parent that never ends.
                j.attach(Span.getInvalid());
                return;
            }
        }
        Span span = jdbcSpan(j, represents);
        // A socket that ends later (an abort closes it on another thread) still finds its parent.
        j.attach(Span.wrap(span.getSpanContext()));
        put(span, DB_SYSTEM, j.system());
        put(span, DB_NAMESPACE, j.database());
        put(span, SERVER_ADDRESS, j.host());
        if (j.port() > 0) span.setAttribute(SERVER_PORT, (long) j.port());
        put(span, JDBC_URL, j.redactedUrl());
        put(span, JDBC_DRIVER, j.driverClass());
        if (j.poolKnown()) span.setAttribute(POOLED, j.pool() != null);
        put(span, POOL, j.pool());
        put(span, POOL_NAME, j.poolName());
        put(span, THREAD_NAME, j.threadName);
        span.setAttribute(SOCKETS, (long) j.sockets());
        span.setAttribute(CLOSED_BY, j.closer().value());
        span.setAttribute(END, j.aborted() ? "aborted" : j.end().value());
        if (j.connectedNanos() != 0) span.setAttribute(CONNECT_MS, (j.connectedNanos() - j.startNanos) / 1e6);
        span.setAllAttributes(codeAttributes(j.callSite()));
        if (j.failed()) {
            span.setAttribute(ERROR_TYPE, j.errorType());
            span.setStatus(StatusCode.ERROR, j.errorMessage());
        }
        span.end(clock.epochNanos(j.endNanos()), TimeUnit.NANOSECONDS);
    }

    /** The JDBC connection's span, started now if it was not yet, standing for {@code represents} connections. */
    private Span jdbcSpan(JdbcRecord j, long represents) {
        Span span = (Span) j.attachment();
        if (span == null) {
            span = tracer.spanBuilder(JDBC_SPAN_NAME)
                    .setNoParent()
                    .setSpanKind(SpanKind.CLIENT)
                    .setStartTimestamp(clock.epochNanos(j.startNanos), TimeUnit.NANOSECONDS)
                    .setAttribute(REPRESENTS, represents)
                    .startSpan();
            j.attach(span);
        }
        return span;
    }

    private static void put(Span span, AttributeKey<String> key, String value) {
        if (value != null) span.setAttribute(key, value);
    }

    /** The call site as {@code portwatch.call_site} and the {@code code.*} attributes; empty if unknown. */
    private Attributes codeAttributes(CallSite site) {
        if (site == null) return Attributes.empty();
        Attributes a = codeAttributes.get(site);
        if (a == null) {
            a = buildCodeAttributes(site);
            if (codeAttributes.size() >= CACHE_LIMIT) codeAttributes.clear();
            codeAttributes.put(site, a);
        }
        return a;
    }

    /** The call site's code attributes (none for a library's own thread) and its client library. */
    private static Attributes buildCodeAttributes(CallSite site) {
        AttributesBuilder a = Attributes.builder();
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

    private void address(SpanBuilder b, AttributeKey<String> addressKey, AttributeKey<Long> portKey,
                         InetAddress address, int port) {
        if (address != null) b.setAttribute(addressKey, addressTexts.of(address));
        if (port > 0) b.setAttribute(portKey, (long) port);
    }

    private static void address(AttributesBuilder b, AttributeKey<String> addressKey, AttributeKey<Long> portKey,
                                String address, int port) {
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
        private final Map<Endpoint, Attributes> cache = new HashMap<>();
        private final Endpoint probe = new Endpoint();

        EndpointAttributes(boolean accepted) {
            this.accepted = accepted;
        }

        Attributes of(String serverName, InetAddress address, int port) {
            Attributes a = cache.get(probe.set(serverName, address, port));
            if (a == null) {
                a = build(serverName, address, port);
                if (cache.size() >= CACHE_LIMIT) cache.clear();
                cache.put(new Endpoint().set(serverName, address, port), a);
            }
            return a;
        }

        private Attributes build(String serverName, InetAddress address, int port) {
            AttributesBuilder b = Attributes.builder();
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
