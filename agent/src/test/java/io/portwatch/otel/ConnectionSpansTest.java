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
import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionRecord;
import io.portwatch.track.ConnectionSinks;
import io.portwatch.track.JdbcRecord;
import io.portwatch.track.TestRecords;
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
        policy(SpanPolicy.Mode.ALL);
        events = tracker.events();
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        target = new InetSocketAddress("127.0.0.1", server.getLocalPort());
    }

    /** The counters and the spans, under {@code mode}. */
    private ConnectionSpans policy(SpanPolicy.Mode mode) {
        ConnectionSpans spans = new ConnectionSpans(tracerProvider.get("test"), new SpanPolicy(mode), () -> true);
        tracker.sink(new ConnectionSinks(e -> fail(e), new ConnectionCounters(meterProvider.get("test")), spans));
        return spans;
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

    @Test
    void everySpanSaysHowManyConnectionsItStandsFor() throws Exception {
        events.connected(new Object(), target, System.nanoTime(), new ConnectException("Connection refused"));
        tracker.drain();
        assertEquals(1L, attr(onlySpan(), "portwatch.sample.represents", longKey("portwatch.sample.represents")));
    }

    @Test
    void sampledLeavesOutOrdinaryConnectionsPastTheFirstOnesAndTheCountersCountThemAll() {
        policy(SpanPolicy.Mode.SAMPLED);
        int n = SpanPolicy.FIRST + 15;
        for (int i = 0; i < n; i++) {
            Object c = new Object();
            events.connected(c, target, System.nanoTime(), null);
            events.closed(c);
        }
        events.connected(new Object(), target, System.nanoTime(), new ConnectException("Connection refused"));
        tracker.drain();
        assertEquals(SpanPolicy.FIRST + 1, exported.size(), "the first ones and the failure: " + exported);
        assertEquals(n, sum(reader.collect(), "portwatch.connections.closed",
                Attributes.of(stringKey("portwatch.closed_by"), "local", stringKey("portwatch.end"), "closed")));
        assertEquals((long) n, sum(reader.collect(), "portwatch.connections.opened", // a failed connect opened none
                Attributes.of(stringKey("portwatch.direction"), "outgoing")));
    }

    @Test
    void offBuildsNoSpanAndTheCountersCountEveryConnection() {
        policy(SpanPolicy.Mode.OFF);
        Object c = new Object();
        events.connected(c, target, System.nanoTime(), null);
        events.closed(c);
        events.connected(new Object(), target, System.nanoTime(), new ConnectException("Connection refused"));
        tracker.drain();
        assertEquals(List.of(), exported);
        assertEquals(1L, sum(reader.collect(), "portwatch.connections.closed",
                Attributes.of(stringKey("portwatch.closed_by"), "local", stringKey("portwatch.end"), "closed")));
        assertEquals(1L, sum(reader.collect(), "portwatch.connections.closed",
                Attributes.of(stringKey("portwatch.closed_by"), "unknown", stringKey("error.type"), "ECONNREFUSED")));
    }

    @Test
    void aKeptSocketKeepsItsJdbcParentWhichStandsForAsManyConnections() {
        ConnectionSpans spans = policy(SpanPolicy.Mode.SAMPLED);
        long t = System.nanoTime();
        // Past the first ones of the key, an exemplar: its JDBC parent stands for as many.
        for (int i = 0; i < SpanPolicy.FIRST + 4; i++) {
            JdbcRecord j = TestRecords.jdbc("jdbc:mysql://db/app", "com.example.Work.write", 1, false, t);
            spans.ended(TestRecords.socketOf(j, TestRecords.outgoing("com.example.Work.write", 42, 3306, Closer.LOCAL, null, t)));
            spans.jdbcEnded(j);
            t += 1_000;
        }
        t += SpanPolicy.INTERVAL_NANOS;
        JdbcRecord j = TestRecords.jdbc("jdbc:mysql://db/app", "com.example.Work.write", 1, false, t);
        spans.ended(TestRecords.socketOf(j, TestRecords.outgoing("com.example.Work.write", 42, 3306, Closer.LOCAL, null, t)));
        spans.jdbcEnded(j);

        List<SpanData> jdbc = named("jdbc.connection");
        List<SpanData> tcp = named("tcp.connection");
        assertEquals(SpanPolicy.FIRST + 1, jdbc.size(), "spans: " + exported);
        assertEquals(SpanPolicy.FIRST + 1, tcp.size());
        SpanData exemplar = tcp.get(tcp.size() - 1);
        assertEquals(5L, exemplar.getAttributes().get(longKey("portwatch.sample.represents")));
        SpanData parent = jdbc.get(jdbc.size() - 1);
        assertEquals(parent.getSpanId(), exemplar.getParentSpanId());
        assertEquals(5L, parent.getAttributes().get(longKey("portwatch.sample.represents")));
        assertEquals("jdbc:mysql://db/app", parent.getAttributes().get(stringKey("portwatch.jdbc.url")));
    }

    @Test
    void aSocketKeptAfterItsJdbcConnectionWasLeftOutIsARootSpan() {
        ConnectionSpans spans = policy(SpanPolicy.Mode.SAMPLED);
        long t = System.nanoTime();
        for (int i = 0; i < SpanPolicy.FIRST; i++) {
            spans.ended(TestRecords.outgoing("com.example.Work.write", 42, 3306, Closer.LOCAL, null, t));
        }
        exported.clear();
        // Aborted: the JDBC connection ends first, its socket is closed later, and reset.
        JdbcRecord j = TestRecords.jdbc("jdbc:mysql://db/app", "com.example.Work.write", 1, false, t);
        spans.jdbcEnded(j);
        assertEquals(List.of(), exported, "its socket's span was not kept: neither is it");
        ConnectionRecord reset = TestRecords.outgoing("com.example.Work.write", 42, 3306, Closer.RESET, null, t + 1_000);
        spans.ended(TestRecords.socketOf(j, reset));
        SpanData s = onlySpan();
        assertEquals("reset", s.getAttributes().get(stringKey("portwatch.closed_by")));
        assertFalse(s.getParentSpanContext().isValid(), "a root span, not the child of a parent never sent");
    }

    @Test
    void aJdbcConnectionThatFailedIsKeptWithoutItsSocket() {
        ConnectionSpans spans = policy(SpanPolicy.Mode.SAMPLED);
        long t = System.nanoTime();
        for (int i = 0; i < SpanPolicy.FIRST; i++) {
            spans.ended(TestRecords.outgoing("com.example.Work.write", 42, 3306, Closer.LOCAL, null, t));
        }
        exported.clear();
        JdbcRecord j = TestRecords.jdbc("jdbc:mysql://db/app", "com.example.Work.write", 1, true, t);
        spans.ended(TestRecords.socketOf(j, TestRecords.outgoing("com.example.Work.write", 42, 3306, Closer.PEER, null, t)));
        spans.jdbcEnded(j);
        SpanData s = onlySpan();
        assertEquals("jdbc.connection", s.getName());
        assertEquals(StatusCode.ERROR, s.getStatus().getStatusCode());
        assertEquals(1L, s.getAttributes().get(longKey("portwatch.sample.represents")));
    }

    private List<SpanData> named(String name) {
        List<SpanData> out = new ArrayList<>();
        for (SpanData s : exported) {
            if (s.getName().equals(name)) out.add(s);
        }
        return out;
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
