package io.portwatch.track;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The tracker end to end without an agent, as the {@code Tracker*Test} classes test it: the test
 * plays the advice, calling the listener the way the instrumented JDK methods would, around real
 * loopback sockets and channels. A fresh tracker and a listening loopback server for each test.
 */
abstract class TrackerFixture {

    /** Collects what the tracker hands out. */
    static final class Collecting implements ConnectionSink {
        final List<ConnectionRecord> opened = new ArrayList<>();
        final List<ConnectionRecord> ended = new ArrayList<>();

        @Override
        public void opened(ConnectionRecord record) {
            opened.add(record);
        }

        @Override
        public void ended(ConnectionRecord record) {
            ended.add(record);
        }

        ConnectionRecord onlyEnded() {
            assertEquals(1, ended.size(), "ended: " + ended);
            return ended.get(0);
        }
    }

    static final InetAddress LOOPBACK = loopback();

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName("127.0.0.1");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private final List<Closeable> toClose = new ArrayList<>();
    Tracker tracker;
    ConnectionEvents events;
    Collecting sink;
    ServerSocket server;
    InetSocketAddress target;

    @BeforeEach
    void setUp() throws IOException {
        tracker = new Tracker(1024, 100, new CallSites(true, 0, List.of()));
        events = tracker.events();
        sink = new Collecting();
        tracker.sink(sink);
        server = closeLater(new ServerSocket(0, 50, LOOPBACK));
        target = new InetSocketAddress("127.0.0.1", server.getLocalPort());
    }

    @AfterEach
    void tearDown() {
        for (Closeable c : toClose) {
            try {
                c.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    <T extends Closeable> T closeLater(T c) {
        toClose.add(c);
        return c;
    }

    /** A port nobody listens on: bound once, then released. */
    static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    /** A connected pair: the client, tracked as connected, and the accepted side, tracked as accepted. */
    Socket[] connectedPair() throws IOException {
        Socket client = closeLater(new Socket());
        long start = System.nanoTime();
        client.connect(target, 5000);
        events.connected(client, target, start, null);
        Socket accepted = closeLater(server.accept());
        events.accepted(accepted);
        client.setSoTimeout(5000);
        accepted.setSoTimeout(5000);
        return new Socket[] {client, accepted};
    }

    /** The client closes first; the server reads the FIN, then closes: each reported as the advice would. */
    void closeClientFirst(Socket[] pair) throws IOException {
        pair[0].close();
        events.closed(pair[0]);
        assertEquals(-1, pair[1].getInputStream().read());
        events.endOfStream(pair[1]);
        pair[1].close();
        events.closed(pair[1]);
    }

    static ConnectionRecord find(List<ConnectionRecord> records, ConnectionRecord.Direction d) {
        for (ConnectionRecord r : records) {
            if (r.direction == d) return r;
        }
        fail("no " + d + " record in " + records);
        return null;
    }
}
