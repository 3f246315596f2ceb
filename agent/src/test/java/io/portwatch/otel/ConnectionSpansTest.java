package io.portwatch.otel;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.portwatch.track.CallSites;
import io.portwatch.track.ConnectionEvents;
import io.portwatch.track.Tracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class ConnectionSpansTest {

    /** Reads the meter on demand. */
    static final class Reader implements MetricReader {
        private volatile CollectionRegistration registration = CollectionRegistration.noop();

        @Override
        public void register(CollectionRegistration registration) {
            this.registration = registration;
        }

        Collection<MetricData> collect() {
            return registration.collectAllMetrics();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
        }

        @Override
        public CompletableResultCode forceFlush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    /** Every exported span. */
    private final List<SpanData> exported = Collections.synchronizedList(new ArrayList<>());
    private final SpanExporter exporter = TestExporters.exporting(batch -> {
        exported.addAll(batch);
        return CompletableResultCode.ofSuccess();
    });
    private final Reader reader = new Reader();
    private SdkTracerProvider tracerProvider;
    private SdkMeterProvider meterProvider;
    private Tracker tracker;
    private ConnectionEvents events;
    private ServerSocket server;
    private InetSocketAddress target;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        tracerProvider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        meterProvider = SdkMeterProvider.builder().registerMetricReader(reader).build();
        tracker = new Tracker(1024, 100, new CallSites(true, 0, List.of()));
        tracker.sink(new ConnectionSpans(tracerProvider.get("test"), meterProvider.get("test"), () -> true));
        events = tracker.events();
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        target = new InetSocketAddress("127.0.0.1", server.getLocalPort());
    }

    @AfterEach
    void tearDown() throws IOException {
        for (Socket s : sockets) s.close();
        server.close();
        tracerProvider.shutdown().join(5, TimeUnit.SECONDS);
        meterProvider.shutdown().join(5, TimeUnit.SECONDS);
    }

    private SpanData onlySpan() {
        assertEquals(1, exported.size(), "spans: " + exported);
        return exported.get(0);
    }

    private static SpanData span(List<SpanData> spans, SpanKind kind) {
        for (SpanData s : spans) {
            if (s.getKind() == kind) return s;
        }
        fail("no " + kind + " span in " + spans);
        return null;
    }

    private static <T> T attr(SpanData s, String key, AttributeKey<T> typed) {
        assertEquals(key, typed.getKey());
        return s.getAttributes().get(typed);
    }

    @Test
    void closedOutgoingConnectionIsAClientSpan() throws Exception {
        long epochBefore = System.currentTimeMillis();
        Socket client = new Socket();
        sockets.add(client);
        long start = System.nanoTime();
        client.connect(target, 5000);
        events.connected(client, target, start, null); // the call site: this method
        Socket accepted = server.accept();
        sockets.add(accepted);
        client.close();
        events.closed(client);
        tracker.drain();

        SpanData s = onlySpan();
        assertEquals("tcp.connection", s.getName());
        assertEquals(SpanKind.CLIENT, s.getKind());
        assertFalse(s.getParentSpanContext().isValid(), "a root span");
        assertEquals(StatusCode.UNSET, s.getStatus().getStatusCode());
        assertEquals("tcp", attr(s, "network.transport", stringKey("network.transport")));
        assertEquals("127.0.0.1", attr(s, "network.local.address", stringKey("network.local.address")));
        assertEquals((long) client.getLocalPort(), attr(s, "network.local.port", longKey("network.local.port")));
        assertEquals("127.0.0.1", attr(s, "network.peer.address", stringKey("network.peer.address")));
        assertEquals((long) server.getLocalPort(), attr(s, "network.peer.port", longKey("network.peer.port")));
        assertEquals("127.0.0.1", attr(s, "server.address", stringKey("server.address")));
        assertEquals((long) server.getLocalPort(), attr(s, "server.port", longKey("server.port")));
        assertEquals("local", attr(s, "portwatch.closed_by", stringKey("portwatch.closed_by")));
        assertEquals("closed", attr(s, "portwatch.end", stringKey("portwatch.end")));
        assertEquals("socket", attr(s, "portwatch.api", stringKey("portwatch.api")));
        assertEquals("outgoing", attr(s, "portwatch.direction", stringKey("portwatch.direction")));
        assertEquals(Thread.currentThread().getName(), attr(s, "thread.name", stringKey("thread.name")));
        assertNull(s.getAttributes().get(stringKey("error.type")));
        assertNotNull(s.getAttributes().get(AttributeKey.doubleKey("portwatch.connect.duration_ms")));

        String function = attr(s, "code.function.name", stringKey("code.function.name"));
        assertEquals(ConnectionSpansTest.class.getName() + ".closedOutgoingConnectionIsAClientSpan", function);
        assertEquals("ConnectionSpansTest.java", attr(s, "code.file.path", stringKey("code.file.path")));
        assertTrue(attr(s, "code.line.number", longKey("code.line.number")) > 0);
        assertTrue(attr(s, "portwatch.call_site", stringKey("portwatch.call_site"))
                .startsWith(function + "(ConnectionSpansTest.java:"));

        long startMillis = TimeUnit.NANOSECONDS.toMillis(s.getStartEpochNanos());
        assertTrue(startMillis >= epochBefore - 1000 && startMillis <= System.currentTimeMillis() + 1000,
                "start timestamp " + startMillis + " is not now");
        assertTrue(s.getEndEpochNanos() >= s.getStartEpochNanos());
        assertTrue(s.hasEnded());
    }

    @Test
    void failedConnectIsAnErrorSpan() throws Exception {
        int dead;
        try (ServerSocket tmp = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            dead = tmp.getLocalPort();
        }
        InetSocketAddress deadTarget = new InetSocketAddress("127.0.0.1", dead);
        Socket s = new Socket();
        sockets.add(s);
        long start = System.nanoTime();
        ConnectException error = null;
        try {
            s.connect(deadTarget, 5000);
        } catch (ConnectException e) {
            error = e;
        }
        assertNotNull(error, "a connect to a dead port must fail");
        events.connected(s, deadTarget, start, error);
        tracker.drain();

        SpanData span = onlySpan();
        assertEquals(SpanKind.CLIENT, span.getKind());
        assertEquals(StatusCode.ERROR, span.getStatus().getStatusCode());
        assertEquals(error.getMessage(), span.getStatus().getDescription());
        assertEquals("ECONNREFUSED", attr(span, "error.type", stringKey("error.type")));
        assertEquals("unknown", attr(span, "portwatch.closed_by", stringKey("portwatch.closed_by")));
        assertEquals("failed", attr(span, "portwatch.end", stringKey("portwatch.end")));
        assertEquals("127.0.0.1", attr(span, "server.address", stringKey("server.address")));
        assertEquals((long) dead, attr(span, "server.port", longKey("server.port")));
        assertEquals((long) dead, attr(span, "network.peer.port", longKey("network.peer.port")));
        assertNull(span.getAttributes().get(longKey("network.local.port")), "never bound a local port we know of");
    }

    @Test
    void acceptedConnectionIsAServerSpan() throws Exception {
        Socket client = new Socket();
        sockets.add(client);
        client.connect(target, 5000);
        Socket accepted = server.accept();
        sockets.add(accepted);
        events.accepted(accepted);
        client.close();
        assertEquals(-1, accepted.getInputStream().read());
        events.endOfStream(accepted);
        accepted.close();
        events.closed(accepted);
        tracker.drain();

        SpanData s = onlySpan();
        assertEquals("tcp.connection", s.getName());
        assertEquals(SpanKind.SERVER, s.getKind());
        assertEquals("peer", attr(s, "portwatch.closed_by", stringKey("portwatch.closed_by")));
        assertEquals("accepted", attr(s, "portwatch.direction", stringKey("portwatch.direction")));
        assertEquals((long) server.getLocalPort(), attr(s, "network.local.port", longKey("network.local.port")));
        assertEquals((long) client.getLocalPort(), attr(s, "network.peer.port", longKey("network.peer.port")));
        assertEquals("127.0.0.1", attr(s, "server.address", stringKey("server.address")));
        assertEquals((long) server.getLocalPort(), attr(s, "server.port", longKey("server.port")));
        assertNull(s.getAttributes().get(stringKey("portwatch.call_site")));
        assertNull(s.getAttributes().get(stringKey("error.type")));
    }

    @Test
    void spansOfOneEndpointEachCarryTheirOwnValues() throws Exception {
        // Built once per destination and per listening side: what differs per span must still differ.
        InetSocketAddress byName = new InetSocketAddress("localhost", server.getLocalPort());
        List<Socket> clients = new ArrayList<>();
        for (InetSocketAddress t : new InetSocketAddress[] {target, target, byName}) {
            if (!t.getAddress().equals(target.getAddress())) continue; // localhost is not 127.0.0.1 here
            Socket c = new Socket();
            sockets.add(c);
            long start = System.nanoTime();
            c.connect(t, 5000);
            events.connected(c, t, start, null);
            Socket accepted = server.accept();
            sockets.add(accepted);
            events.accepted(accepted);
            clients.add(c);
            c.close();
            events.closed(c);
            accepted.close();
            events.closed(accepted);
        }
        tracker.drain();
        assertEquals(2 * clients.size(), exported.size(), "spans: " + exported);
        int client = 0;
        int acceptedSpans = 0;
        for (SpanData s : exported) {
            if (s.getKind() == SpanKind.CLIENT) {
                Socket c = clients.get(client++);
                assertEquals((long) c.getLocalPort(), attr(s, "network.local.port", longKey("network.local.port")));
                assertEquals("127.0.0.1", attr(s, "network.local.address", stringKey("network.local.address")));
                assertEquals("127.0.0.1", attr(s, "network.peer.address", stringKey("network.peer.address")));
                assertEquals((long) server.getLocalPort(), attr(s, "network.peer.port", longKey("network.peer.port")));
                assertEquals(client == 3 ? "localhost" : "127.0.0.1", attr(s, "server.address", stringKey("server.address")));
                assertEquals((long) server.getLocalPort(), attr(s, "server.port", longKey("server.port")));
            } else {
                Socket c = clients.get(acceptedSpans++);
                assertEquals((long) c.getLocalPort(), attr(s, "network.peer.port", longKey("network.peer.port")));
                assertEquals("127.0.0.1", attr(s, "network.peer.address", stringKey("network.peer.address")));
                assertEquals((long) server.getLocalPort(), attr(s, "network.local.port", longKey("network.local.port")));
                assertEquals("127.0.0.1", attr(s, "network.local.address", stringKey("network.local.address")));
                assertEquals("127.0.0.1", attr(s, "server.address", stringKey("server.address")));
                assertEquals((long) server.getLocalPort(), attr(s, "server.port", longKey("server.port")));
            }
        }
        assertEquals(clients.size(), client);
    }

    @Test
    void countersByDirectionAndCloser() throws Exception {
        Object a = new Object();
        Object b = new Object();
        events.connected(a, target, System.nanoTime(), null);
        events.connected(b, target, System.nanoTime(), null);
        events.endOfStream(b);
        events.closed(a);
        events.closed(b);
        events.connected(new Object(), target, System.nanoTime(), new ConnectException("Connection refused"));
        tracker.drain();
        assertEquals(3, exported.size());

        Collection<MetricData> metrics = reader.collect();
        assertEquals(2L, sum(metrics, "portwatch.connections.opened",
                Attributes.of(stringKey("portwatch.direction"), "outgoing")));
        assertEquals(1L, sum(metrics, "portwatch.connections.closed",
                Attributes.of(stringKey("portwatch.closed_by"), "local", stringKey("portwatch.end"), "closed")));
        assertEquals(1L, sum(metrics, "portwatch.connections.closed",
                Attributes.of(stringKey("portwatch.closed_by"), "peer", stringKey("portwatch.end"), "closed")));
        assertEquals(1L, sum(metrics, "portwatch.connections.closed",
                Attributes.of(stringKey("portwatch.closed_by"), "unknown", stringKey("error.type"), "ECONNREFUSED")));
    }

    private static long sum(Collection<MetricData> metrics, String name, Attributes attributes) {
        for (MetricData m : metrics) {
            if (!m.getName().equals(name)) continue;
            for (LongPointData p : m.getLongSumData().getPoints()) {
                if (p.getAttributes().equals(attributes)) return p.getValue();
            }
            fail("no point " + attributes + " in " + m.getLongSumData().getPoints());
        }
        fail("no metric " + name + " in " + metrics);
        return -1;
    }
}
