package io.portwatch.budget;

import io.portwatch.kernel.RowVisitor;
import io.portwatch.kernel.SocketInodes;
import io.portwatch.kernel.TcpRow;
import io.portwatch.kernel.TcpState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Counts, from one snapshot of the TCP tables, the ports each destination holds: ESTABLISHED,
 * TIME_WAIT and any other state, and of the TIME_WAITs those born lately, whatever process closed
 * them: a TIME_WAIT row's timer ({@code tm->when}) counts down from 60 s, so how much of it is
 * left tells when the row was born. Feed it as the {@link RowVisitor} of a table read.
 *
 * <p>Only outgoing connections count against a destination's budget: rows whose local port lies
 * in the ephemeral range. Two kinds of rows in the range are left out: LISTEN rows, and rows on a
 * port some LISTEN row holds (connections accepted by a server bound to port 0, which picks an
 * ephemeral port). That relies on the kernel listing listeners before the other sockets of a
 * table, which it does (the listening hash is walked first); TIME_WAIT rows left behind by a
 * listener that has since closed are counted as outgoing.
 *
 * <p>Counting allocates nothing per row: destinations live in an open-addressing table of
 * primitive arrays, which grows only when a snapshot has more destinations than ever before.
 * Not thread-safe: one instance per sampler.
 */
public final class DestinationCounts implements RowVisitor {

    private int portLow;
    private int portHigh;
    private final long[] listening = new long[65536 / 64];

    private boolean[] used;
    private long[] localHi;
    private long[] localLo;
    private long[] remoteHi;
    private long[] remoteLo;
    private int[] remotePort;
    private int[] established;
    private int[] timeWait;
    private int[] other;
    private int[] own;
    private int[] freshTimeWait;
    private int size;
    /** A TIME_WAIT row with more clock ticks than this left on its timer was born lately. */
    private long freshAboveTicks = Long.MAX_VALUE;
    private long[] ownInodes = new long[0];

    private int hostTimeWait;
    private int rows;

    /** Counts rows whose local port is in [portLow, portHigh], the ephemeral range. */
    public DestinationCounts(int portLow, int portHigh) {
        allocate(64);
        beginSnapshot(portLow, portHigh);
    }

    /**
     * The socket inodes of this process ({@code /proc/self/fd}, sorted), for the next snapshots:
     * open rows with one of them count as its own ({@link DestinationUsage#ownOpen()}).
     */
    public void ownSockets(long[] sortedInodes) {
        this.ownInodes = sortedInodes;
    }

    /** The TIME_WAIT timer's kind in the {@code tr} column ({@code timer_active}: 3). */
    static final int TIME_WAIT_TIMER = 3;
    /** The tables print timers in clock ticks, {@code USER_HZ}: 100 a second on Linux. */
    public static final int TICKS_PER_SECOND = 100;

    /**
     * From the next snapshot on, counts as fresh the TIME_WAITs born within the last
     * {@code seconds} ({@link DestinationUsage#freshTimeWait()}): the host's rate of new
     * TIME_WAITs toward a destination is that count over {@code seconds}.
     */
    public void freshWithin(double seconds) {
        freshAboveTicks = Math.round((Forecast.TIME_WAIT_SECONDS - seconds) * TICKS_PER_SECOND);
    }

    /** Forgets the previous snapshot (keeping its arrays) and sets the ephemeral range for the next. */
    public void beginSnapshot(int portLow, int portHigh) {
        this.portLow = portLow;
        this.portHigh = portHigh;
        Arrays.fill(listening, 0);
        Arrays.fill(used, false);
        size = 0;
        hostTimeWait = 0;
        rows = 0;
    }

    @Override
    public void row(TcpRow r) {
        rows++;
        if (r.state == TcpState.TIME_WAIT) {
            hostTimeWait++;
        }
        int port = r.localPort;
        if (r.state == TcpState.LISTEN) {
            listening[port >>> 6] |= 1L << port;
            return;
        }
        if (port < portLow || port > portHigh || (listening[port >>> 6] & (1L << port)) != 0) {
            return;
        }
        int slot = slotFor(r.localHi, r.localLo, r.remoteHi, r.remoteLo, r.remotePort);
        if (r.state != TcpState.TIME_WAIT && r.inode != 0 && ownInodes.length > 0
                && SocketInodes.contains(ownInodes, r.inode)) {
            own[slot]++;
        }
        if (r.state == TcpState.ESTABLISHED) {
            established[slot]++;
        } else if (r.state == TcpState.TIME_WAIT) {
            timeWait[slot]++;
            if (r.timerActive == TIME_WAIT_TIMER && r.timerTicks > freshAboveTicks) freshTimeWait[slot]++;
        } else {
            other[slot]++;
        }
    }

    /** TIME_WAIT rows of the whole snapshot, any port, incoming or outgoing. */
    public int hostTimeWait() {
        return hostTimeWait;
    }

    /** Rows seen in this snapshot. */
    public int rows() {
        return rows;
    }

    /** Destinations seen in this snapshot. */
    public int size() {
        return size;
    }

    /** The usage of one destination, or null when it held no port. */
    public DestinationUsage get(Destination d) {
        int slot = find(d.localHi(), d.localLo(), d.remoteHi(), d.remoteLo(), d.remotePort());
        return slot < 0 ? null : usage(slot);
    }

    /**
     * Ports held from one local address toward every destination: the budget that matters when
     * sockets are bound before {@code connect()} (see {@link PortBudget#boundBeforeConnect()}).
     */
    public int heldFromLocal(long hi, long lo) {
        int sum = 0;
        for (int i = 0; i < used.length; i++) {
            if (used[i] && localHi[i] == hi && localLo[i] == lo) {
                sum += established[i] + timeWait[i] + other[i];
            }
        }
        return sum;
    }

    /**
     * The ports held from {@code d}'s local address toward every destination, as one usage
     * reported under {@code d}: the budget of sockets bound before {@code connect()}. Allocates.
     */
    public DestinationUsage fromLocal(Destination d) {
        int es = 0;
        int tw = 0;
        int ot = 0;
        int ow = 0;
        int fr = 0;
        for (int i = 0; i < used.length; i++) {
            if (used[i] && localHi[i] == d.localHi() && localLo[i] == d.localLo()) {
                es += established[i];
                tw += timeWait[i];
                ot += other[i];
                ow += own[i];
                fr += freshTimeWait[i];
            }
        }
        return es + tw + ot == 0 ? null : new DestinationUsage(d, es, tw, ot, ow, fr);
    }

    /** Every destination of the snapshot, most ports held first. Allocates. */
    public List<DestinationUsage> all() {
        List<DestinationUsage> list = new ArrayList<>(size);
        for (int i = 0; i < used.length; i++) {
            if (used[i]) {
                list.add(usage(i));
            }
        }
        list.sort((a, b) -> Integer.compare(b.held(), a.held()));
        return list;
    }

    /** The {@code n} destinations holding the most ports. Allocates. */
    public List<DestinationUsage> top(int n) {
        List<DestinationUsage> list = all();
        return list.size() <= n ? list : new ArrayList<>(list.subList(0, n));
    }

    private DestinationUsage usage(int i) {
        return new DestinationUsage(new Destination(localHi[i], localLo[i], remoteHi[i], remoteLo[i],
            remotePort[i]), established[i], timeWait[i], other[i], own[i], freshTimeWait[i]);
    }

    private int find(long lh, long ll, long rh, long rl, int rp) {
        int mask = used.length - 1;
        for (int i = Destination.hash(lh, ll, rh, rl, rp) & mask; used[i]; i = (i + 1) & mask) {
            if (matches(i, lh, ll, rh, rl, rp)) {
                return i;
            }
        }
        return -1;
    }

    private int slotFor(long lh, long ll, long rh, long rl, int rp) {
        int mask = used.length - 1;
        int i = Destination.hash(lh, ll, rh, rl, rp) & mask;
        for (; used[i]; i = (i + 1) & mask) {
            if (matches(i, lh, ll, rh, rl, rp)) {
                return i;
            }
        }
        if (2 * (size + 1) > used.length) { // keep the table at most half full
            grow();
            return slotFor(lh, ll, rh, rl, rp);
        }
        used[i] = true;
        localHi[i] = lh;
        localLo[i] = ll;
        remoteHi[i] = rh;
        remoteLo[i] = rl;
        remotePort[i] = rp;
        established[i] = 0;
        timeWait[i] = 0;
        other[i] = 0;
        own[i] = 0;
        freshTimeWait[i] = 0;
        size++;
        return i;
    }

    private boolean matches(int i, long lh, long ll, long rh, long rl, int rp) {
        return remotePort[i] == rp && remoteLo[i] == rl && localLo[i] == ll && remoteHi[i] == rh
            && localHi[i] == lh;
    }

    private void grow() {
        boolean[] u = used;
        long[] lh = localHi;
        long[] ll = localLo;
        long[] rh = remoteHi;
        long[] rl = remoteLo;
        int[] rp = remotePort;
        int[] es = established;
        int[] tw = timeWait;
        int[] ot = other;
        int[] ow = own;
        int[] fr = freshTimeWait;
        allocate(used.length * 2);
        size = 0;
        for (int i = 0; i < u.length; i++) {
            if (u[i]) {
                int s = slotFor(lh[i], ll[i], rh[i], rl[i], rp[i]);
                established[s] = es[i];
                timeWait[s] = tw[i];
                other[s] = ot[i];
                own[s] = ow[i];
                freshTimeWait[s] = fr[i];
            }
        }
    }

    private void allocate(int capacity) {
        used = new boolean[capacity];
        localHi = new long[capacity];
        localLo = new long[capacity];
        remoteHi = new long[capacity];
        remoteLo = new long[capacity];
        remotePort = new int[capacity];
        established = new int[capacity];
        timeWait = new int[capacity];
        other = new int[capacity];
        own = new int[capacity];
        freshTimeWait = new int[capacity];
    }
}
