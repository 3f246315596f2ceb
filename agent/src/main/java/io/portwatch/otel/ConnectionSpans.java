package io.portwatch.otel;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.portwatch.track.CallSite;
import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionRecord;
import io.portwatch.track.ConnectionSink;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

/**
 * One {@code tcp.connection} span per ended connection, built after the fact with the recorded
 * start and end times, so no span object is held while a connection is open; and the connection
 * counters. Attribute names follow the OpenTelemetry semantic conventions where one exists.
 */
public final class ConnectionSpans implements ConnectionSink {

    static final String SPAN_NAME = "tcp.connection";

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
    static final AttributeKey<String> CALL_SITE = stringKey("portwatch.call_site");
    static final AttributeKey<String> END = stringKey("portwatch.end");
    static final AttributeKey<String> API = stringKey("portwatch.api");
    static final AttributeKey<Double> CONNECT_MS = doubleKey("portwatch.connect.duration_ms");
    static final AttributeKey<String> DIRECTION = stringKey("portwatch.direction");

    private final Tracer tracer;
    private final NanoClock clock = new NanoClock();
    private final LongCounter opened;
    private final LongCounter ended;

    public ConnectionSpans(Tracer tracer, Meter meter) {
        this.tracer = tracer;
        this.opened = meter.counterBuilder("portwatch.connections.opened")
                .setDescription("Physical TCP connections opened or accepted by this JVM")
                .setUnit("{connection}").build();
        this.ended = meter.counterBuilder("portwatch.connections.closed")
                .setDescription("Physical TCP connections ended, by which side closed first (failed connects: closed_by=unknown, error.type set)")
                .setUnit("{connection}").build();
    }

    @Override
    public void opened(ConnectionRecord r) {
        opened.add(1, Attributes.of(DIRECTION, direction(r)));
    }

    @Override
    public void ended(ConnectionRecord r) {
        Closer closer = r.closer();
        SpanBuilder b = tracer.spanBuilder(SPAN_NAME)
                .setNoParent()
                .setSpanKind(r.direction == ConnectionRecord.Direction.OUTGOING ? SpanKind.CLIENT : SpanKind.SERVER)
                .setStartTimestamp(clock.epochNanos(r.startNanos), TimeUnit.NANOSECONDS)
                .setAttribute(NETWORK_TRANSPORT, "tcp")
                .setAttribute(DIRECTION, direction(r))
                .setAttribute(API, r.api)
                .setAttribute(CLOSED_BY, closer.value())
                .setAttribute(END, endName(r));
        address(b, NETWORK_LOCAL_ADDRESS, NETWORK_LOCAL_PORT, r.localAddress(), r.localPort());
        address(b, NETWORK_PEER_ADDRESS, NETWORK_PEER_PORT, r.peerAddress(), r.peerPort());
        if (r.direction == ConnectionRecord.Direction.OUTGOING) {
            String server = r.serverName != null ? r.serverName
                    : r.peerAddress() != null ? r.peerAddress().getHostAddress() : null;
            if (server != null) b.setAttribute(SERVER_ADDRESS, server);
            b.setAttribute(SERVER_PORT, (long) r.peerPort());
            if (r.connectedNanos() != 0) {
                b.setAttribute(CONNECT_MS, (r.connectedNanos() - r.startNanos) / 1e6);
            }
        } else {
            address(b, SERVER_ADDRESS, SERVER_PORT, r.localAddress(), r.localPort());
        }
        if (r.timeWait() != null) b.setAttribute(TIME_WAIT, r.timeWait());
        if (r.threadName != null) b.setAttribute(THREAD_NAME, r.threadName);
        CallSite site = r.callSite;
        if (site != null) {
            b.setAttribute(CALL_SITE, site.toString());
            b.setAttribute(CODE_FUNCTION, site.function);
            if (site.file != null) b.setAttribute(CODE_FILE, site.file);
            if (site.line >= 0) b.setAttribute(CODE_LINE, (long) site.line);
        }
        Span span = b.startSpan();
        if (r.failed()) {
            span.setAttribute(ERROR_TYPE, r.errorType());
            span.setStatus(StatusCode.ERROR, r.errorMessage());
        }
        span.end(clock.epochNanos(r.endNanos()), TimeUnit.NANOSECONDS);

        ended.add(1, r.failed()
                ? Attributes.of(CLOSED_BY, closer.value(), ERROR_TYPE, r.errorType())
                : Attributes.of(CLOSED_BY, closer.value(), END, endName(r)));
    }

    private static String endName(ConnectionRecord r) {
        return r.end().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String direction(ConnectionRecord r) {
        return r.direction == ConnectionRecord.Direction.OUTGOING ? "outgoing" : "accepted";
    }

    private static void address(SpanBuilder b, AttributeKey<String> addressKey, AttributeKey<Long> portKey,
                                InetAddress address, int port) {
        if (address != null) b.setAttribute(addressKey, address.getHostAddress());
        if (port > 0) b.setAttribute(portKey, (long) port);
    }
}
