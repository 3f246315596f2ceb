package io.portwatch.track;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The tracker end to end without an agent: the test plays the advice, calling the listener the
 * way the instrumented JDK methods would, around real loopback sockets and channels.
 */
class TrackerTest {

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

    private static final InetAddress LOOPBACK = loopback();

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName("127.0.0.1");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private final List<Closeable> toClose = new ArrayList<>();
    private Tracker tracker;
    private ConnectionEvents events;
    private Collecting sink;
    private ServerSocket server;
    private InetSocketAddress target;

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

    private <T extends Closeable> T closeLater(T c) {
        toClose.add(c);
        return c;
    }

    /** A port nobody listens on: bound once, then released. */
    private static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    /** A connected pair: the client, tracked as connected, and the accepted side, tracked as accepted. */
    private Socket[] connectedPair() throws IOException {
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
    private void closeClientFirst(Socket[] pair) throws IOException {
        pair[0].close();
        events.closed(pair[0]);
        assertEquals(-1, pair[1].getInputStream().read());
        events.endOfStream(pair[1]);
        pair[1].close();
        events.closed(pair[1]);
    }

    private static ConnectionRecord find(List<ConnectionRecord> records, ConnectionRecord.Direction d) {
        for (ConnectionRecord r : records) {
            if (r.direction == d) return r;
        }
        fail("no " + d + " record in " + records);
        return null;
    }

    @Test
    void outgoingClosedByPeerAndAcceptedClosedLocally() throws Exception {
        long before = System.nanoTime();
        Socket[] pair = connectedPair();
        Socket client = pair[0];
        Socket accepted = pair[1];
        assertEquals(2, tracker.drain());
        assertEquals(2, sink.opened.size());
        assertEquals(List.of(), sink.ended);
        assertEquals(2, tracker.openConnections());

        accepted.close();
        events.closed(accepted);
        assertEquals(-1, client.getInputStream().read());
        events.endOfStream(client);
        client.close();
        events.closed(client);
        assertEquals(3, tracker.drain());
        assertEquals(0, tracker.openConnections());
        assertEquals(2, sink.ended.size());

        ConnectionRecord out = find(sink.ended, ConnectionRecord.Direction.OUTGOING);
        assertSame(find(sink.opened, ConnectionRecord.Direction.OUTGOING), out, "one record from open to end");
        assertEquals("socket", out.api);
        assertEquals("127.0.0.1", out.serverName);
        assertEquals(LOOPBACK, out.localAddress());
        assertEquals(client.getLocalPort(), out.localPort());
        assertEquals(LOOPBACK, out.peerAddress());
        assertEquals(server.getLocalPort(), out.peerPort());
        assertEquals(ConnectionEnd.CLOSED, out.end());
        assertEquals(Closer.PEER, out.closer());
        assertFalse(out.failed());
        assertNull(out.errorType());
        assertEquals(Thread.currentThread().getName(), out.threadName);
        assertTrue(out.startNanos >= before);
        assertTrue(out.connectedNanos() >= out.startNanos);
        assertTrue(out.endNanos() >= out.connectedNanos());

        ConnectionRecord in = find(sink.ended, ConnectionRecord.Direction.ACCEPTED);
        assertEquals("socket", in.api);
        assertNull(in.serverName);
        assertNull(in.callSite, "no stack walk for an accepted connection");
        assertEquals(server.getLocalPort(), in.localPort());
        assertEquals(client.getLocalPort(), in.peerPort());
        assertEquals(LOOPBACK, in.peerAddress());
        assertEquals(ConnectionEnd.CLOSED, in.end());
        assertEquals(Closer.LOCAL, in.closer());
        assertTrue(in.id != out.id);
    }

    @Test
    void theLocalAddressTheJdkReadInsideTheConnectIsTakenWhenItHasTheSocketsPort() throws Exception {
        InetAddress readByTheJdk = InetAddress.getByName("127.0.0.2"); // not the socket's: shows which was used
        Socket client = closeLater(new Socket());
        long start = System.nanoTime();
        client.connect(target, 5000);
        events.localAddressRead(new InetSocketAddress(readByTheJdk, client.getLocalPort()));
        events.connected(client, target, start, null);
        Socket accepted = closeLater(server.accept());
        events.localAddressRead(new InetSocketAddress(readByTheJdk, client.getLocalPort())); // another port
        events.accepted(accepted);
        tracker.drain();

        assertEquals(readByTheJdk, find(sink.opened, ConnectionRecord.Direction.OUTGOING).localAddress());
        assertEquals(LOOPBACK, find(sink.opened, ConnectionRecord.Direction.ACCEPTED).localAddress(),
                "a read of another socket's port is not taken: the socket is asked");
    }

    @Test
    void aLocalAddressReadIsTakenByTheNextEventEvenAFailedConnect() throws Exception {
        Socket failing = closeLater(new Socket());
        InetSocketAddress dead = new InetSocketAddress(LOOPBACK, deadPort());
        ConnectException refused = assertThrows(ConnectException.class, () -> failing.connect(dead, 5000));
        Socket client = closeLater(new Socket());
        client.connect(target, 5000);
        events.localAddressRead(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), client.getLocalPort()));
        events.connected(failing, dead, System.nanoTime(), refused);
        events.connected(client, target, System.nanoTime(), null);
        tracker.drain();

        assertEquals(LOOPBACK, find(sink.opened, ConnectionRecord.Direction.OUTGOING).localAddress(),
                "the read was the failed connect's, and went with it");
    }

    @Test
    void aSocketBoundBeforeItConnectsIsMarkedSoAndKeepsItsLingerSetting() throws Exception {
        Socket bound = closeLater(new Socket());
        bound.bind(new InetSocketAddress(LOOPBACK, 0));
        events.bound(bound);
        events.lingerSet(bound, true);
        long start = System.nanoTime();
        bound.connect(target, 5000);
        events.connected(bound, target, start, null);
        Socket plain = closeLater(new Socket());
        plain.connect(target, 5000);
        events.connected(plain, target, start, null);
        bound.close();
        events.closed(bound);
        plain.close();
        events.closed(plain);
        tracker.drain();
        ConnectionRecord b = sink.ended.stream().filter(r -> r.localPort() == bound.getLocalPort()).findFirst().get();
        ConnectionRecord p = sink.ended.stream().filter(r -> r.localPort() == plain.getLocalPort()).findFirst().get();
        assertTrue(b.boundBeforeConnect());
        assertEquals(Closer.RESET, b.closer(), "SO_LINGER 0 set before connect still counts");
        assertFalse(p.boundBeforeConnect());
    }

    /** Sockets connected before the agent attached: known only from the kernel's list, by their endpoints. */
    @Test
    void connectionsOpenedBeforeAttachAreRecordedFromTheirFirstEvent() throws Exception {
        Socket client = closeLater(new Socket(LOOPBACK, server.getLocalPort()));
        Socket accepted = closeLater(server.accept());
        Socket unlisted = closeLater(new Socket(LOOPBACK, server.getLocalPort()));
        closeLater(server.accept());
        long seen = System.nanoTime();
        tracker.openedBeforeAttach(LOOPBACK, client.getLocalPort(), LOOPBACK, server.getLocalPort(), false, seen);
        tracker.openedBeforeAttach(LOOPBACK, server.getLocalPort(), LOOPBACK, client.getLocalPort(), true, seen);

        client.close();
        events.closed(client);
        assertEquals(-1, accepted.getInputStream().read());
        events.endOfStream(accepted);
        accepted.close();
        events.closed(accepted);
        unlisted.close();
        events.closed(unlisted);
        tracker.drain();

        assertEquals(2, sink.ended.size(), "only the listed connections: " + sink.ended);
        ConnectionRecord out = find(sink.ended, ConnectionRecord.Direction.OUTGOING);
        assertTrue(out.openedBeforeAttach());
        assertEquals(seen, out.startNanos);
        assertEquals(client.getLocalPort(), out.localPort());
        assertEquals(Closer.LOCAL, out.closer());
        assertNull(out.callSite);
        ConnectionRecord in = find(sink.ended, ConnectionRecord.Direction.ACCEPTED);
        assertTrue(in.openedBeforeAttach());
        assertEquals(Closer.PEER, in.closer());
        assertEquals(2, sink.opened.size(), "each was reported opened when first seen");
    }

    /**
     * Listed after the advice saw it connect, as a start in the background lists them, after its
     * install: the advice's record stands, one per connection, not marked as opened before.
     */
    @Test
    void aConnectionListedAfterTheAdviceSawItKeepsItsRecord() throws Exception {
        Socket[] pair = connectedPair();
        tracker.drain();
        tracker.openedBeforeAttach(LOOPBACK, pair[0].getLocalPort(), LOOPBACK, server.getLocalPort(), false,
                System.nanoTime());
        closeClientFirst(pair);
        tracker.drain();

        assertEquals(2, sink.ended.size(), () -> "one record per socket: " + sink.ended);
        ConnectionRecord out = find(sink.ended, ConnectionRecord.Direction.OUTGOING);
        assertFalse(out.openedBeforeAttach());
        assertEquals(Closer.LOCAL, out.closer());
    }

    @Test
    void outgoingClosedLocallyFirst() throws Exception {
        Socket[] pair = connectedPair();
        closeClientFirst(pair);
        tracker.drain();
        assertEquals(Closer.LOCAL, find(sink.ended, ConnectionRecord.Direction.OUTGOING).closer());
        assertEquals(Closer.PEER, find(sink.ended, ConnectionRecord.Direction.ACCEPTED).closer());
    }

    @Test
    void shutdownOutputThenPeerFinIsLocal() throws Exception {
        Socket[] pair = connectedPair();
        Socket client = pair[0];
        Socket accepted = pair[1];
        client.shutdownOutput();
        events.outputShutdown(client);
        assertEquals(-1, accepted.getInputStream().read());
        events.endOfStream(accepted);
        accepted.close();
        events.closed(accepted);
        assertEquals(-1, client.getInputStream().read());
        events.endOfStream(client);
        client.close();
        events.closed(client);
        tracker.drain();
        assertEquals(Closer.LOCAL, find(sink.ended, ConnectionRecord.Direction.OUTGOING).closer());
        assertEquals(Closer.PEER, find(sink.ended, ConnectionRecord.Direction.ACCEPTED).closer());
    }

    @Test
    void lingerZeroCloseSendsResetAndBothSidesSayReset() throws Exception {
        Socket[] pair = connectedPair();
        Socket client = pair[0];
        Socket accepted = pair[1];
        accepted.setSoLinger(true, 0);
        events.lingerSet(accepted, true);
        accepted.close();
        events.closed(accepted);
        InputStream in = client.getInputStream();
        SocketException reset = assertThrows(SocketException.class, in::read);
        events.ioFailed(client, reset);
        client.close();
        events.closed(client);
        tracker.drain();
        assertEquals(Closer.RESET, find(sink.ended, ConnectionRecord.Direction.ACCEPTED).closer());
        assertEquals(Closer.RESET, find(sink.ended, ConnectionRecord.Direction.OUTGOING).closer(),
                "read failure was: " + reset);
    }

    @Test
    void ioFailureThatIsNotAResetChangesNothing() throws Exception {
        Socket[] pair = connectedPair();
        events.ioFailed(pair[0], new SocketException("Broken pipe"));
        events.ioFailed(pair[0], null);
        pair[0].close();
        events.closed(pair[0]);
        assertEquals(3, tracker.drain(), "two connect events and the close; the failures are not events");
        assertEquals(Closer.LOCAL, sink.onlyEnded().closer());
    }

    /**
     * SO_LINGER=0 set before connect (a common way to avoid TIME_WAIT) is reported while no record
     * exists yet, so the tracker forgets it: the close then really sends RST (the peer sees a
     * reset), but the record says the local side closed and holds the TIME_WAIT.
     */
    @Test
    void lingerZeroSetBeforeConnectIsStillAReset() throws Exception {
        Socket client = closeLater(new Socket());
        client.setSoLinger(true, 0);
        events.lingerSet(client, true); // what SoLingerAdvice reports
        long start = System.nanoTime();
        client.connect(target, 5000);
        events.connected(client, target, start, null);
        Socket accepted = closeLater(server.accept());
        accepted.setSoTimeout(5000);
        client.close();
        events.closed(client);
        assertThrows(SocketException.class, () -> accepted.getInputStream().read(),
                "the close really sent RST");
        tracker.drain();
        assertEquals(Closer.RESET, sink.onlyEnded().closer(),
                "SO_LINGER 0 set before the connect still makes the close a reset");
    }

    @Test
    void lingerTurnedBackOffIsNotAReset() throws Exception {
        Socket client = closeLater(new Socket());
        long start = System.nanoTime();
        client.connect(target, 5000);
        events.connected(client, target, start, null);
        Socket accepted = closeLater(server.accept());
        events.lingerSet(client, true);
        events.lingerSet(client, false);
        client.close();
        events.closed(client);
        tracker.drain();
        assertEquals(Closer.LOCAL, sink.onlyEnded().closer());
        accepted.close();
    }

    @Test
    void refusedConnectIsOneFailedRecord() throws Exception {
        InetSocketAddress dead = new InetSocketAddress("127.0.0.1", deadPort());
        Socket s = closeLater(new Socket());
        long start = System.nanoTime();
        ConnectException refused = assertThrows(ConnectException.class, () -> s.connect(dead, 5000));
        events.connected(s, dead, start, refused);
        assertEquals(1, tracker.drain());
        assertEquals(List.of(), sink.opened);
        ConnectionRecord r = sink.onlyEnded();
        assertEquals(ConnectionRecord.Direction.OUTGOING, r.direction);
        assertEquals(ConnectionEnd.FAILED, r.end());
        assertTrue(r.failed());
        assertEquals("ECONNREFUSED", r.errorType());
        assertEquals(refused.getMessage(), r.errorMessage());
        assertEquals(Closer.UNKNOWN, r.closer());
        assertEquals(LOOPBACK, r.peerAddress());
        assertEquals(dead.getPort(), r.peerPort());
        assertNull(r.localAddress());
        assertEquals(0, r.localPort());
        assertEquals(start, r.startNanos);
        assertTrue(r.connectedNanos() >= start);
        assertEquals(0, tracker.openConnections());
    }

    @Test
    void syntheticFailuresGiveTheirErrorType() {
        events.connected(new Socket(), target, System.nanoTime(), new ConnectException("Connection refused"));
        events.connected(new Socket(), target, System.nanoTime(),
                new java.net.BindException("Cannot assign requested address"));
        tracker.drain();
        assertEquals(2, sink.ended.size());
        assertEquals("ECONNREFUSED", sink.ended.get(0).errorType());
        assertEquals("EADDRNOTAVAIL", sink.ended.get(1).errorType());
    }

    @Test
    void failuresThatNeverReachedTheNetworkAreNotRecorded() {
        events.connected(new Socket(), target, System.nanoTime(), new UnknownHostException("no.such.host"));
        events.connected(new Socket(), target, System.nanoTime(), new SocketException("Socket is closed"));
        events.connected(new Socket(), target, System.nanoTime(), new IllegalArgumentException("port"));
        assertEquals(0, tracker.drain());
        assertEquals(List.of(), sink.ended);
    }

    @Test
    void nonBlockingChannelConnectThenLocalClose() throws Exception {
        SocketChannel ch = closeLater(SocketChannel.open());
        ch.configureBlocking(false);
        long start = System.nanoTime();
        ch.connect(target);
        events.connectPending(ch, target, start);
        assertEquals(1, tracker.drain());
        assertEquals(List.of(), sink.opened, "not opened while connecting");
        assertEquals(1, tracker.openConnections());

        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!ch.finishConnect()) {
            if (System.nanoTime() > deadline) fail("loopback connect did not finish");
            Thread.sleep(1);
        }
        events.finishedConnect(ch, null);
        events.finishedConnect(ch, null); // finishConnect() again on a connected channel: no second open
        tracker.drain();
        assertEquals(1, sink.opened.size());
        ConnectionRecord r = sink.opened.get(0);
        InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
        assertEquals("channel", r.api);
        assertEquals(local.getPort(), r.localPort());
        assertEquals(LOOPBACK, r.localAddress());
        assertEquals(server.getLocalPort(), r.peerPort());
        assertTrue(r.connectedNanos() >= start);

        ch.close();
        events.closed(ch);
        tracker.drain();
        assertSame(r, sink.onlyEnded());
        assertEquals(ConnectionEnd.CLOSED, r.end());
        assertEquals(Closer.LOCAL, r.closer());
    }

    @Test
    void blockingChannelConnectAndAcceptedChannel() throws Exception {
        ServerSocketChannel ssc = closeLater(ServerSocketChannel.open());
        ssc.bind(new InetSocketAddress(LOOPBACK, 0));
        InetSocketAddress channelTarget = (InetSocketAddress) ssc.getLocalAddress();
        long start = System.nanoTime();
        SocketChannel ch = closeLater(SocketChannel.open(channelTarget));
        events.connected(ch, channelTarget, start, null);
        SocketChannel acc = closeLater(ssc.accept());
        events.accepted(acc);
        tracker.drain();

        ConnectionRecord out = find(sink.opened, ConnectionRecord.Direction.OUTGOING);
        ConnectionRecord in = find(sink.opened, ConnectionRecord.Direction.ACCEPTED);
        int clientPort = ((InetSocketAddress) ch.getLocalAddress()).getPort();
        assertEquals("channel", out.api);
        assertEquals(clientPort, out.localPort());
        assertEquals(channelTarget.getPort(), out.peerPort());
        assertEquals("channel", in.api);
        assertEquals(channelTarget.getPort(), in.localPort());
        assertEquals(clientPort, in.peerPort());

        acc.close();
        events.closed(acc);
        assertEquals(-1, ch.read(ByteBuffer.allocate(1)));
        events.endOfStream(ch);
        ch.close();
        events.closed(ch);
        tracker.drain();
        assertEquals(Closer.PEER, out.closer());
        assertEquals(Closer.LOCAL, in.closer());
    }

    @Test
    void failingNonBlockingConnectThatClosesItsChannelFirstIsFailedNotAbandoned() throws Exception {
        InetSocketAddress dead = new InetSocketAddress("127.0.0.1", deadPort());
        SocketChannel ch = closeLater(SocketChannel.open());
        ch.configureBlocking(false);
        long start = System.nanoTime();
        IOException error = null;
        try {
            if (!ch.connect(dead)) {
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!ch.finishConnect()) {
                    if (System.nanoTime() > deadline) fail("refused connect did not finish");
                    Thread.sleep(1);
                }
            }
        } catch (IOException e) {
            error = e;
        }
        assertNotNull(error, "connect to a dead port must fail");
        assertFalse(ch.isOpen(), "a failed finishConnect closes the channel");
        // The order the advice sees: connect started, the channel closed inside finishConnect, then the failure.
        events.connectPending(ch, dead, start);
        events.closed(ch);
        tracker.drain();
        assertEquals(List.of(), sink.ended, "waits for the failure event");
        events.finishedConnect(ch, error);
        tracker.drain();
        ConnectionRecord r = sink.onlyEnded();
        assertEquals(ConnectionEnd.FAILED, r.end());
        assertEquals("ECONNREFUSED", r.errorType());
        assertEquals(Closer.UNKNOWN, r.closer());
        assertEquals("channel", r.api);
        assertEquals(dead.getPort(), r.peerPort());

        tracker.endAll();
        assertEquals(1, sink.ended.size(), "nothing left to abandon");
    }

    @Test
    void failingNonBlockingConnectReportedWhileOpen() {
        Object ch = new Object();
        events.connectPending(ch, target, System.nanoTime());
        events.finishedConnect(ch, new ConnectException("Connection refused"));
        events.closed(ch);
        tracker.drain();
        ConnectionRecord r = sink.onlyEnded();
        assertEquals(ConnectionEnd.FAILED, r.end());
        assertEquals("ECONNREFUSED", r.errorType());
        assertEquals(target.getPort(), r.peerPort());
        assertEquals(0, tracker.openConnections());
    }

    @Test
    void closedWhileConnectingIsAbandonedAtExit() throws Exception {
        SocketChannel ch = closeLater(SocketChannel.open());
        ch.configureBlocking(false);
        long start = System.nanoTime();
        events.connectPending(ch, target, start);
        ch.close();
        events.closed(ch);
        tracker.drain();
        assertEquals(List.of(), sink.ended, "kept a moment for a failure event");
        assertEquals(0, tracker.openConnections());

        Object neverFinished = new Object();
        events.connectPending(neverFinished, target, start);

        tracker.endAll();
        assertEquals(2, sink.ended.size());
        for (ConnectionRecord r : sink.ended) {
            assertEquals(ConnectionEnd.ABANDONED, r.end());
            assertEquals(Closer.UNKNOWN, r.closer());
            assertFalse(r.failed());
        }
        assertEquals(List.of(), sink.opened, "never connected, never opened");
    }

    @Test
    void closedWhileConnectingIsAbandonedAfterTwoSeconds() throws Exception {
        Object ch = new Object();
        events.connectPending(ch, target, System.nanoTime());
        events.closed(ch);
        long closedAt = System.nanoTime();
        tracker.drain();
        assertEquals(List.of(), sink.ended);
        Thread.sleep(2100);
        tracker.drain();
        ConnectionRecord r = sink.onlyEnded();
        assertEquals(ConnectionEnd.ABANDONED, r.end());
        assertTrue(r.endNanos() <= closedAt, "ends when it was closed, not when it was given up on");
        // A late failure for it finds nothing.
        events.finishedConnect(ch, new ConnectException("Connection refused"));
        tracker.drain();
        assertEquals(1, sink.ended.size());
    }

    @Test
    void eventsForUnknownConnectionsAreIgnored() {
        Object stranger = new Object();
        events.endOfStream(stranger);
        events.outputShutdown(stranger);
        events.lingerSet(stranger, true);
        events.ioFailed(stranger, new SocketException("Connection reset"));
        events.finishedConnect(stranger, null);
        events.finishedConnect(stranger, new ConnectException("Connection refused"));
        events.closed(stranger);
        assertEquals(7, tracker.drain());
        assertEquals(List.of(), sink.opened);
        assertEquals(List.of(), sink.ended);
        assertEquals(0, tracker.openConnections());
    }

    @Test
    void nonInetTargetsAreIgnored() {
        SocketAddress unixLike = new SocketAddress() {
            private static final long serialVersionUID = 1L;
        };
        Object conn = new Object();
        events.connected(conn, unixLike, System.nanoTime(), null);
        events.connected(conn, unixLike, System.nanoTime(), new ConnectException("Connection refused"));
        events.connectPending(conn, unixLike, System.nanoTime());
        events.connected(conn, null, System.nanoTime(), null);
        assertEquals(0, tracker.drain());
        assertEquals(0, tracker.openConnections());
        assertEquals(List.of(), sink.ended);
    }

    @Test
    void maxOpenLimitCountsUntracked() {
        Tracker small = new Tracker(1024, 2, new CallSites(false, 0, List.of()));
        Collecting s = new Collecting();
        small.sink(s);
        Object a = new Object();
        Object b = new Object();
        Object c = new Object();
        small.events().connected(a, target, System.nanoTime(), null);
        small.events().connected(b, target, System.nanoTime(), null);
        small.events().connected(c, target, System.nanoTime(), null);
        small.drain();
        assertEquals(2, small.openConnections());
        assertEquals(1, small.untrackedConnections());
        assertEquals(2, s.opened.size());

        small.events().closed(c);
        small.drain();
        assertEquals(List.of(), s.ended, "the untracked connection has no record to end");

        small.events().closed(a);
        Object d = new Object();
        small.events().connected(d, target, System.nanoTime(), null);
        small.drain();
        assertEquals(1, s.ended.size());
        assertEquals(2, small.openConnections(), "room again after a close");
        assertEquals(1, small.untrackedConnections());
    }

    @Test
    void endAllEndsOpenConnectionsAsOpenAtExit() throws Exception {
        Socket[] pair = connectedPair();
        tracker.drain();
        events.endOfStream(pair[1]); // not drained yet: endAll drains first
        tracker.endAll();
        assertEquals(2, sink.ended.size());
        ConnectionRecord out = find(sink.ended, ConnectionRecord.Direction.OUTGOING);
        ConnectionRecord in = find(sink.ended, ConnectionRecord.Direction.ACCEPTED);
        assertEquals(ConnectionEnd.OPEN_AT_EXIT, out.end());
        assertEquals(Closer.UNKNOWN, out.closer());
        assertEquals(ConnectionEnd.OPEN_AT_EXIT, in.end());
        assertEquals(Closer.PEER, in.closer());
        assertEquals(0, tracker.openConnections());

        events.closed(pair[0]);
        tracker.drain();
        assertEquals(2, sink.ended.size(), "ended once only");
    }

    @Test
    void runLoopEndsEverythingOnStop() throws Exception {
        Object conn = new Object();
        events.connected(conn, target, System.nanoTime(), null);
        Thread loop = new Thread(tracker::run, "tracker-test-loop");
        loop.start();
        tracker.stop();
        loop.join(5000);
        assertFalse(loop.isAlive());
        ConnectionRecord r = sink.onlyEnded();
        assertEquals(ConnectionEnd.OPEN_AT_EXIT, r.end());
    }

    @Test
    void warmUpLeavesNothingBehind() {
        EventPathWarmUp.run();
        Tracker fresh = new Tracker(64, 100, new CallSites(true, 1000, List.of()));
        assertFalse(fresh.hasRecorded());
        Collecting s = new Collecting();
        fresh.sink(s);
        assertEquals(0, fresh.drain());
        assertEquals(0, fresh.openConnections());
        fresh.events().closed(new Object());
        assertTrue(fresh.hasRecorded());
    }

    @Test
    void eventsOnAgentThreadsAreIgnored() throws Exception {
        assertFalse(AgentThreads.isCurrent());
        Object tracked = new Object();
        events.connected(tracked, target, System.nanoTime(), null);
        tracker.drain();
        assertEquals(1, tracker.openConnections());

        AtomicBoolean isAgentThread = new AtomicBoolean();
        Object exporterSocket = new Object();
        Thread t = AgentThreads.newThread("test", () -> {
            isAgentThread.set(AgentThreads.isCurrent());
            events.connected(exporterSocket, target, System.nanoTime(), null);
            events.connectPending(new Object(), target, System.nanoTime());
            events.finishedConnect(exporterSocket, null);
            events.accepted(new Object());
            events.endOfStream(tracked);
            events.ioFailed(tracked, new SocketException("Connection reset"));
            events.outputShutdown(tracked);
            events.lingerSet(tracked, true);
            events.closed(tracked);
        });
        assertTrue(t.isDaemon());
        assertSame(AgentThreads.GROUP, t.getThreadGroup());
        assertTrue(t.getName().startsWith("portwatch-test-"), t.getName());
        t.start();
        t.join(5000);
        assertTrue(isAgentThread.get());
        assertEquals(0, tracker.drain(), "nothing from the agent's own threads reaches the ring");
        assertEquals(1, tracker.openConnections());
        assertEquals(List.of(), sink.ended);

        events.closed(tracked);
        tracker.drain();
        assertEquals(Closer.LOCAL, sink.onlyEnded().closer(), "none of the agent thread's events counted");
    }

    @Test
    void callSiteIsTheFirstApplicationFrame() {
        Object conn = new Object();
        long start = System.nanoTime();
        CallSitesTest.AppCode.call(() -> {
            events.connected(conn, target, start, null);
            return null;
        });
        Object pending = new Object();
        CallSitesTest.AppCode.call(() -> {
            events.connectPending(pending, target, start);
            return null;
        });
        CallSitesTest.AppCode.call(() -> {
            events.connected(new Object(), target, start, new ConnectException("Connection refused"));
            return null;
        });
        events.closed(conn);
        events.finishedConnect(pending, null);
        events.closed(pending);
        tracker.drain();
        assertEquals(3, sink.ended.size());
        for (ConnectionRecord r : sink.ended) {
            assertNotNull(r.callSite, r.toString());
            assertEquals(CallSitesTest.AppCode.CLASS + ".get", r.callSite.function);
        }
    }

    @Test
    void noCallSiteWhenDisabled() {
        Tracker t = new Tracker(64, 10, new CallSites(false, 0, List.of()));
        Collecting s = new Collecting();
        t.sink(s);
        Object conn = new Object();
        CallSitesTest.AppCode.call(() -> {
            t.events().connected(conn, target, System.nanoTime(), null);
            return null;
        });
        t.drain();
        assertNull(s.opened.get(0).callSite);
    }

    @Test
    void fullRingDropsAndCounts() {
        Tracker t = new Tracker(4, 10, new CallSites(false, 0, List.of()));
        Object stranger = new Object();
        for (int i = 0; i < 6; i++) {
            t.events().closed(stranger);
        }
        assertEquals(2, t.droppedEvents());
        assertEquals(4, t.drain());
    }

    /**
     * A connection that opens and ends within one drain (most of a churn) goes to the reporter as
     * one report, not two: 600 such connections and one still open are 601 reports, not 1,201.
     * Each opened still reaches the sink before its ended, and the open one's opened comes too.
     */
    @Test
    void aConnectionOpenedAndEndedWithinOneDrainIsOneReport() {
        Tracker t = new Tracker(2048, 1000, new CallSites(true, 0, List.of()));
        SinkCalls sink = new SinkCalls();
        t.sink(sink);
        List<String> calls = sink.calls;
        // A reporter thread that never runs: the reports stay in its queue, to be counted.
        t.reporter().start(task -> new Thread(task) {
            @Override
            public synchronized void start() {
            }
        });
        ConnectionEvents ev = t.events();
        InetSocketAddress to = new InetSocketAddress(LOOPBACK, 9);
        for (int i = 0; i < 600; i++) {
            Object connection = new Object();
            ev.connected(connection, to, System.nanoTime(), null);
            ev.closed(connection);
        }
        Object stillOpen = new Object();
        ev.connected(stillOpen, to, System.nanoTime(), null);
        t.drain();
        assertEquals(601, t.reporter().backlog(), "one report per connection");
        t.reporter().deliver(false);
        assertEquals(1201, calls.size(), () -> "601 opened, 600 ended: " + calls);
        assertEquals(601, calls.stream().filter(c -> c.startsWith("opened ")).count(), "the open one's opened too");
        for (String call : calls) {
            if (call.startsWith("ended ")) {
                int opened = calls.indexOf("opened " + call.substring("ended ".length()));
                assertTrue(opened >= 0 && opened < calls.indexOf(call), () -> "opened before " + call);
            }
        }
        assertNotNull(stillOpen); // held until here, so that it is not collected as forgotten
    }

    @Test
    void droppedEventsAreSaidAtOnceThenAtMostEveryFiveMinutes() {
        Tracker t = new Tracker(4, 10, new CallSites(false, 0, List.of()));
        List<String> said = new ArrayList<>();
        t.problems(said::add);
        Object stranger = new Object();
        long now = 1_000_000_000L;
        t.sayLosses(now, false);
        assertEquals(List.of(), said, "nothing lost, nothing said");

        for (int i = 0; i < 6; i++) t.events().closed(stranger);
        t.sayLosses(now, false);
        assertEquals(List.of("connections went unrecorded, so far: 2 events dropped, the tracker behind the application"
                + " (buffer.size); the connection counters, the spans and the summary's counts miss them"), said);

        t.drain();
        for (int i = 0; i < 5; i++) t.events().closed(stranger);
        t.sayLosses(now + 60_000_000_000L, false);
        assertEquals(1, said.size(), "a minute later: quiet");
        t.sayLosses(now + 301_000_000_000L, false);
        assertEquals(2, said.size(), "five minutes later: said again");
        assertTrue(said.get(1).contains(" 3 events dropped"), said.get(1));
        t.sayLosses(now + 302_000_000_000L, true);
        assertEquals(2, said.size(), "at the end, only if more were lost");
    }

    @Test
    void aThrowingSinkLosesNoLaterEvents() {
        Tracker t = new Tracker(64, 10, new CallSites(false, 0, List.of()));
        List<ConnectionRecord> ended = new ArrayList<>();
        AtomicBoolean thrown = new AtomicBoolean();
        t.sink(r -> {
            if (thrown.compareAndSet(false, true)) throw new IllegalStateException("sink failed");
            ended.add(r);
        });
        Object a = new Object();
        Object b = new Object();
        t.events().connected(a, target, System.nanoTime(), null);
        t.events().connected(b, target, System.nanoTime(), null);
        t.events().closed(a);
        t.events().closed(b);
        List<Throwable> failures = new ArrayList<>();
        t.reporter().failures(failures::add);
        t.drain();
        assertEquals(1, failures.size(), "the sink's failure is reported");
        assertEquals(1, ended.size(), "the second close is still handled");
        assertEquals(0, t.openConnections());
    }

    @Test
    void collectedConnectionIsEndedAsCollected() throws Exception {
        connectAndForget();
        assertTrue(EventRingTest.gcUntil(() -> {
            tracker.drain();
            return !sink.ended.isEmpty();
        }), "a forgotten connection was never ended");
        ConnectionRecord r = sink.onlyEnded();
        assertEquals(ConnectionEnd.COLLECTED, r.end());
        assertEquals(Closer.UNKNOWN, r.closer());
        assertEquals(0, tracker.openConnections());
    }

    private void connectAndForget() {
        events.connected(new Object(), target, System.nanoTime(), null);
        tracker.drain();
        assertEquals(1, tracker.openConnections());
    }
}
