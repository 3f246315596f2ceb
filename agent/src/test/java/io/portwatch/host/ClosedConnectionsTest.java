package io.portwatch.host;

import io.portwatch.budget.Destination;
import io.portwatch.kernel.TcpRow;
import io.portwatch.kernel.TcpState;
import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionRecord;
import io.portwatch.track.TestRecords;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The join of ended connections with one snapshot of the kernel's tables. */
class ClosedConnectionsTest {

    private static final InetAddress LOOPBACK = address("127.0.0.1");
    private static final InetAddress HOST = address("10.0.0.5");
    private static final InetAddress REMOTE = address("10.0.0.9");
    private static final InetAddress OTHER_REMOTE = address("10.0.0.10");
    private static final InetAddress LOOPBACK6 = address("::1");

    private final ClosedConnections closed = new ClosedConnections();

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A table row; {@code tcp6}: as a dual-stack socket lists it. */
    private static TcpRow row(InetAddress local, int localPort, InetAddress remote, int remotePort, int state,
                              boolean tcp6) {
        Destination d = Destination.of(local, remote, remotePort);
        TcpRow r = new TcpRow();
        r.ipv6Socket = tcp6;
        r.localHi = d.localHi();
        r.localLo = d.localLo();
        r.localPort = localPort;
        r.remoteHi = d.remoteHi();
        r.remoteLo = d.remoteLo();
        r.remotePort = remotePort;
        r.state = state;
        return r;
    }

    private static TcpRow row(InetAddress local, int localPort, InetAddress remote, int remotePort, int state) {
        return row(local, localPort, remote, remotePort, state, false);
    }

    /** Reads the tables as {@code rows} until every record is decided, as the reporter does: twice at most. */
    private void scan(List<ConnectionRecord> records, boolean overflowed, TcpRow... rows) {
        read(records, overflowed, false, rows);
        List<ConnectionRecord> again = null; // nothing allocated when none waits: the allocation test below
        for (int i = 0; i < records.size(); i++) {
            if (!records.get(i).awaitsAnotherRead()) continue;
            if (again == null) again = new ArrayList<>();
            again.add(records.get(i));
        }
        if (again == null) return;
        read(again, overflowed, false, rows);
        for (ConnectionRecord r : again) {
            assertFalse(r.awaitsAnotherRead(), r::toString);
        }
    }

    private void read(List<ConnectionRecord> records, boolean overflowed, boolean lastRead, TcpRow... rows) {
        closed.begin(records);
        for (TcpRow r : rows) {
            closed.row(r);
        }
        closed.finish(overflowed, lastRead);
    }

    private static void assertConfirmed(ConnectionRecord r, boolean timeWait, Closer closer, String source) {
        assertEquals(timeWait, r.timeWait(), r::toString);
        assertEquals(closer, r.closer(), r::toString);
        assertEquals(source, r.closerSource(), r::toString);
    }

    @Test
    void ownRowTellsTheCloser() {
        ConnectionRecord tw = TestRecords.closed(HOST, 40001, REMOTE, 5432, true);
        ConnectionRecord fin2 = TestRecords.closed(HOST, 40002, REMOTE, 5432, true);
        ConnectionRecord closeWait = TestRecords.closed(HOST, 40003, REMOTE, 5432, false);
        ConnectionRecord lastAck = TestRecords.closed(HOST, 40004, REMOTE, 5432, false);
        scan(Arrays.asList(tw, fin2, closeWait, lastAck), false,
                row(HOST, 40001, REMOTE, 5432, TcpState.TIME_WAIT),
                row(HOST, 40002, REMOTE, 5432, TcpState.FIN_WAIT2),
                row(HOST, 40003, REMOTE, 5432, TcpState.CLOSE_WAIT),
                row(HOST, 40004, REMOTE, 5432, TcpState.LAST_ACK),
                row(HOST, 40005, REMOTE, 5432, TcpState.TIME_WAIT)); // not one of ours
        assertConfirmed(tw, true, Closer.LOCAL, "kernel");
        assertConfirmed(fin2, true, Closer.LOCAL, "kernel");
        assertConfirmed(closeWait, false, Closer.PEER, "kernel");
        assertConfirmed(lastAck, false, Closer.PEER, "kernel");
    }

    @Test
    void aRemotePeerLeavesNoRow() {
        ConnectionRecord localFirst = TestRecords.closed(HOST, 40001, REMOTE, 5432, false);
        ConnectionRecord peerFirst = TestRecords.closed(HOST, 40002, REMOTE, 5432, true);
        scan(Arrays.asList(localFirst, peerFirst), false);
        assertConfirmed(localFirst, false, Closer.UNKNOWN, "kernel");
        assertConfirmed(peerFirst, false, Closer.PEER, "jvm");

        ConnectionRecord overflowed = TestRecords.closed(HOST, 40003, REMOTE, 5432, false);
        scan(Collections.singletonList(overflowed), true);
        assertConfirmed(overflowed, false, Closer.LOCAL, "jvm");
    }

    @Test
    void aPeerOnThisHostIsLookedUpUnderItsOwnSide() {
        // loopback, and this host's own address on both ends
        ConnectionRecord loop = TestRecords.closed(LOOPBACK, 40001, LOOPBACK, 8080, false);
        ConnectionRecord self = TestRecords.closed(HOST, 40002, HOST, 8080, false);
        ConnectionRecord finWait1 = TestRecords.closed(LOOPBACK, 40003, LOOPBACK, 8080, false);
        ConnectionRecord reset = TestRecords.closed(LOOPBACK, 40004, LOOPBACK, 8080, false);
        scan(Arrays.asList(loop, self, finWait1, reset), false,
                row(LOOPBACK, 8080, LOOPBACK, 40001, TcpState.TIME_WAIT),
                row(HOST, 8080, HOST, 40002, TcpState.TIME_WAIT),
                row(LOOPBACK, 8080, LOOPBACK, 40003, TcpState.FIN_WAIT1),
                row(LOOPBACK, 8080, LOOPBACK, 40004, TcpState.LISTEN)); // not a closing state
        assertConfirmed(loop, false, Closer.PEER, "kernel");
        assertConfirmed(self, false, Closer.PEER, "kernel");
        assertConfirmed(finWait1, false, Closer.PEER, "kernel");
        assertConfirmed(reset, false, Closer.RESET, "kernel");

        ConnectionRecord overflowed = TestRecords.closed(LOOPBACK, 40005, LOOPBACK, 8080, false);
        scan(Collections.singletonList(overflowed), true);
        assertConfirmed(overflowed, false, Closer.LOCAL, "jvm");
    }

    @Test
    void ipv6Loopback() {
        ConnectionRecord ours = TestRecords.closed(LOOPBACK6, 40001, LOOPBACK6, 8080, true);
        ConnectionRecord theirs = TestRecords.closed(LOOPBACK6, 40002, LOOPBACK6, 8080, false);
        scan(Arrays.asList(ours, theirs), false,
                row(LOOPBACK6, 40001, LOOPBACK6, 8080, TcpState.TIME_WAIT, true),
                row(LOOPBACK6, 8080, LOOPBACK6, 40002, TcpState.TIME_WAIT, true),
                row(LOOPBACK, 40002, LOOPBACK, 8080, TcpState.TIME_WAIT, true)); // same ports, other address
        assertConfirmed(ours, true, Closer.LOCAL, "kernel");
        assertConfirmed(theirs, false, Closer.PEER, "kernel");
    }

    @Test
    void theAddressMustMatchNotOnlyThePorts() {
        ConnectionRecord r = TestRecords.closed(HOST, 40001, REMOTE, 5432, false);
        scan(Collections.singletonList(r), false, row(HOST, 40001, OTHER_REMOTE, 5432, TcpState.TIME_WAIT));
        assertConfirmed(r, false, Closer.UNKNOWN, "kernel");
    }

    @Test
    void recordsSharingAPortPairAreEachDecided() {
        // the same local port toward two destinations on the same port: one key, two lookups
        ConnectionRecord toRemote = TestRecords.closed(HOST, 40001, REMOTE, 5432, false);
        ConnectionRecord toOther = TestRecords.closed(HOST, 40001, OTHER_REMOTE, 5432, false);
        // a local pair whose peer side has the same key as a remote record's own side
        ConnectionRecord local = TestRecords.closed(LOOPBACK, 5432, LOOPBACK, 40001, false);
        scan(Arrays.asList(toRemote, toOther, local), false,
                row(HOST, 40001, OTHER_REMOTE, 5432, TcpState.CLOSE_WAIT),
                row(HOST, 40001, REMOTE, 5432, TcpState.TIME_WAIT),
                row(LOOPBACK, 40001, LOOPBACK, 5432, TcpState.TIME_WAIT));
        assertConfirmed(toRemote, true, Closer.LOCAL, "kernel");
        assertConfirmed(toOther, false, Closer.PEER, "kernel");
        assertConfirmed(local, false, Closer.PEER, "kernel");
    }

    @Test
    void aConnectionToItselfIsBothSides() {
        // TCP simultaneous open from a port to itself: its own row is also its peer's
        ConnectionRecord r = TestRecords.closed(LOOPBACK, 40001, LOOPBACK, 40001, false);
        scan(Collections.singletonList(r), false, row(LOOPBACK, 40001, LOOPBACK, 40001, TcpState.TIME_WAIT));
        assertConfirmed(r, true, Closer.LOCAL, "kernel");
    }

    @Test
    void ofTwoRowsOfOneTupleTheTellingOneCounts() {
        ConnectionRecord establishedFirst = TestRecords.closed(HOST, 40001, REMOTE, 5432, false);
        ConnectionRecord timeWaitFirst = TestRecords.closed(HOST, 40002, REMOTE, 5432, false);
        ConnectionRecord onlyEstablished = TestRecords.closed(HOST, 40003, REMOTE, 5432, false);
        scan(Arrays.asList(establishedFirst, timeWaitFirst, onlyEstablished), false,
                row(HOST, 40001, REMOTE, 5432, TcpState.ESTABLISHED, false),
                row(HOST, 40001, REMOTE, 5432, TcpState.TIME_WAIT, true),
                row(HOST, 40002, REMOTE, 5432, TcpState.TIME_WAIT, false),
                row(HOST, 40002, REMOTE, 5432, TcpState.CLOSE_WAIT, true),
                row(HOST, 40003, REMOTE, 5432, TcpState.ESTABLISHED, true));
        assertConfirmed(establishedFirst, true, Closer.LOCAL, "kernel");
        assertConfirmed(timeWaitFirst, true, Closer.LOCAL, "kernel");
        // ESTABLISHED again: the 4-tuple was reused; the row is not this connection's
        assertUnconfirmed(onlyEstablished, Closer.LOCAL);
    }

    /**
     * One read of the tables can miss a row (they are read a few KiB at a time while rows come and
     * go): a connection read as gone, where that says what the JVM did not see, waits for the next
     * read, and only two reads that agree make it a reset or an unknown closer.
     */
    @Test
    void aConnectionReadAsGoneWaitsForTheNextRead() {
        ConnectionRecord missed = TestRecords.closed(LOOPBACK, 40001, LOOPBACK, 8080, false);
        ConnectionRecord reset = TestRecords.closed(LOOPBACK, 40002, LOOPBACK, 8080, false);
        ConnectionRecord remote = TestRecords.closed(HOST, 40003, REMOTE, 5432, false);
        ConnectionRecord peerFirst = TestRecords.closed(HOST, 40004, REMOTE, 5432, true);
        ConnectionRecord found = TestRecords.closed(HOST, 40005, REMOTE, 5432, false);
        List<ConnectionRecord> all = Arrays.asList(missed, reset, remote, peerFirst, found);
        read(all, false, false, row(HOST, 40005, REMOTE, 5432, TcpState.TIME_WAIT));
        for (ConnectionRecord r : Arrays.asList(missed, reset, remote)) {
            assertTrue(r.awaitsAnotherRead(), r::toString);
            assertUnconfirmed(r, Closer.LOCAL);
        }
        // gone, and saying nothing the JVM did not see: decided at once
        assertFalse(peerFirst.awaitsAnotherRead());
        assertConfirmed(peerFirst, false, Closer.PEER, "jvm");
        assertFalse(found.awaitsAnotherRead());
        assertConfirmed(found, true, Closer.LOCAL, "kernel");

        read(Arrays.asList(missed, reset, remote), false, false,
                row(LOOPBACK, 40001, LOOPBACK, 8080, TcpState.TIME_WAIT));
        assertConfirmed(missed, true, Closer.LOCAL, "kernel");
        assertConfirmed(reset, false, Closer.RESET, "kernel");
        assertConfirmed(remote, false, Closer.UNKNOWN, "kernel");
        for (ConnectionRecord r : all) {
            assertFalse(r.awaitsAnotherRead(), r::toString);
        }
    }

    @Test
    void theLastReadDecidesAtOnce() {
        ConnectionRecord reset = TestRecords.closed(LOOPBACK, 40001, LOOPBACK, 8080, false);
        read(Collections.singletonList(reset), false, true);
        assertFalse(reset.awaitsAnotherRead());
        assertConfirmed(reset, false, Closer.RESET, "kernel");
    }

    @Test
    void aConnectionLookedUpAgainWaitsNoMore() {
        // the second read sees its tuple reused: the JVM's guess stands, and it is sent
        ConnectionRecord reused = TestRecords.closed(LOOPBACK, 40001, LOOPBACK, 8080, false);
        read(Collections.singletonList(reused), false, false);
        assertTrue(reused.awaitsAnotherRead());
        read(Collections.singletonList(reused), false, false, row(LOOPBACK, 40001, LOOPBACK, 8080, TcpState.ESTABLISHED));
        assertFalse(reused.awaitsAnotherRead());
        assertUnconfirmed(reused, Closer.LOCAL);
    }

    @Test
    void aTupleReusedOnLoopbackKeepsTheJvmsGuess() {
        // loopback reuses a TIME_WAIT a second old: our row, or our peer's, is a new connection's
        ConnectionRecord ourRowReused = TestRecords.closed(LOOPBACK, 40001, LOOPBACK, 8080, false);
        ConnectionRecord peerRowReused = TestRecords.closed(LOOPBACK, 40002, LOOPBACK, 8080, false);
        ConnectionRecord opening = TestRecords.closed(LOOPBACK, 40003, LOOPBACK, 8080, false);
        scan(Arrays.asList(ourRowReused, peerRowReused, opening), false,
                row(LOOPBACK, 40001, LOOPBACK, 8080, TcpState.ESTABLISHED),
                row(LOOPBACK, 8080, LOOPBACK, 40001, TcpState.ESTABLISHED),
                row(LOOPBACK, 8080, LOOPBACK, 40002, TcpState.ESTABLISHED),
                row(LOOPBACK, 40003, LOOPBACK, 8080, TcpState.SYN_SENT));
        assertUnconfirmed(ourRowReused, Closer.LOCAL);
        assertUnconfirmed(peerRowReused, Closer.LOCAL);
        assertUnconfirmed(opening, Closer.LOCAL);
    }

    private static void assertUnconfirmed(ConnectionRecord r, Closer jvmGuess) {
        assertNull(r.timeWait(), r::toString);
        assertEquals(jvmGuess, r.closer(), r::toString);
        assertEquals("jvm", r.closerSource(), r::toString);
    }

    @Test
    void recordsWithoutEndpointsAreLeftUnknown() {
        ConnectionRecord noPort = TestRecords.closed(HOST, 0, REMOTE, 5432, false);
        ConnectionRecord noPeer = TestRecords.closed(HOST, 40001, null, 5432, false);
        ConnectionRecord noLocalAddress = TestRecords.closed(null, 40002, LOOPBACK, 8080, false);
        scan(Arrays.asList(noPort, noPeer, noLocalAddress), false,
                row(HOST, 0, REMOTE, 5432, TcpState.TIME_WAIT),
                row(LOOPBACK, 8080, LOOPBACK, 40002, TcpState.TIME_WAIT));
        assertNull(noPort.timeWait());
        assertNull(noPeer.timeWait());
        // a loopback peer, but without our address the peer's row cannot be matched
        assertConfirmed(noLocalAddress, false, Closer.RESET, "kernel");
    }

    @Test
    void largeBatchesThenSmallOnes() {
        // Port pairs chosen to crowd the table: every record shares its peer port, local ports
        // are consecutive, and every tenth record shares its local port with the one before.
        for (int size : new int[] {5000, 3, 40_000, 10}) {
            List<ConnectionRecord> records = new ArrayList<>();
            List<TcpRow> rows = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                int port = 1024 + (i - i / 10) % 60000;
                InetAddress peer = i % 10 == 0 ? OTHER_REMOTE : REMOTE;
                records.add(TestRecords.closed(HOST, port, peer, 5432, false));
                rows.add(row(HOST, port, peer, 5432, i % 3 == 0 ? TcpState.TIME_WAIT : TcpState.CLOSE_WAIT));
            }
            Collections.reverse(rows);
            scan(records, false, rows.toArray(new TcpRow[0]));
            for (int i = 0; i < size; i++) {
                ConnectionRecord r = records.get(i);
                if (i % 3 == 0) {
                    assertConfirmed(r, true, Closer.LOCAL, "kernel");
                } else {
                    assertConfirmed(r, false, Closer.PEER, "kernel");
                }
            }
        }
    }

    @Test
    void aScanForgetsTheLastOne() {
        ConnectionRecord first = TestRecords.closed(HOST, 40001, REMOTE, 5432, false);
        scan(Collections.singletonList(first), false, row(HOST, 40001, REMOTE, 5432, TcpState.TIME_WAIT));
        assertConfirmed(first, true, Closer.LOCAL, "kernel");
        // the next scan has nothing to decide: rows of the old record's tuple change nothing
        scan(Collections.emptyList(), false, row(HOST, 40001, REMOTE, 5432, TcpState.CLOSE_WAIT));
        assertConfirmed(first, true, Closer.LOCAL, "kernel");
        ConnectionRecord second = TestRecords.closed(HOST, 40002, REMOTE, 5432, false);
        scan(Collections.singletonList(second), false, row(HOST, 40001, REMOTE, 5432, TcpState.CLOSE_WAIT));
        assertConfirmed(second, false, Closer.UNKNOWN, "kernel");
    }

    @Test
    void aScanAllocatesNothingPerRowNorPerRecord() {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean,
                "needs allocation counters");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported()
                && mx.isThreadAllocatedMemoryEnabled());

        List<ConnectionRecord> records = new ArrayList<>();
        TcpRow[] rows = new TcpRow[30_000];
        for (int i = 0; i < rows.length; i++) {
            int port = 32768 + i;
            if (i % 30 == 0) records.add(TestRecords.closed(HOST, port, REMOTE, 5432, false));
            rows[i] = row(HOST, port, REMOTE, 5432, TcpState.TIME_WAIT);
        }
        scan(records, false, rows); // warm up: the arrays grow to the batch
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        scan(records, false, rows);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        for (ConnectionRecord r : records) assertConfirmed(r, true, Closer.LOCAL, "kernel");
        // One object per record would be >= 16 KB, one per row >= 480 KB.
        assertTrue(allocated < 8 * 1024, "allocated " + allocated + " bytes for " + records.size()
                + " records and " + rows.length + " rows");
    }
}
