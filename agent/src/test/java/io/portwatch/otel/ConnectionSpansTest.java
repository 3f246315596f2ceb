package io.portwatch.otel;

import io.portwatch.export.MetricRegistry;
import io.portwatch.otlp.OtlpAttributes;
import io.portwatch.otlp.OtlpMetric;
import io.portwatch.otlp.OtlpSpan;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class ConnectionSpansTest {

    private final TestSpans out = new TestSpans();
    private final MetricRegistry metrics = new MetricRegistry(0, problem -> fail(problem));
    private Tracker tracker;
    private ConnectionEvents events;
    private ServerSocket server;
    private InetSocketAddress target;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        tracker = new Tracker(1024, 100, new CallSites(true, 0, List.of()));
        policy(SpanPolicy.Mode.ALL);
        events = tracker.events();
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        target = new InetSocketAddress("127.0.0.1", server.getLocalPort());
    }

    /** The counters and the spans, under {@code mode}. */
    private ConnectionSpans policy(SpanPolicy.Mode mode) {
        ConnectionSpans spans = new ConnectionSpans(out.output, new SpanPolicy(mode));
        tracker.sink(new ConnectionSinks(e -> fail(e), new ConnectionCounters(metrics), spans));
        return spans;
    }

    @AfterEach
    void tearDown() throws IOException {
        for (Socket s : sockets) s.close();
        server.close();
    }

    private OtlpSpan onlySpan() {
        assertEquals(1, out.ended().size(), "spans: " + out.ended());
        return out.ended().get(0);
    }

    private static OtlpSpan span(List<OtlpSpan> spans, OtlpSpan.Kind kind) {
        for (OtlpSpan s : spans) {
            if (s.kind == kind) return s;
        }
        fail("no " + kind + " span in " + spans);
        return null;
    }

    private static Object attr(OtlpSpan s, String key) {
        return s.attributes.get(key);
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

        OtlpSpan s = onlySpan();
        assertEquals("tcp.connection", s.name);
        assertEquals(OtlpSpan.Kind.CLIENT, s.kind);
        assertNull(s.parentSpanId, "a root span");
        assertFalse(s.error);
        assertEquals("tcp", attr(s, "network.transport"));
        assertEquals("127.0.0.1", attr(s, "network.local.address"));
        assertEquals((long) client.getLocalPort(), attr(s, "network.local.port"));
        assertEquals("127.0.0.1", attr(s, "network.peer.address"));
        assertEquals((long) server.getLocalPort(), attr(s, "network.peer.port"));
        assertEquals("127.0.0.1", attr(s, "server.address"));
        assertEquals((long) server.getLocalPort(), attr(s, "server.port"));
        assertEquals("local", attr(s, "portwatch.closed_by"));
        assertEquals("closed", attr(s, "portwatch.end"));
        assertEquals("socket", attr(s, "portwatch.api"));
        assertEquals("outgoing", attr(s, "portwatch.direction"));
        assertEquals(Thread.currentThread().getName(), attr(s, "thread.name"));
        assertNull(s.attributes.get("error.type"));
        assertNotNull(s.attributes.get("portwatch.connect.duration_ms"));

        String function = (String) attr(s, "code.function.name");
        assertEquals(ConnectionSpansTest.class.getName() + ".closedOutgoingConnectionIsAClientSpan", function);
        assertEquals("ConnectionSpansTest.java", attr(s, "code.file.path"));
        assertTrue((Long) attr(s, "code.line.number") > 0);
        assertTrue(((String) attr(s, "portwatch.call_site"))
                .startsWith(function + "(ConnectionSpansTest.java:"));

        long startMillis = TimeUnit.NANOSECONDS.toMillis(s.startEpochNanos);
        assertTrue(startMillis >= epochBefore - 1000 && startMillis <= System.currentTimeMillis() + 1000,
                "start timestamp " + startMillis + " is not now");
        assertTrue(s.endEpochNanos >= s.startEpochNanos);
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

        OtlpSpan span = onlySpan();
        assertEquals(OtlpSpan.Kind.CLIENT, span.kind);
        assertTrue(span.error);
        assertEquals(error.getMessage(), span.statusMessage);
        assertEquals("ECONNREFUSED", attr(span, "error.type"));
        assertEquals("unknown", attr(span, "portwatch.closed_by"));
        assertEquals("failed", attr(span, "portwatch.end"));
        assertEquals("127.0.0.1", attr(span, "server.address"));
        assertEquals((long) dead, attr(span, "server.port"));
        assertEquals((long) dead, attr(span, "network.peer.port"));
        assertNull(span.attributes.get("network.local.port"), "never bound a local port we know of");
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

        OtlpSpan s = onlySpan();
        assertEquals("tcp.connection", s.name);
        assertEquals(OtlpSpan.Kind.SERVER, s.kind);
        assertEquals("peer", attr(s, "portwatch.closed_by"));
        assertEquals("accepted", attr(s, "portwatch.direction"));
        assertEquals((long) server.getLocalPort(), attr(s, "network.local.port"));
        assertEquals((long) client.getLocalPort(), attr(s, "network.peer.port"));
        assertEquals("127.0.0.1", attr(s, "server.address"));
        assertEquals((long) server.getLocalPort(), attr(s, "server.port"));
        assertNull(s.attributes.get("portwatch.call_site"));
        assertNull(s.attributes.get("error.type"));
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
        assertEquals(2 * clients.size(), out.ended().size(), "spans: " + out.ended());
        int client = 0;
        int acceptedSpans = 0;
        for (OtlpSpan s : out.ended()) {
            if (s.kind == OtlpSpan.Kind.CLIENT) {
                Socket c = clients.get(client++);
                assertEquals((long) c.getLocalPort(), attr(s, "network.local.port"));
                assertEquals("127.0.0.1", attr(s, "network.local.address"));
                assertEquals("127.0.0.1", attr(s, "network.peer.address"));
                assertEquals((long) server.getLocalPort(), attr(s, "network.peer.port"));
                assertEquals(client == 3 ? "localhost" : "127.0.0.1", attr(s, "server.address"));
                assertEquals((long) server.getLocalPort(), attr(s, "server.port"));
            } else {
                Socket c = clients.get(acceptedSpans++);
                assertEquals((long) c.getLocalPort(), attr(s, "network.peer.port"));
                assertEquals("127.0.0.1", attr(s, "network.peer.address"));
                assertEquals((long) server.getLocalPort(), attr(s, "network.local.port"));
                assertEquals("127.0.0.1", attr(s, "network.local.address"));
                assertEquals("127.0.0.1", attr(s, "server.address"));
                assertEquals((long) server.getLocalPort(), attr(s, "server.port"));
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
        assertEquals(3, out.ended().size());

        List<OtlpMetric> collected = metrics.collect(1);
        assertEquals(2L, sum(collected, "portwatch.connections.opened",
                OtlpAttributes.of("portwatch.direction", "outgoing")));
        assertEquals(1L, sum(collected, "portwatch.connections.closed",
                OtlpAttributes.of("portwatch.closed_by", "local", "portwatch.end", "closed")));
        assertEquals(1L, sum(collected, "portwatch.connections.closed",
                OtlpAttributes.of("portwatch.closed_by", "peer", "portwatch.end", "closed")));
        assertEquals(1L, sum(collected, "portwatch.connections.closed",
                OtlpAttributes.of("portwatch.closed_by", "unknown", "error.type", "ECONNREFUSED")));
    }

    @Test
    void everySpanSaysHowManyConnectionsItStandsFor() throws Exception {
        events.connected(new Object(), target, System.nanoTime(), new ConnectException("Connection refused"));
        tracker.drain();
        assertEquals(1L, attr(onlySpan(), "portwatch.sample.represents"));
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
        assertEquals(SpanPolicy.FIRST + 1, out.ended().size(), "the first ones and the failure: " + out.ended());
        assertEquals(n, sum(metrics.collect(1), "portwatch.connections.closed",
                OtlpAttributes.of("portwatch.closed_by", "local", "portwatch.end", "closed")));
        assertEquals((long) n, sum(metrics.collect(1), "portwatch.connections.opened", // a failed connect opened none
                OtlpAttributes.of("portwatch.direction", "outgoing")));
    }

    @Test
    void offBuildsNoSpanAndTheCountersCountEveryConnection() {
        policy(SpanPolicy.Mode.OFF);
        Object c = new Object();
        events.connected(c, target, System.nanoTime(), null);
        events.closed(c);
        events.connected(new Object(), target, System.nanoTime(), new ConnectException("Connection refused"));
        tracker.drain();
        assertEquals(List.of(), out.ended());
        assertEquals(1L, sum(metrics.collect(1), "portwatch.connections.closed",
                OtlpAttributes.of("portwatch.closed_by", "local", "portwatch.end", "closed")));
        assertEquals(1L, sum(metrics.collect(1), "portwatch.connections.closed",
                OtlpAttributes.of("portwatch.closed_by", "unknown", "error.type", "ECONNREFUSED")));
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

        List<OtlpSpan> jdbc = named("jdbc.connection");
        List<OtlpSpan> tcp = named("tcp.connection");
        assertEquals(SpanPolicy.FIRST + 1, jdbc.size(), "spans: " + out.ended());
        assertEquals(SpanPolicy.FIRST + 1, tcp.size());
        OtlpSpan exemplar = tcp.get(tcp.size() - 1);
        assertEquals(5L, exemplar.attributes.get("portwatch.sample.represents"));
        OtlpSpan parent = jdbc.get(jdbc.size() - 1);
        assertArrayEquals(parent.spanId, exemplar.parentSpanId);
        assertEquals(5L, parent.attributes.get("portwatch.sample.represents"));
        assertEquals("jdbc:mysql://db/app", parent.attributes.get("portwatch.jdbc.url"));
    }

    @Test
    void aSocketKeptAfterItsJdbcConnectionWasLeftOutIsARootSpan() {
        ConnectionSpans spans = policy(SpanPolicy.Mode.SAMPLED);
        long t = System.nanoTime();
        for (int i = 0; i < SpanPolicy.FIRST; i++) {
            spans.ended(TestRecords.outgoing("com.example.Work.write", 42, 3306, Closer.LOCAL, null, t));
        }
        out.ended().clear();
        // Aborted: the JDBC connection ends first, its socket is closed later, and reset.
        JdbcRecord j = TestRecords.jdbc("jdbc:mysql://db/app", "com.example.Work.write", 1, false, t);
        spans.jdbcEnded(j);
        assertEquals(List.of(), out.ended(), "its socket's span was not kept: neither is it");
        ConnectionRecord reset = TestRecords.outgoing("com.example.Work.write", 42, 3306, Closer.RESET, null, t + 1_000);
        spans.ended(TestRecords.socketOf(j, reset));
        OtlpSpan s = onlySpan();
        assertEquals("reset", s.attributes.get("portwatch.closed_by"));
        assertNull(s.parentSpanId, "a root span, not the child of a parent never sent");
    }

    @Test
    void aJdbcConnectionThatFailedIsKeptWithoutItsSocket() {
        ConnectionSpans spans = policy(SpanPolicy.Mode.SAMPLED);
        long t = System.nanoTime();
        for (int i = 0; i < SpanPolicy.FIRST; i++) {
            spans.ended(TestRecords.outgoing("com.example.Work.write", 42, 3306, Closer.LOCAL, null, t));
        }
        out.ended().clear();
        JdbcRecord j = TestRecords.jdbc("jdbc:mysql://db/app", "com.example.Work.write", 1, true, t);
        spans.ended(TestRecords.socketOf(j, TestRecords.outgoing("com.example.Work.write", 42, 3306, Closer.PEER, null, t)));
        spans.jdbcEnded(j);
        OtlpSpan s = onlySpan();
        assertEquals("jdbc.connection", s.name);
        assertTrue(s.error);
        assertEquals(1L, s.attributes.get("portwatch.sample.represents"));
    }

    private List<OtlpSpan> named(String name) {
        List<OtlpSpan> named = new ArrayList<>();
        for (OtlpSpan s : out.ended()) {
            if (s.name.equals(name)) named.add(s);
        }
        return named;
    }

    private static long sum(List<OtlpMetric> metrics, String name, OtlpAttributes attributes) {
        for (OtlpMetric m : metrics) {
            if (!m.name.equals(name)) continue;
            for (OtlpMetric.Point p : m.points) {
                if (p.attributes.equals(attributes)) return p.longValue;
            }
            fail("no point " + attributes + " in " + name);
        }
        fail("no metric " + name + " in " + metrics);
        return -1;
    }
}
