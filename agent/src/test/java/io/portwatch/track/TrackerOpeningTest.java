package io.portwatch.track;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What a connection's record learns as it opens: its local address, whether it was bound before
 * connect, connections opened before the agent attached, channels as well as sockets, and its call
 * site.
 */
class TrackerOpeningTest extends TrackerFixture {

    @Test
    void theLocalAddressTheJdkReadInsideTheConnectIsTakenWhenItHasTheSocketsPort() throws Exception {
        InetAddress readByTheJdk = InetAddress.getByName("127.0.0.2"); // not the socket's: shows which was used
        Socket client = closeLater(new Socket());
        long start = System.nanoTime();
        client.connect(target, 5000);
        events.localAddressRead(readByTheJdk, client.getLocalPort());
        events.connected(client, target, start, null);
        Socket accepted = closeLater(server.accept());
        events.localAddressRead(readByTheJdk, client.getLocalPort()); // another port
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
        events.localAddressRead(InetAddress.getByName("127.0.0.2"), client.getLocalPort());
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
}
