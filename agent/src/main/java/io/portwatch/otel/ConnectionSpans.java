package io.portwatch.otel;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.portwatch.track.CallSite;
import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionEnd;
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
 * One {@code tcp.connection} span per ended connection, built after the fact with the recorded
 * start and end times, so no span object is held while a connection is open; and the connection
 * counters. Attribute names follow the OpenTelemetry semantic conventions where one exists.
 *
 * <p>Called on the reporter thread only, once per connection: at high connection rates span
 * building is the agent's largest cost. What is the same for many spans is built once and kept in
 * small bounded caches (plain maps: one thread): address texts, the attributes of a destination
 * (or of a listening side), of a call site, and the counter's attributes of a failure. And a span
 * is built only when the SDK's span queue has room for it ({@link SpanLosses#room()}): one it
 * would drop (a collector down, hanging or slow) is not worth building. The counters count every
 * connection all the same.
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
    /** The closed-connections counter's attributes for every (closer, end): built once, not per connection. */
    private static final Attributes[][] END_ATTRIBUTES = new Attributes[Closer.values().length][ConnectionEnd.values().length];

    static {
        for (Closer c : Closer.values()) {
            for (ConnectionEnd e : ConnectionEnd.values()) {
                END_ATTRIBUTES[c.ordinal()][e.ordinal()] = Attributes.of(CLOSED_BY, c.value(), END, e.value());
            }
        }
    }

    static final AttributeKey<Boolean> OPENED_BEFORE_ATTACH = booleanKey("portwatch.opened_before_attach");
    static final AttributeKey<Boolean> BOUND_BEFORE_CONNECT = booleanKey("portwatch.bound_before_connect");

    /** Most entries of each cache; a full cache is emptied and fills again with what is in use. */
    private static final int CACHE_LIMIT = 256;

    private final Tracer tracer;
    /** Whether the SDK's span queue has room for one more span; a span built without room would be dropped. */
    private final BooleanSupplier room;
    private final NanoClock clock = new NanoClock();
    private final LongCounter opened;
    private final LongCounter ended;
    private final AddressTexts addressTexts = new AddressTexts();
    /** An outgoing connection's peer and server attributes, by (server name, peer address, peer port). */
    private final EndpointAttributes destinations = new EndpointAttributes(false);
    /** An accepted connection's local and server attributes, by (local address, local port). */
    private final EndpointAttributes listeners = new EndpointAttributes(true);
    /** The {@code code.*} and call-site attributes, by call site (they are cached, one object per site). */
    private final Map<CallSite, Attributes> codeAttributes = new HashMap<>();
    /** The closed-connections counter's attributes of a failed connect, by error type, per closer. */
    @SuppressWarnings("unchecked")
    private final Map<String, Attributes>[] failureAttributes = new Map[Closer.values().length];

    /** {@code room}: whether the SDK's span queue has room for one more span ({@link SpanLosses#room()}). */
    ConnectionSpans(Tracer tracer, Meter meter, BooleanSupplier room) {
        this.tracer = tracer;
        this.room = room;
        this.opened = meter.counterBuilder("portwatch.connections.opened")
                .setDescription("Physical TCP connections opened or accepted by this JVM")
                .setUnit("{connection}").build();
        this.ended = meter.counterBuilder("portwatch.connections.closed")
                .setDescription("Physical TCP connections ended, by which side closed first (failed connects: closed_by=unknown, error.type set)")
                .setUnit("{connection}").build();
    }

    private static final Attributes OUTGOING = Attributes.of(DIRECTION, "outgoing");
    private static final Attributes ACCEPTED = Attributes.of(DIRECTION, "accepted");

    @Override
    public void opened(ConnectionRecord r) {
        opened.add(1, r.direction == ConnectionRecord.Direction.OUTGOING ? OUTGOING : ACCEPTED);
    }

    @Override
    public void ended(ConnectionRecord r) {
        Closer closer = r.closer();
        ended.add(1, r.failed() ? failureAttributes(closer, r.errorType())
                : END_ATTRIBUTES[closer.ordinal()][r.end().ordinal()]);
        if (!room.getAsBoolean()) return;
        SpanBuilder b = tracer.spanBuilder(SPAN_NAME)
                .setNoParent()
                .setSpanKind(r.direction == ConnectionRecord.Direction.OUTGOING ? SpanKind.CLIENT : SpanKind.SERVER)
                .setStartTimestamp(clock.epochNanos(r.startNanos), TimeUnit.NANOSECONDS)
                .setAttribute(NETWORK_TRANSPORT, "tcp")
                .setAttribute(DIRECTION, direction(r))
                .setAttribute(API, r.api)
                .setAttribute(CLOSED_BY, closer.value())
                .setAttribute(END, endName(r));
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
        if (r.jdbc() != null) {
            b.setParent(Context.root().with(jdbcSpan(r.jdbc())));
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
     * connect's start time) by whichever comes first, its first socket's end or its own, so that
     * socket spans can name it as their parent; ended with all its attributes.
     */
    @Override
    public void jdbcEnded(JdbcRecord j) {
        // Started already when one of its sockets' spans was built, which names it as parent.
        if (j.attachment() == null && !room.getAsBoolean()) return;
        Span span = jdbcSpan(j);
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

    private Span jdbcSpan(JdbcRecord j) {
        Span span = (Span) j.attachment();
        if (span == null) {
            span = tracer.spanBuilder(JDBC_SPAN_NAME)
                    .setNoParent()
                    .setSpanKind(SpanKind.CLIENT)
                    .setStartTimestamp(clock.epochNanos(j.startNanos), TimeUnit.NANOSECONDS)
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

    private static Attributes buildCodeAttributes(CallSite site) {
        AttributesBuilder a = Attributes.builder()
                .put(CALL_SITE, site.toString())
                .put(CODE_FUNCTION, site.function);
        if (site.file != null) a.put(CODE_FILE, site.file);
        if (site.line >= 0) a.put(CODE_LINE, (long) site.line);
        return a.build();
    }

    /** {@code portwatch.closed_by} and {@code error.type}: few error types, so few combinations. */
    private Attributes failureAttributes(Closer closer, String errorType) {
        Map<String, Attributes> byType = failureAttributes[closer.ordinal()];
        if (byType == null) {
            byType = new HashMap<>();
            failureAttributes[closer.ordinal()] = byType;
        }
        Attributes a = byType.get(errorType);
        if (a == null) {
            a = Attributes.of(CLOSED_BY, closer.value(), ERROR_TYPE, errorType);
            if (byType.size() >= CACHE_LIMIT) byType.clear();
            byType.put(errorType, a);
        }
        return a;
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
