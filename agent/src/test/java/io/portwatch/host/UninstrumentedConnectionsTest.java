package io.portwatch.host;

import io.portwatch.budget.Destination;
import io.portwatch.kernel.ConnectionKey;
import io.portwatch.kernel.TcpRow;
import io.portwatch.kernel.TcpState;
import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionEnd;
import io.portwatch.track.ConnectionRecord;
import io.portwatch.track.ConnectionSink;
import io.portwatch.track.TestRecords;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel catch-all's logic, on reads made up row by row: which of this JVM's rows are
 * uninstrumented, when they are counted, the closer from the rows left after them, the once-only
 * lines.
 */
class UninstrumentedConnectionsTest {

    private static final InetAddress LOOPBACK = address("127.0.0.1");
    private static final InetAddress REMOTE = address("10.0.0.9");

    private final List<String> said = new ArrayList<>();
    private final List<Long> agentKeys = new ArrayList<>();
    private final UninstrumentedConnections catchAll = new UninstrumentedConnections(this::takeAgentKeys, said::add);
    private final List<ConnectionRecord> opened = new ArrayList<>();
    private final List<ConnectionRecord> ended = new ArrayList<>();
    private final ConnectionSink sink = new ConnectionSink() {
        @Override
        public void opened(ConnectionRecord r) {
            opened.add(r);
        }

        @Override
        public void ended(ConnectionRecord r) {
            ended.add(r);
        }
    };
    private long now = 1_000_000_000L;

    @Test
    void aConnectionNoAdviceReportedIsCountedAtTheNextReadAndEndedWithTheKernelsCloser() {
        TcpRow open = row(LOOPBACK, 40001, REMOTE, 443, TcpState.ESTABLISHED, 11);
        read(new long[]{11}, open);
        assertEquals(List.of(), opened, "a candidate only: the advice may not have reported it yet");
        read(new long[]{11}, open);
        assertEquals(1, opened.size());
        ConnectionRecord r = opened.get(0);
        assertFalse(r.instrumented());
        assertEquals(ConnectionRecord.Direction.OUTGOING, r.direction);
        assertEquals(REMOTE, r.peerAddress());
        assertEquals(443, r.peerPort());
        assertEquals(40001, r.localPort());
        assertEquals(1_000_000_000L + 1, r.startNanos, "started when first seen");
        assertEquals(List.of(), ended);

        read(new long[]{}, row(LOOPBACK, 40001, REMOTE, 443, TcpState.TIME_WAIT, 0));
        assertEquals(List.of(r), ended);
        assertEquals(ConnectionEnd.CLOSED, r.end());
        assertEquals(Closer.LOCAL, r.closer(), "a TIME_WAIT of its 4-tuple: this side closed first");
        assertEquals("kernel", r.closerSource());
        assertEquals(Boolean.TRUE, r.timeWait());
        assertEquals(1, said.size(), () -> "said: " + said);
        assertTrue(said.get(0).contains("toward 10.0.0.9:443"), said::toString);
    }

    @Test
    void goneWithoutATimeWaitHereThePeerClosedFirst() {
        TcpRow open = row(LOOPBACK, 40002, REMOTE, 443, TcpState.ESTABLISHED, 12);
        read(new long[]{12}, open);
        read(new long[]{12}, open);
        read(new long[]{});
        assertEquals(1, ended.size());
        assertEquals(Closer.PEER, ended.get(0).closer());
        assertEquals(Boolean.FALSE, ended.get(0).timeWait());
    }

    @Test
    void aRowOneReadMissedWhileItsSocketIsOpenIsNeitherEndedNorCountedAgain() {
        TcpRow open = row(LOOPBACK, 40016, REMOTE, 443, TcpState.ESTABLISHED, 62);
        read(new long[]{62}, open);
        read(new long[]{62}, open);
        read(new long[]{62}); // the table read skipped its row; its fd is still open
        assertEquals(List.of(), ended, "its socket is open: not ended");
        read(new long[]{62}, open);
        assertEquals(1, opened.size(), "listed again: the same connection, counted once");
        read(new long[]{}, row(LOOPBACK, 40016, REMOTE, 443, TcpState.TIME_WAIT, 0));
        assertEquals(opened, ended);
        assertEquals(Closer.LOCAL, ended.get(0).closer());
    }

    /**
     * A read resumes each {@code read()} by bucket and offset: a socket added at the head of a
     * bucket meanwhile makes it list the row before again. Listed twice in one read, a connection
     * is still one.
     */
    @Test
    void aRowListedTwiceInOneReadIsOneConnection() {
        TcpRow open = row(LOOPBACK, 40017, REMOTE, 443, TcpState.ESTABLISHED, 63);
        read(new long[]{63}, open, open);
        read(new long[]{63}, open);
        assertEquals(1, opened.size(), "counted once");
        read(new long[]{}, row(LOOPBACK, 40017, REMOTE, 443, TcpState.TIME_WAIT, 0));
        assertEquals(opened, ended, "and ended once");
    }

    @Test
    void goneWhileTimeWaitsOverflowedTheCloserIsUnknown() {
        TcpRow open = row(LOOPBACK, 40015, REMOTE, 443, TcpState.ESTABLISHED, 61);
        read(new long[]{61}, open);
        read(new long[]{61}, open);
        catchAll.begin(new long[0]);
        catchAll.finish(++now, true, sink);
        assertEquals(1, ended.size());
        assertEquals(Closer.UNKNOWN, ended.get(0).closer());
        assertNull(ended.get(0).timeWait());
    }

    @Test
    void aConnectionSeenInOneReadOnlyIsCountedAndEndedAtTheNext() {
        read(new long[]{13}, row(LOOPBACK, 40003, REMOTE, 443, TcpState.ESTABLISHED, 13));
        read(new long[]{}, row(LOOPBACK, 40003, REMOTE, 443, TcpState.TIME_WAIT, 0));
        assertEquals(1, opened.size());
        assertEquals(opened, ended);
        assertEquals(Closer.LOCAL, ended.get(0).closer());
    }

    @Test
    void aConnectionTheAdviceReportedIsNeverCounted() {
        ConnectionRecord r = TestRecords.openedAt("a.B.c", 1, LOOPBACK, 40004, REMOTE, 443);
        catchAll.reported(r);
        TcpRow open = row(LOOPBACK, 40004, REMOTE, 443, TcpState.ESTABLISHED, 14);
        read(new long[]{14}, open);
        read(new long[]{14}, open);
        read(new long[]{14}, open);
        assertEquals(List.of(), opened);
        assertEquals(List.of(), said);
    }

    @Test
    void aConnectionTheAdviceReportsAfterTheReadThatListedItIsNotCounted() {
        TcpRow open = row(LOOPBACK, 40005, REMOTE, 443, TcpState.ESTABLISHED, 15);
        read(new long[]{15}, open);
        // connect() returned, its event was still in the ring at the read: it reaches the reporter now
        ConnectionRecord r = TestRecords.openedAt("a.B.c", 1, LOOPBACK, 40005, REMOTE, 443);
        catchAll.reported(r);
        catchAll.reportedEnded(TestRecords.close(r), false); // and ends before the next read
        read(new long[]{});
        assertEquals(List.of(), opened);
        assertEquals(List.of(), ended);
    }

    @Test
    void aConnectionReportedAndEndedBeforeTheReadsEndIsNotACandidate() {
        ConnectionRecord r = TestRecords.openedAt("a.B.c", 1, LOOPBACK, 40006, REMOTE, 443);
        catchAll.reported(r);
        catchAll.reportedEnded(TestRecords.close(r), true); // its socket still listed by the read under way
        TcpRow open = row(LOOPBACK, 40006, REMOTE, 443, TcpState.ESTABLISHED, 16);
        read(new long[]{16}, open);
        read(new long[]{});
        assertEquals(List.of(), opened);
    }

    @Test
    void anotherProcesssConnectionIsNotCounted() {
        TcpRow theirs = row(LOOPBACK, 40007, REMOTE, 443, TcpState.ESTABLISHED, 99);
        read(new long[]{17}, theirs);
        read(new long[]{17}, theirs);
        assertEquals(List.of(), opened);
    }

    @Test
    void theAgentsOwnConnectionIsNotCounted() {
        TcpRow exporter = row(LOOPBACK, 40008, LOOPBACK, 4318, TcpState.ESTABLISHED, 18);
        read(new long[]{18}, exporter);
        agentKeys.add(ConnectionKey.of(40008, LOOPBACK, 4318)); // noted on the sender's thread, a moment late
        read(new long[]{18}, exporter);
        read(new long[]{18}, exporter);
        assertEquals(List.of(), opened);
    }

    @Test
    void aConnectionOpenBeforeAttachIsNotCounted() {
        catchAll.openBeforeAttach(ConnectionKey.of(40009, REMOTE, 443));
        TcpRow old = row(LOOPBACK, 40009, REMOTE, 443, TcpState.ESTABLISHED, 19);
        read(new long[]{19}, old);
        read(new long[]{19}, old);
        assertEquals(List.of(), opened);
    }

    @Test
    void bothEndsOfALoopbackConnectionAreCountedOnceEachAsWhatTheyAre() {
        TcpRow listener = row(LOOPBACK, 8080, address("0.0.0.0"), 0, TcpState.LISTEN, 20);
        TcpRow client = row(LOOPBACK, 40010, LOOPBACK, 8080, TcpState.ESTABLISHED, 21);
        TcpRow server = row(LOOPBACK, 8080, LOOPBACK, 40010, TcpState.ESTABLISHED, 22);
        read(new long[]{20, 21, 22}, listener, client, server);
        read(new long[]{20, 21, 22}, listener, server, client);
        assertEquals(2, opened.size(), opened::toString);
        ConnectionRecord out = opened.stream().filter(r -> r.localPort() == 40010).findFirst().orElseThrow();
        ConnectionRecord in = opened.stream().filter(r -> r.localPort() == 8080).findFirst().orElseThrow();
        assertEquals(ConnectionRecord.Direction.OUTGOING, out.direction);
        assertEquals(ConnectionRecord.Direction.ACCEPTED, in.direction);

        // the client closed first: its TIME_WAIT; the server's side is gone
        read(new long[]{20}, listener, row(LOOPBACK, 40010, LOOPBACK, 8080, TcpState.TIME_WAIT, 0));
        assertEquals(Closer.LOCAL, out.closer());
        assertEquals(Closer.PEER, in.closer());
        assertEquals(2, said.size(), said::toString);
        assertTrue(said.stream().anyMatch(s -> s.contains("toward 127.0.0.1:8080")), said::toString);
        assertTrue(said.stream().anyMatch(s -> s.contains("accepted on port 8080")), said::toString);
    }

    @Test
    void eachDestinationIsSaidOnce() {
        for (int i = 0; i < 5; i++) {
            TcpRow open = row(LOOPBACK, 40100 + i, REMOTE, 443, TcpState.ESTABLISHED, 100 + i);
            read(new long[]{100 + i}, open);
            read(new long[]{100 + i}, open);
            read(new long[]{});
        }
        assertEquals(5, opened.size());
        assertEquals(1, said.size(), said::toString);
        TcpRow other = row(LOOPBACK, 40200, REMOTE, 80, TcpState.ESTABLISHED, 200);
        read(new long[]{200}, other);
        read(new long[]{200}, other);
        assertEquals(2, said.size(), said::toString);
    }

    @Test
    void aHalfCloseOrAnUnansweredFinSeenWhileOpenTellsTheCloser() {
        TcpRow a = row(LOOPBACK, 40011, REMOTE, 443, TcpState.ESTABLISHED, 31);
        TcpRow b = row(LOOPBACK, 40012, REMOTE, 443, TcpState.ESTABLISHED, 32);
        read(new long[]{31, 32}, a, b);
        read(new long[]{31, 32}, row(LOOPBACK, 40011, REMOTE, 443, TcpState.FIN_WAIT2, 31),
                row(LOOPBACK, 40012, REMOTE, 443, TcpState.CLOSE_WAIT, 32));
        read(new long[]{});
        assertEquals(2, ended.size());
        assertEquals(Closer.LOCAL, byPort(ended, 40011).closer());
        assertEquals(Closer.PEER, byPort(ended, 40012).closer());
    }

    @Test
    void theCloserFromTheStates() {
        assertEquals(Closer.LOCAL, UninstrumentedConnections.closer(TcpState.ESTABLISHED, TcpState.TIME_WAIT));
        assertEquals(Closer.LOCAL, UninstrumentedConnections.closer(TcpState.ESTABLISHED, TcpState.FIN_WAIT2));
        assertEquals(Closer.LOCAL, UninstrumentedConnections.closer(TcpState.FIN_WAIT1, 0));
        assertEquals(Closer.PEER, UninstrumentedConnections.closer(TcpState.ESTABLISHED, 0));
        assertEquals(Closer.PEER, UninstrumentedConnections.closer(TcpState.ESTABLISHED, TcpState.LAST_ACK));
        assertEquals(Closer.PEER, UninstrumentedConnections.closer(TcpState.CLOSE_WAIT, 0));
        assertNull(UninstrumentedConnections.closer(TcpState.ESTABLISHED, TcpState.ESTABLISHED),
                "a new connection on its 4-tuple: the tables no longer tell");
        assertNull(UninstrumentedConnections.timeWait(TcpState.ESTABLISHED, TcpState.SYN_SENT));
        assertNull(UninstrumentedConnections.closer(TcpState.ESTABLISHED, TcpState.CLOSE),
                "no row while TIME_WAITs were destroyed at birth: it may have been this side's");
        assertEquals(Boolean.TRUE, UninstrumentedConnections.timeWait(TcpState.ESTABLISHED, TcpState.TIME_WAIT));
    }

    @Test
    void aConnectingSocketIsNotACandidate() {
        TcpRow connecting = row(LOOPBACK, 40013, REMOTE, 443, TcpState.SYN_SENT, 41);
        read(new long[]{41}, connecting);
        read(new long[]{41}, connecting);
        assertEquals(List.of(), opened);
    }

    @Test
    void atExitTheOpenOnesEndOpenAtExit() {
        TcpRow open = row(LOOPBACK, 40014, REMOTE, 443, TcpState.ESTABLISHED, 51);
        read(new long[]{51}, open);
        read(new long[]{51}, open);
        catchAll.endAll(now, sink);
        assertEquals(1, ended.size());
        assertEquals(ConnectionEnd.OPEN_AT_EXIT, ended.get(0).end());
        assertEquals(Closer.UNKNOWN, ended.get(0).closer());
    }

    @Test
    void atMostSoManyAreFollowedAndThatIsSaidOnce() {
        int n = UninstrumentedConnections.MAX_REMEMBERED + 10;
        long[] inodes = new long[n];
        TcpRow[] rows = new TcpRow[n];
        for (int i = 0; i < n; i++) {
            inodes[i] = 1000 + i;
            rows[i] = row(LOOPBACK, 10000 + i, REMOTE, 443, TcpState.ESTABLISHED, 1000 + i);
        }
        read(inodes, rows);
        read(inodes, rows);
        assertEquals(UninstrumentedConnections.MAX_REMEMBERED, opened.size());
        assertEquals(UninstrumentedConnections.MAX_REMEMBERED, catchAll.followed());
        assertEquals(2, said.size(), () -> "the destination, and the limit, once: " + said);
    }

    private void read(long[] ownInodes, TcpRow... rows) {
        long[] sorted = ownInodes.clone();
        Arrays.sort(sorted);
        catchAll.begin(sorted);
        for (TcpRow r : rows) catchAll.row(r);
        catchAll.finish(++now, false, sink);
        now += 1_000_000_000L;
    }

    private void takeAgentKeys(LongConsumer to) {
        for (long k : agentKeys) to.accept(k);
        agentKeys.clear();
    }

    private static ConnectionRecord byPort(List<ConnectionRecord> records, int localPort) {
        return records.stream().filter(r -> r.localPort() == localPort).findFirst().orElseThrow();
    }

    private static TcpRow row(InetAddress local, int localPort, InetAddress remote, int remotePort, int state, long inode) {
        Destination d = Destination.of(local, remote, remotePort);
        TcpRow r = new TcpRow();
        r.ipv6Socket = true;
        r.localHi = d.localHi();
        r.localLo = d.localLo();
        r.localPort = localPort;
        r.remoteHi = d.remoteHi();
        r.remoteLo = d.remoteLo();
        r.remotePort = remotePort;
        r.state = state;
        r.inode = inode;
        return r;
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
