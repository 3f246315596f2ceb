package io.portwatch.track;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who closed a connection first, from the events the advice reports around real loopback
 * sockets: a FIN read, a shutdown, an RST from SO_LINGER 0, an I/O failure that is not a reset.
 */
class TrackerCloserTest extends TrackerFixture {

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
        assertEquals("127.0.0.1", out.serverName());
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
        assertNull(in.serverName());
        assertNull(in.callSite, "no stack walk for an accepted connection");
        assertEquals(server.getLocalPort(), in.localPort());
        assertEquals(client.getLocalPort(), in.peerPort());
        assertEquals(LOOPBACK, in.peerAddress());
        assertEquals(ConnectionEnd.CLOSED, in.end());
        assertEquals(Closer.LOCAL, in.closer());
        assertTrue(in.id != out.id);
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
}
