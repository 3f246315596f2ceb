package io.portwatch.host;

import io.portwatch.kernel.ConnectionKey;
import io.portwatch.kernel.IpAddress;
import io.portwatch.kernel.TcpRow;
import io.portwatch.kernel.TcpState;
import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionEnd;
import io.portwatch.track.ConnectionRecord;
import io.portwatch.track.ConnectionSink;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The kernel catch-all: connections of this JVM that no advice reported (a transport nobody
 * instrumented, or one switched off), found in the reads the {@link HostSampler} already makes
 * (the tables and {@code /proc/self/fd}, at its pace, on its threads) and handed to the sinks as
 * records with {@code instrumented() == false}: counted, in the budgets, forecasts and the report.
 *
 * <p>A row of one of this JVM's sockets, connected, whose key ({@link ConnectionKey}) no reported
 * connection has, is a candidate. It is counted at the next read (a second or more later, the
 * reads' least gap) unless the advice reported it meanwhile: the advice reports a connection only
 * after {@code connect()} returned, and its event then goes through the ring, the tracker and the
 * reporter, milliseconds after the kernel listed the row; counted at once, a connection the
 * advice was about to report would be counted twice. Its closer comes from the read where its row
 * is gone: its 4-tuple in TIME_WAIT (or FIN_WAIT, CLOSING) there means this side closed first;
 * anything else, the peer (or a reset, which the tables do not tell apart once both rows are gone).
 * It ends only once its socket is gone from {@code /proc/self/fd} too: a read of the table under
 * churn can miss a row that is there, and that row, listed again by the next read, would
 * otherwise be ended and counted a second time. The same read can also list a row twice (it
 * resumes each {@code read()} by position, and a socket added before it shifts the position): a
 * key is taken as a candidate once per read.
 * A connection that opens and closes between two reads is never seen.
 *
 * <p>Threads: {@link #begin} and {@link #finish} on the reporter thread, {@link #row} on the kernel
 * thread between them (the executor hand-off and the read's done flag order them), {@link #reported}
 * and {@link #reportedEnded} on the reporter thread at any time. Bounded: at most
 * {@link #MAX_REMEMBERED} connections followed at once.
 */
final class UninstrumentedConnections {

    static final int MAX_REMEMBERED = 4096;
    /** Ends heard while a read is under way, kept until it is finished; past it, the rest are not kept. */
    static final int MAX_RECENT_ENDS = 16384;

    /** One connection seen in the tables and not reported by the advice: a candidate, then counted. */
    private static final class Seen {
        final long key;
        final long inode;
        final long localHi;
        final long localLo;
        final int localPort;
        final long remoteHi;
        final long remoteLo;
        final int remotePort;
        final boolean accepted;
        final long firstSeenNanos;
        /** Null while a candidate; made when it is counted. */
        ConnectionRecord record;
        /** Its own row's state at the last read that listed it with its socket. */
        int openState;
        /** The advice reported this key since it was seen: not counted. */
        boolean reported;
        /* This read: whether its socket's row was listed, and the state of a row of its 4-tuple without it. */
        boolean present;
        byte rowState;

        Seen(OwnOpenRows rows, int i, long firstSeenNanos) {
            key = rows.key(i);
            inode = rows.inode(i);
            localHi = rows.localHi(i);
            localLo = rows.localLo(i);
            localPort = rows.localPort(i);
            remoteHi = rows.remoteHi(i);
            remoteLo = rows.remoteLo(i);
            remotePort = rows.remotePort(i);
            accepted = rows.accepted(i);
            openState = rows.state(i);
            this.firstSeenNanos = firstSeenNanos;
        }
    }

    private final OwnOpenRows rows = new OwnOpenRows();
    private final UninstrumentedDestinations destinations;
    private final Consumer<String> problems;
    private final Consumer<LongConsumer> agentKeys;
    /* Not a lambda: the first read, at the agent's start, would spin its class. */
    private final LongConsumer ignoreKey = new LongConsumer() {
        @Override
        public void accept(long key) {
            ignored.put(key, generation);
        }
    };
    /** Open connections the advice reported, by key: how many of them have it (a reused 4-tuple: two). */
    private final LongIntTable reported = new LongIntTable();
    /** Connections reported ended while a read was under way: possibly still listed by it. */
    private final LongIntTable recentEnds = new LongIntTable();
    /** The agent's own connections, and those open before it attached: key to the read that last listed it. */
    private final LongIntTable ignored = new LongIntTable();
    private List<Seen> seen = new ArrayList<>();
    /** Key to position in {@link #seen}; changed only in {@link #finish}, read by the rows of a read. */
    private final LongIntTable seenAt = new LongIntTable();
    /** While {@link #finish} walks a read's rows, the keys it took as new candidates: a row listed twice is one. */
    private final LongIntTable candidates = new LongIntTable();
    private int generation = 1;
    private long ids;
    private boolean tooManySaid;
    private volatile boolean countedAny;
    private java.net.InetAddress lastPeer;
    private long lastPeerHi;
    private long lastPeerLo;

    /**
     * @param agentKeys hands over the keys of the agent's own connections noted since the last call
     * @param say       where the destinations carrying uninstrumented traffic are said, once each
     */
    UninstrumentedConnections(Consumer<LongConsumer> agentKeys, Consumer<String> say) {
        this.agentKeys = agentKeys;
        this.destinations = new UninstrumentedDestinations(say);
        this.problems = say;
    }

    /** A connection open when the agent attached: the advice reports it at its first event, if ever; never counted here. */
    void openBeforeAttach(long key) {
        if (key != 0) ignored.put(key, generation);
    }

    /** The advice reported a connection opened. Reporter thread. */
    void reported(ConnectionRecord r) {
        long key = keyOf(r);
        if (key == 0) return;
        reported.add(key, 1);
        int at = seenAt.get(key);
        if (at != LongIntTable.ABSENT) seen.get(at).reported = true;
    }

    /**
     * The advice reported a connection ended: taken from the reporter's queue, before the kernel's
     * word. Reporter thread. A read under way ({@code readUnderWay}: begun, not yet finished) may
     * still list its socket, and remembers it until then; a read begun later cannot, as its socket
     * was gone from {@code /proc/self/fd} by then.
     */
    void reportedEnded(ConnectionRecord r, boolean readUnderWay) {
        long key = keyOf(r);
        if (key == 0) return;
        reported.add(key, -1);
        if (readUnderWay && recentEnds.size() < MAX_RECENT_ENDS) recentEnds.put(key, 1);
    }

    /** Before a read: this JVM's socket inodes, sorted. Reporter thread. */
    void begin(long[] ownInodes) {
        rows.begin(ownInodes);
    }

    /** One row of the read. Kernel thread. */
    void row(TcpRow r) {
        if (rows.row(r) || seen.isEmpty()) return;
        int at = seenAt.get(ConnectionKey.of(r));
        if (at != LongIntTable.ABSENT) {
            Seen s = seen.get(at);
            // tcp and tcp6 may both list a 4-tuple: keep the more telling state
            if (s.rowState == 0 || s.rowState == TcpState.ESTABLISHED) s.rowState = (byte) r.state;
        }
    }

    /**
     * After the read: counts the candidates of the last read that the advice did not report, ends
     * the counted connections no longer listed, and takes this read's candidates. Reporter thread.
     */
    void finish(long now, boolean overflowed, ConnectionSink sink) {
        generation++;
        agentKeys.accept(ignoreKey);
        List<Seen> next = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            long key = rows.key(i);
            int at = seenAt.get(key);
            if (at != LongIntTable.ABSENT && seen.get(at).inode == rows.inode(i)) {
                seen.get(at).present = true;
                seen.get(at).openState = rows.state(i);
            } else if (ignored.contains(key)) {
                ignored.put(key, generation);
            } else if (!reported.contains(key) && !recentEnds.contains(key) && !candidates.contains(key)) {
                if (seen.size() + next.size() < MAX_REMEMBERED) {
                    next.add(new Seen(rows, i, now));
                    candidates.put(key, 1);
                } else {
                    tooMany();
                }
            }
        }
        candidates.clear();
        List<Seen> kept = new ArrayList<>(seen.size() + next.size());
        for (Seen s : seen) {
            if (s.record == null) {
                if (s.reported || ignored.contains(s.key)) continue; // the advice's after all, or the agent's own
                s.record = record(s);
                countedAny = true;
                sink.opened(s.record);
                destinations.counted(s.record);
            }
            // A read of /proc/net/tcp can skip rows while others come and go (it resumes by
            // position): a socket still among this JVM's fds is open, whatever this read listed.
            if (s.present || rows.ownsSocket(s.inode)) {
                s.present = false;
                s.rowState = 0;
                kept.add(s);
            } else {
                // TIME_WAIT buckets overflowed since the last read: a row gone may be a TIME_WAIT destroyed at birth
                int rowState = overflowed && s.rowState == 0 ? TcpState.CLOSE : s.rowState;
                s.record.endSeenByKernel(ConnectionEnd.CLOSED, now, timeWait(s.openState, rowState),
                        closer(s.openState, rowState));
                sink.ended(s.record);
            }
        }
        kept.addAll(next);
        seen = kept;
        seenAt.clear();
        for (int i = 0; i < seen.size(); i++) seenAt.put(seen.get(i).key, i);
        recentEnds.clear();
        ignored.removeBelow(generation - 1); // not listed for two reads: gone
    }

    /** At exit: the counted connections still open end as open at exit; candidates are dropped. Reporter thread. */
    void endAll(long now, ConnectionSink sink) {
        for (Seen s : seen) {
            if (s.record == null) continue;
            s.record.endSeenByKernel(ConnectionEnd.OPEN_AT_EXIT, now, null, null);
            sink.ended(s.record);
        }
        seen = new ArrayList<>();
        seenAt.clear();
    }

    /** Whether any connection was counted; any thread. */
    boolean countedAny() {
        return countedAny;
    }

    /** Connections counted and still open, and candidates. */
    int followed() {
        return seen.size();
    }

    /**
     * Who closed first, from the tables: the state its own row last had while its socket was open
     * (a half-close, or the peer's FIN unanswered, tell already), else the state of its 4-tuple's
     * row in the read where its socket was gone (0: no row; {@code CLOSE}: none, but TIME_WAITs
     * were being destroyed at birth). Null when the tables cannot tell: that row is a new
     * connection's on the same 4-tuple, or a TIME_WAIT may have been destroyed.
     */
    static Closer closer(int openState, int rowState) {
        if (sentFinFirst(openState)) return Closer.LOCAL;
        if (openState == TcpState.CLOSE_WAIT || openState == TcpState.LAST_ACK) return Closer.PEER;
        if (sentFinFirst(rowState) || rowState == TcpState.TIME_WAIT) return Closer.LOCAL;
        if (rowState == 0 || rowState == TcpState.CLOSE_WAIT || rowState == TcpState.LAST_ACK) return Closer.PEER;
        return null;
    }

    /** Whether this host holds the TIME_WAIT, as {@link #closer} decides; null when unknown. */
    static Boolean timeWait(int openState, int rowState) {
        Closer c = closer(openState, rowState);
        return c == null ? null : c == Closer.LOCAL;
    }

    private static boolean sentFinFirst(int state) {
        return state == TcpState.FIN_WAIT1 || state == TcpState.FIN_WAIT2 || state == TcpState.CLOSING;
    }

    private ConnectionRecord record(Seen s) {
        return ConnectionRecord.seenByKernel(++ids,
                s.accepted ? ConnectionRecord.Direction.ACCEPTED : ConnectionRecord.Direction.OUTGOING,
                IpAddress.toInetAddress(s.localHi, s.localLo), s.localPort,
                IpAddress.toInetAddress(s.remoteHi, s.remoteLo), s.remotePort, s.firstSeenNanos);
    }

    private void tooMany() {
        if (!tooManySaid) {
            problems.accept("more than " + MAX_REMEMBERED + " uninstrumented connections open at once:"
                    + " those past it are not counted");
            tooManySaid = true;
        }
    }

    /** A churning application's peer is the same address again and again ({@link IpAddress#same}): its bytes are read once. */
    private long keyOf(ConnectionRecord r) {
        java.net.InetAddress peer = r.peerAddress();
        if (r.localPort() <= 0 || peer == null) return 0;
        if (!IpAddress.same(peer, lastPeer)) {
            byte[] b = peer.getAddress();
            lastPeer = peer;
            lastPeerHi = IpAddress.hi(b);
            lastPeerLo = IpAddress.lo(b);
        }
        return ConnectionKey.of(r.localPort(), lastPeerHi, lastPeerLo, r.peerPort());
    }
}
