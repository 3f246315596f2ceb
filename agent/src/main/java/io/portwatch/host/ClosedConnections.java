package io.portwatch.host;

import io.portwatch.budget.Destination;
import io.portwatch.kernel.IpAddress;
import io.portwatch.kernel.RowVisitor;
import io.portwatch.kernel.TcpRow;
import io.portwatch.kernel.TcpState;
import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionRecord;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * Looks up connections that just ended in one snapshot of the kernel's TCP tables, and turns what
 * it finds into the span's {@code portwatch.time_wait} and, where the tables show it, the closer:
 * <ul>
 *   <li>this side's 4-tuple in TIME_WAIT, FIN_WAIT1, FIN_WAIT2 or CLOSING: this host sent the
 *       first FIN and holds (or is about to hold) the TIME_WAIT: closed by {@code local};</li>
 *   <li>in CLOSE_WAIT or LAST_ACK: the peer's FIN came first: {@code peer}, no TIME_WAIT here;</li>
 *   <li>open or opening (ESTABLISHED, SYN_SENT, ...): the 4-tuple was reused by a new connection
 *       (loopback reuses a TIME_WAIT after a second); the tables no longer tell of this one, which
 *       keeps the JVM's guess, unconfirmed. The same when the peer's row is a new connection's.</li>
 *   <li>gone: no TIME_WAIT here. If the peer is on this host its own row tells (its TIME_WAIT:
 *       {@code peer}; nothing on either side: {@code reset}). A remote peer cannot be seen: if the
 *       JVM thought it closed first, either the peer's FIN came first unread or the close was
 *       reset, so the closer becomes {@code unknown}; unless TIME_WAIT buckets overflowed
 *       ({@code tcp_max_tw_buckets}), which destroys TIME_WAITs at birth: then the JVM's guess
 *       stands. A read of the tables can miss a row, so a reset or an unknown closer the JVM did
 *       not see is only taken when the next read finds the connection gone too.</li>
 * </ul>
 * Feed it as a {@link RowVisitor} between {@link #begin} and {@link #finish}.
 *
 * <p>The join runs for every row of every scan (100,000 rows on a busy host), so it is kept
 * primitive: the records are indexed by port pair in an open-addressing table of ints rebuilt
 * per scan, the expected address of each lookup is held as two longs (compared with the row's
 * without making an {@link InetAddress}), and the states found are bytes by record position.
 * Nothing is allocated per row, nor per record once the arrays have grown to the batch size.
 */
final class ClosedConnections implements RowVisitor {

    private static final int EMPTY = -1;
    /** Arrays grown past this many slots for a burst are given back once batches are small again. */
    private static final int KEEP_SLOTS = 1024;

    /** The records of this scan, by position; null past {@link #count}. */
    private ConnectionRecord[] records = new ConnectionRecord[16];
    private int count;
    /** The state of the record's own row ({@code ourState}) and of its peer's (a peer on this host); 0: none. */
    private byte[] ourState = new byte[16];
    private byte[] peerState = new byte[16];
    /** Whether the record's peer is on this host (decided once: {@code isLoopbackAddress} copies the address). */
    private boolean[] thisHost = new boolean[16];

    /*
     * Lookups: one per record under its own port pair, one more under the reversed pair when the
     * peer is on this host. Lookups with the same port pair (two records, or a connection to
     * itself) are chained through next, newest first.
     */
    private int lookups;
    /** The record's position, negative ({@code ~position}) for a lookup of the peer's side. */
    private int[] lookupRecord = new int[32];
    private int[] lookupNext = new int[32];
    /** The address the row's remote side must have, in the two-long form of {@link IpAddress}. */
    private long[] lookupHi = new long[32];
    private long[] lookupLo = new long[32];

    /** Open addressing, linear probing: the port pair of a slot and its first lookup (or EMPTY). */
    private int[] slotKey = new int[64];
    private int[] slotHead = new int[64];
    private int mask = 63;
    /** 32 minus log2 of the table's size: the hash's top bits pick the slot. */
    private int shift = 26;

    /*
     * The last peer address and the last local address turned into longs, and the result of the
     * latest toLongs. A churning application's peer is the same address every time (the same
     * object, or an equal one: {@link IpAddress#same}), so most records cost no copy of their address.
     */
    private static final int PEER = 0;
    private static final int LOCAL = 1;
    private final InetAddress[] lastAddress = new InetAddress[2];
    private final long[] lastAddressHi = new long[2];
    private final long[] lastAddressLo = new long[2];
    private long hi;
    private long lo;

    ClosedConnections() {
        Arrays.fill(slotHead, EMPTY);
    }

    void begin(List<ConnectionRecord> ended) {
        clear();
        int n = ended.size();
        ensureCapacity(n);
        for (int i = 0; i < n; i++) {
            ConnectionRecord r = ended.get(i);
            if (r.localPort() <= 0 || r.peerPort() <= 0 || r.peerAddress() == null) continue;
            int at = count++;
            records[at] = r;
            toLongs(r.peerAddress(), PEER);
            add(key(r.localPort(), r.peerPort()), at, hi, lo);
            thisHost[at] = isThisHost(r, hi, lo);
            if (r.localAddress() != null && thisHost[at]) {
                // the peer's own row: its remote side is our local address
                toLongs(r.localAddress(), LOCAL);
                add(key(r.peerPort(), r.localPort()), ~at, hi, lo);
            }
        }
    }

    @Override
    public void row(TcpRow row) {
        if (count == 0) return;
        int key = key(row.localPort, row.remotePort);
        for (int s = slot(key); slotHead[s] != EMPTY; s = (s + 1) & mask) {
            if (slotKey[s] != key) continue;
            for (int l = slotHead[s]; l != EMPTY; l = lookupNext[l]) {
                if (lookupHi[l] != row.remoteHi || lookupLo[l] != row.remoteLo) continue;
                int at = lookupRecord[l];
                byte[] states = at >= 0 ? ourState : peerState;
                int pos = at >= 0 ? at : ~at;
                states[pos] = laterState(states[pos], row.state);
            }
            return;
        }
    }

    /**
     * Decides each record; {@code overflowed}: TCPTimeWaitOverflow rose since the last snapshot;
     * {@code lastRead}: no read follows this one (at exit), so none waits for another.
     */
    void finish(boolean overflowed, boolean lastRead) {
        for (int i = 0; i < count; i++) {
            ConnectionRecord r = records[i];
            r.lookedUp();
            switch (ourState[i]) {
                case TcpState.TIME_WAIT: case TcpState.FIN_WAIT1: case TcpState.FIN_WAIT2: case TcpState.CLOSING:
                    r.confirmByKernel(true, Closer.LOCAL);
                    continue;
                case TcpState.CLOSE_WAIT: case TcpState.LAST_ACK:
                    r.confirmByKernel(false, Closer.PEER);
                    continue;
                default:
                    if (TcpState.isOpenOrOpening(ourState[i])) continue; // a reused 4-tuple: the kernel cannot tell
                    break; // gone: the peer's row, or its absence, tells
            }
            int theirs = peerState[i];
            if (theirs == TcpState.TIME_WAIT || theirs == TcpState.FIN_WAIT1 || theirs == TcpState.FIN_WAIT2) {
                r.confirmByKernel(false, Closer.PEER);
            } else if (TcpState.isOpenOrOpening(theirs)) {
                continue; // the peer's side is a new connection's: nothing to tell
            } else if (thisHost[i] && r.jvmCloser() != Closer.PEER) {
                confirmGone(r, overflowed ? null : Closer.RESET, lastRead);
            } else if (r.jvmCloser() == Closer.LOCAL && !overflowed) {
                confirmGone(r, Closer.UNKNOWN, lastRead);
            } else {
                r.confirmByKernel(false, null);
            }
        }
        clear();
    }

    /**
     * A record gone from the tables: a closer the JVM did not see is taken from two reads that
     * agree, as one read can miss a row (a TIME_WAIT read as a reset); the record waits for the
     * next read, about a second later, unless this is the last.
     */
    private static void confirmGone(ConnectionRecord r, Closer closer, boolean lastRead) {
        if (closer != null && closer != r.jvmCloser() && !lastRead && r.lookAgain()) return;
        r.confirmByKernel(false, closer);
    }

    /** Forgets the last scan: no record is kept alive until the next. */
    private void clear() {
        Arrays.fill(records, 0, count, null);
        Arrays.fill(ourState, 0, count, (byte) 0);
        Arrays.fill(peerState, 0, count, (byte) 0);
        Arrays.fill(thisHost, 0, count, false);
        count = 0;
        if (lookups > 0) {
            Arrays.fill(slotHead, EMPTY);
            lookups = 0;
        }
    }

    /**
     * Of two rows of one 4-tuple (tcp and tcp6 can both list it), keep the one most telling: the
     * first, unless that was ESTABLISHED (0: none yet).
     */
    private static byte laterState(byte seen, int state) {
        return seen == 0 || seen == TcpState.ESTABLISHED ? (byte) state : seen;
    }

    private void add(int key, int recordRef, long hi, long lo) {
        int l = lookups++;
        lookupRecord[l] = recordRef;
        lookupHi[l] = hi;
        lookupLo[l] = lo;
        int s = slot(key);
        while (slotHead[s] != EMPTY && slotKey[s] != key) {
            s = (s + 1) & mask;
        }
        lookupNext[l] = slotHead[s]; // EMPTY for a new key
        slotKey[s] = key;
        slotHead[s] = l;
    }

    private int slot(int key) {
        return (key * 0x9E3779B9) >>> shift; // Fibonacci hashing: port pairs differ in their low bits
    }

    /** Room for {@code n} records, two lookups each, and a table at most half full. */
    private void ensureCapacity(int n) {
        if (n > records.length || (records.length > KEEP_SLOTS && n * 4 < records.length)) {
            int size = Math.max(16, Integer.highestOneBit(Math.max(1, n - 1)) << 1);
            records = new ConnectionRecord[size];
            ourState = new byte[size];
            peerState = new byte[size];
            thisHost = new boolean[size];
            lookupRecord = new int[2 * size];
            lookupNext = new int[2 * size];
            lookupHi = new long[2 * size];
            lookupLo = new long[2 * size];
            slotKey = new int[4 * size];
            slotHead = new int[4 * size];
            Arrays.fill(slotHead, EMPTY);
            mask = 4 * size - 1;
            shift = Integer.numberOfLeadingZeros(mask);
        }
    }

    private static int key(int localPort, int remotePort) {
        return (localPort << 16) | remotePort;
    }

    /** Sets {@link #hi}, {@link #lo} to the address (an IPv4 address as {@code ::ffff:a.b.c.d}). */
    private void toLongs(InetAddress a, int which) {
        if (!IpAddress.same(a, lastAddress[which])) {
            byte[] b = a.getAddress();
            lastAddress[which] = a;
            lastAddressHi[which] = IpAddress.hi(b);
            lastAddressLo[which] = IpAddress.lo(b);
        }
        hi = lastAddressHi[which];
        lo = lastAddressLo[which];
    }

    /**
     * Whether the peer is on this host: a loopback address ({@link InetAddress#isLoopbackAddress}'s
     * test, on the peer's longs {@code hi}, {@code lo}), or the local address itself.
     */
    private static boolean isThisHost(ConnectionRecord r, long hi, long lo) {
        InetAddress peer = r.peerAddress();
        boolean loopback = peer instanceof Inet4Address ? IpAddress.isLoopback(hi, lo) : hi == 0 && lo == 1;
        return loopback || (r.localAddress() != null && sameHost(peer, r.localAddress()));
    }

    /** Equal addresses, an IPv4-mapped IPv6 address counting as its IPv4 address. */
    private static boolean sameHost(InetAddress a, InetAddress b) {
        if (a.getClass() == b.getClass()) {
            return a.equals(b); // the common case, without allocating
        }
        return Destination.of(a, a, 0).equals(Destination.of(b, b, 0));
    }
}
