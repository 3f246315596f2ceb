package io.portwatch.track;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionRecordTest {

    private static ConnectionRecord record() {
        return new ConnectionRecord(1, ConnectionRecord.Direction.OUTGOING, "socket", "db.example", "main",
                null, 100L);
    }

    @Test
    void peerFinThenCloseIsPeer() {
        ConnectionRecord r = record();
        r.peerFin();
        r.end(ConnectionEnd.CLOSED, 200L);
        assertEquals(Closer.PEER, r.closer());
    }

    @Test
    void closeWithoutFinIsLocal() {
        ConnectionRecord r = record();
        r.end(ConnectionEnd.CLOSED, 200L);
        assertEquals(Closer.LOCAL, r.closer());
    }

    @Test
    void shutdownOutputThenPeerFinIsLocal() {
        ConnectionRecord r = record();
        r.localFin();
        r.peerFin();
        r.end(ConnectionEnd.CLOSED, 200L);
        assertEquals(Closer.LOCAL, r.closer());
    }

    @Test
    void peerFinThenShutdownOutputIsPeer() {
        ConnectionRecord r = record();
        r.peerFin();
        r.localFin();
        r.end(ConnectionEnd.CLOSED, 200L);
        assertEquals(Closer.PEER, r.closer());
    }

    @Test
    void resetBeatsEveryFin() {
        ConnectionRecord r = record();
        r.reset();
        r.end(ConnectionEnd.CLOSED, 200L);
        assertEquals(Closer.RESET, r.closer());

        ConnectionRecord afterPeerFin = record();
        afterPeerFin.peerFin();
        afterPeerFin.reset();
        afterPeerFin.end(ConnectionEnd.CLOSED, 200L);
        assertEquals(Closer.RESET, afterPeerFin.closer());

        ConnectionRecord afterLocalFin = record();
        afterLocalFin.localFin();
        afterLocalFin.reset();
        afterLocalFin.end(ConnectionEnd.CLOSED, 200L);
        assertEquals(Closer.RESET, afterLocalFin.closer());
    }

    @Test
    void resetSeenOnAConnectionOpenAtExitIsReset() {
        ConnectionRecord r = record();
        r.reset();
        r.end(ConnectionEnd.OPEN_AT_EXIT, 200L);
        assertEquals(Closer.RESET, r.closer());
    }

    @Test
    void lingerZeroAndCloseIsReset() {
        ConnectionRecord r = record();
        r.lingerZero(true);
        r.end(ConnectionEnd.CLOSED, 200L);
        assertEquals(Closer.RESET, r.closer());
    }

    @Test
    void lingerZeroWithoutCloseIsNotAReset() {
        ConnectionRecord r = record();
        r.lingerZero(true);
        r.end(ConnectionEnd.OPEN_AT_EXIT, 200L);
        assertEquals(Closer.UNKNOWN, r.closer());

        ConnectionRecord collected = record();
        collected.lingerZero(true);
        collected.end(ConnectionEnd.COLLECTED, 200L);
        assertEquals(Closer.UNKNOWN, collected.closer());
    }

    @Test
    void openAtExitWithoutFinIsUnknown() {
        ConnectionRecord r = record();
        r.end(ConnectionEnd.OPEN_AT_EXIT, 200L);
        assertEquals(Closer.UNKNOWN, r.closer());
        assertEquals(ConnectionEnd.OPEN_AT_EXIT, r.end());
        assertEquals(200L, r.endNanos());
    }

    @Test
    void openAtExitAfterPeerFinIsPeer() {
        ConnectionRecord r = record();
        r.peerFin();
        r.end(ConnectionEnd.OPEN_AT_EXIT, 200L);
        assertEquals(Closer.PEER, r.closer());
    }

    @Test
    void openAtExitAfterShutdownOutputIsLocal() {
        ConnectionRecord r = record();
        r.localFin();
        r.end(ConnectionEnd.OPEN_AT_EXIT, 200L);
        assertEquals(Closer.LOCAL, r.closer());
    }

    @Test
    void collectedWithoutFinIsUnknownAndAfterPeerFinIsPeer() {
        ConnectionRecord r = record();
        r.end(ConnectionEnd.COLLECTED, 200L);
        assertEquals(Closer.UNKNOWN, r.closer());

        ConnectionRecord p = record();
        p.peerFin();
        p.end(ConnectionEnd.COLLECTED, 200L);
        assertEquals(Closer.PEER, p.closer());
    }

    @Test
    void failedIsUnknownWhateverElseWasSeen() {
        ConnectionRecord r = record();
        r.reset();
        r.peerFin();
        r.fail(new ConnectException("Connection refused"), 150L);
        assertEquals(Closer.UNKNOWN, r.closer());
        assertTrue(r.failed());
        assertEquals(ConnectionEnd.FAILED, r.end());
        assertEquals("ECONNREFUSED", r.errorType());
        assertEquals("Connection refused", r.errorMessage());
        assertEquals(150L, r.connectedNanos());
        assertEquals(150L, r.endNanos());
    }

    @Test
    void abandonedIsUnknown() {
        ConnectionRecord r = record();
        r.end(ConnectionEnd.ABANDONED, 200L);
        assertEquals(Closer.UNKNOWN, r.closer());
        assertFalse(r.failed());
    }

    @Test
    void isConnectingUntilConnectedOrEnded() {
        ConnectionRecord r = record();
        assertTrue(r.isConnecting());
        r.connectedNanos = 150L;
        assertFalse(r.isConnecting());

        ConnectionRecord ended = record();
        ended.end(ConnectionEnd.ABANDONED, 200L);
        assertFalse(ended.isConnecting());
    }

    @Test
    void endpointsAndTimeWait() throws Exception {
        ConnectionRecord r = record();
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        r.endpoints(lo, 40000, lo, 3306);
        assertEquals(lo, r.localAddress());
        assertEquals(40000, r.localPort());
        assertEquals(lo, r.peerAddress());
        assertEquals(3306, r.peerPort());
        assertNull(r.timeWait());
        r.confirmByKernel(true, null);
        assertEquals(Boolean.TRUE, r.timeWait());
        assertEquals("jvm", r.closerSource(), "no closer from the kernel: the JVM's guess stands");
        r.end(ConnectionEnd.CLOSED, 200L);
        assertTrue(r.toString().contains("closer=LOCAL"), r.toString());
        assertTrue(r.toString().contains(":3306"), r.toString());
    }

    @Test
    void theKernelsCloserBeatsTheJvmsGuess() {
        ConnectionRecord r = record();
        r.end(ConnectionEnd.CLOSED, 200L);
        assertEquals(Closer.LOCAL, r.closer());
        r.confirmByKernel(false, Closer.PEER);
        assertEquals(Closer.PEER, r.closer());
        assertEquals(Closer.LOCAL, r.jvmCloser());
        assertEquals("kernel", r.closerSource());
        assertEquals(Boolean.FALSE, r.timeWait());
    }

    @Test
    void closerValuesAreTheAttributeValues() {
        assertEquals("local", Closer.LOCAL.value());
        assertEquals("peer", Closer.PEER.value());
        assertEquals("reset", Closer.RESET.value());
        assertEquals("unknown", Closer.UNKNOWN.value());
    }
}
