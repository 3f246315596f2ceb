package io.portwatch.track;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionRecordTest {

    private static ConnectionRecord record() {
        return new ConnectionRecord(1, ConnectionRecord.Direction.OUTGOING, "socket", "db.example", "main",
                null, 100L);
    }

    @Test
    void serverHostPortIsTheNameTheApplicationUsedElseThePeersAddress() throws Exception {
        ConnectionRecord named = new ConnectionRecord(1, ConnectionRecord.Direction.OUTGOING, "socket", "db.example",
                "t", null, 0);
        named.endpoints(null, 0, InetAddress.getByName("10.0.0.5"), 3306);
        assertEquals("db.example:3306", named.serverHostPort());
        ConnectionRecord v6 = new ConnectionRecord(2, ConnectionRecord.Direction.OUTGOING, "socket", null, "t", null, 0);
        v6.endpoints(null, 0, InetAddress.getByName("::1"), 5432);
        assertEquals("[0:0:0:0:0:0:0:1]:5432", v6.serverHostPort());
        ConnectionRecord unknown = new ConnectionRecord(3, ConnectionRecord.Direction.OUTGOING, "socket", null, "t", null, 0);
        assertNull(unknown.serverHostPort());
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
    void thisSideClosedFirstWhenItsCloseCameFirstEvenIfTheKernelSawAReset() {
        ConnectionRecord fin = record();
        fin.end(ConnectionEnd.CLOSED, 200L);
        fin.confirmByKernel(true, Closer.LOCAL);
        assertTrue(fin.closedHereFirst());

        // A close with unread data goes out as a reset: the kernel says reset, the JVM saw its close first.
        ConnectionRecord closeAsReset = record();
        closeAsReset.end(ConnectionEnd.CLOSED, 200L);
        closeAsReset.confirmByKernel(false, Closer.RESET);
        assertEquals(Closer.RESET, closeAsReset.closer());
        assertTrue(closeAsReset.closedHereFirst());

        // SO_LINGER 0 (Jedis sets it): every close of this side's goes out as a reset.
        ConnectionRecord lingerZeroClose = record();
        lingerZeroClose.lingerZero(true);
        lingerZeroClose.end(ConnectionEnd.CLOSED, 200L);
        assertEquals(Closer.RESET, lingerZeroClose.closer());
        assertTrue(lingerZeroClose.closedHereFirst(), "the JVM's own guess");
        lingerZeroClose.confirmByKernel(false, Closer.RESET);
        assertTrue(lingerZeroClose.closedHereFirst(), "the kernel's word");

        ConnectionRecord lingerZeroAfterPeer = record();
        lingerZeroAfterPeer.lingerZero(true);
        lingerZeroAfterPeer.peerFin();
        lingerZeroAfterPeer.end(ConnectionEnd.CLOSED, 200L);
        assertEquals(Closer.RESET, lingerZeroAfterPeer.closer());
        assertFalse(lingerZeroAfterPeer.closedHereFirst(), "the peer's FIN came before this side's close");

        ConnectionRecord resetSeen = record();
        resetSeen.reset();
        resetSeen.end(ConnectionEnd.CLOSED, 200L);
        resetSeen.confirmByKernel(false, Closer.RESET);
        assertFalse(resetSeen.closedHereFirst(), "a reset that a read or write saw may be the peer's");

        ConnectionRecord peer = record();
        peer.peerFin();
        peer.end(ConnectionEnd.CLOSED, 200L);
        assertFalse(peer.closedHereFirst());

        ConnectionRecord kernelSaysPeer = record();
        kernelSaysPeer.end(ConnectionEnd.CLOSED, 200L);
        kernelSaysPeer.confirmByKernel(false, Closer.PEER);
        assertFalse(kernelSaysPeer.closedHereFirst());
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

    @Test
    void equalLocalAddressesAreOneInstanceAcrossRecords() throws Exception {
        InetAddress first = InetAddress.getByAddress(new byte[]{10, 0, 0, 7});
        InetAddress again = InetAddress.getByAddress(new byte[]{10, 0, 0, 7});
        InetAddress other = InetAddress.getByAddress(new byte[]{10, 0, 0, 8});
        InetAddress peer = InetAddress.getByAddress(new byte[]{10, 0, 0, 9});
        assertNotSame(first, again);
        ConnectionRecord a = record();
        ConnectionRecord b = record();
        ConnectionRecord c = record();
        a.endpoints(first, 40000, peer, 3306);
        b.endpoints(again, 40001, peer, 3306);
        c.endpoints(other, 40002, peer, 3306);
        assertSame(a.localAddress(), b.localAddress(), "an equal local address is shared");
        assertEquals(again, b.localAddress());
        assertEquals(other, c.localAddress());
        assertSame(peer, b.peerAddress(), "the peer's address is kept as given");
        assertEquals(40001, b.localPort());

        ConnectionRecord none = record();
        none.endpoints(null, 0, peer, 3306);
        assertNull(none.localAddress());
    }

    @Test
    void ipv6LocalAddressesOfAnotherScopeAreNotShared() throws Exception {
        byte[] linkLocal = InetAddress.getByName("fe80::1").getAddress();
        InetAddress scope1 = Inet6Address.getByAddress(null, linkLocal, 1);
        InetAddress scope2 = Inet6Address.getByAddress(null, linkLocal, 2);
        assertEquals(scope1, scope2, "equals ignores the scope");
        ConnectionRecord a = record();
        ConnectionRecord b = record();
        a.endpoints(scope1, 40000, null, 0);
        b.endpoints(scope2, 40001, null, 0);
        assertEquals(scope2.getHostAddress(), b.localAddress().getHostAddress(), "the scope is part of what is recorded");
        ConnectionRecord c = record();
        c.endpoints(Inet6Address.getByAddress(null, linkLocal, 2), 40002, null, 0);
        assertSame(b.localAddress(), c.localAddress());
    }
}

