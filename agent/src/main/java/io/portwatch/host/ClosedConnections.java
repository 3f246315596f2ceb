package io.portwatch.host;

import io.portwatch.budget.Destination;
import io.portwatch.kernel.RowVisitor;
import io.portwatch.kernel.TcpRow;
import io.portwatch.kernel.TcpState;
import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionRecord;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Looks up connections that just ended in one snapshot of the kernel's TCP tables, and turns what
 * it finds into the span's {@code portwatch.time_wait} and, where the tables show it, the closer:
 * <ul>
 *   <li>this side's 4-tuple in TIME_WAIT, FIN_WAIT1, FIN_WAIT2 or CLOSING: this host sent the
 *       first FIN and holds (or is about to hold) the TIME_WAIT: closed by {@code local};</li>
 *   <li>in CLOSE_WAIT or LAST_ACK: the peer's FIN came first: {@code peer}, no TIME_WAIT here;</li>
 *   <li>gone: no TIME_WAIT here. If the peer is on this host its own row tells (its TIME_WAIT:
 *       {@code peer}; nothing on either side: {@code reset}). A remote peer cannot be seen: if the
 *       JVM thought it closed first, either the peer's FIN came first unread or the close was
 *       reset, so the closer becomes {@code unknown}; unless TIME_WAIT buckets overflowed
 *       ({@code tcp_max_tw_buckets}), which destroys TIME_WAITs at birth: then the JVM's guess
 *       stands.</li>
 * </ul>
 * Feed it as a {@link RowVisitor} between {@link #begin} and {@link #finish}.
 */
final class ClosedConnections implements RowVisitor {

    /** A connection looked up under one of its two port pairs. */
    private static final class Lookup {
        final ConnectionRecord record;
        /** True when the key is the peer's side (a peer on this host). */
        final boolean peerSide;

        Lookup(ConnectionRecord record, boolean peerSide) {
            this.record = record;
            this.peerSide = peerSide;
        }
    }

    private final Map<Integer, List<Lookup>> byPorts = new HashMap<>();
    private final Map<ConnectionRecord, Integer> ourState = new IdentityHashMap<>();
    private final Map<ConnectionRecord, Integer> peerState = new IdentityHashMap<>();
    private final List<ConnectionRecord> records = new ArrayList<>();

    void begin(List<ConnectionRecord> ended) {
        byPorts.clear();
        ourState.clear();
        peerState.clear();
        records.clear();
        for (ConnectionRecord r : ended) {
            if (r.localPort() <= 0 || r.peerPort() <= 0 || r.peerAddress() == null) continue;
            records.add(r);
            index(r.localPort(), r.peerPort(), new Lookup(r, false));
            if (isThisHost(r)) index(r.peerPort(), r.localPort(), new Lookup(r, true));
        }
    }

    @Override
    public void row(TcpRow row) {
        if (records.isEmpty()) return;
        List<Lookup> found = byPorts.get(key(row.localPort, row.remotePort));
        if (found == null) return;
        InetAddress remote = row.remoteAddress();
        for (Lookup l : found) {
            InetAddress expected = l.peerSide ? l.record.localAddress() : l.record.peerAddress();
            if (expected == null || !sameHost(expected, remote)) continue;
            (l.peerSide ? peerState : ourState).merge(l.record, row.state, ClosedConnections::laterState);
        }
    }

    /** Decides each record; {@code overflowed}: TCPTimeWaitOverflow rose since the last snapshot. */
    void finish(boolean overflowed) {
        for (ConnectionRecord r : records) {
            Integer ours = ourState.get(r);
            if (ours != null) {
                switch (ours) {
                    case TcpState.TIME_WAIT: case TcpState.FIN_WAIT1: case TcpState.FIN_WAIT2: case TcpState.CLOSING:
                        r.confirmByKernel(true, Closer.LOCAL);
                        continue;
                    case TcpState.CLOSE_WAIT: case TcpState.LAST_ACK:
                        r.confirmByKernel(false, Closer.PEER);
                        continue;
                    default:
                        break; // ESTABLISHED: a reused 4-tuple, not ours any more
                }
            }
            Integer theirs = peerState.get(r);
            if (theirs != null && (theirs == TcpState.TIME_WAIT || theirs == TcpState.FIN_WAIT1
                    || theirs == TcpState.FIN_WAIT2)) {
                r.confirmByKernel(false, Closer.PEER);
            } else if (isThisHost(r) && r.jvmCloser() != Closer.PEER) {
                r.confirmByKernel(false, overflowed ? null : Closer.RESET);
            } else if (r.jvmCloser() == Closer.LOCAL && !overflowed) {
                r.confirmByKernel(false, Closer.UNKNOWN);
            } else {
                r.confirmByKernel(false, null);
            }
        }
        records.clear();
    }

    /** Of two rows of one 4-tuple (tcp and tcp6 can both list it), keep the one most telling. */
    private static Integer laterState(Integer a, Integer b) {
        return a == TcpState.ESTABLISHED ? b : a;
    }

    private void index(int localPort, int remotePort, Lookup l) {
        byPorts.computeIfAbsent(key(localPort, remotePort), k -> new ArrayList<>(1)).add(l);
    }

    private static int key(int localPort, int remotePort) {
        return (localPort << 16) | remotePort;
    }

    private static boolean isThisHost(ConnectionRecord r) {
        InetAddress peer = r.peerAddress();
        return peer != null && (peer.isLoopbackAddress() || (r.localAddress() != null && sameHost(peer, r.localAddress())));
    }

    /** Equal addresses, an IPv4-mapped IPv6 address counting as its IPv4 address. */
    private static boolean sameHost(InetAddress a, InetAddress b) {
        if (a.getClass() == b.getClass()) {
            return a.equals(b); // the common case, without allocating
        }
        return Destination.of(a, a, 0).equals(Destination.of(b, b, 0));
    }
}
