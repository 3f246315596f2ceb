package io.portwatch.track;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Connects that fail: one failed record with its error type for those that reached the network,
 * none for those that did not, and non-blocking connects closed before they finished.
 */
class TrackerFailedConnectTest extends TrackerFixture {

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
}
