package io.portwatch.host;

import io.portwatch.budget.Destination;
import io.portwatch.budget.PortHolder;
import io.portwatch.kernel.ProcFs;
import io.portwatch.kernel.RowVisitor;
import io.portwatch.kernel.SocketInodes;
import io.portwatch.kernel.SocketOwners;
import io.portwatch.kernel.TcpRow;
import io.portwatch.kernel.TcpState;
import io.portwatch.kernel.TcpTableReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Who holds the open ports toward the destinations near trouble: during a table read, the inodes
 * of their open rows that are not this JVM's; after it, the processes whose {@code /proc/PID/fd}
 * hold them ({@link SocketOwners}), with their commands. Runs on the kernel thread, within the
 * read; {@link #watch} on the reporter thread, before it (the read's hand-over orders the two).
 *
 * <p>Its cost is a {@code readlink} per descriptor of every process on the host, so it runs only
 * for destinations {@link DestinationBudgets#nearTrouble} names, no more often than
 * {@link HostSampler#READ_SPACING} times its own last duration (like the table reads), and stops
 * after {@link #MAX_LINKS} descriptors.
 */
public final class HolderScan implements RowVisitor {

    /** Descriptors read per scan at most: about 0.1 s of a core at a few microseconds each. */
    static final int MAX_LINKS = 50_000;
    /** Open rows collected per scan at most (a destination holds at most its ~28,000 ports). */
    private static final int MAX_ROWS = 1 << 16;
    /** Destinations watched per scan at most; a warning names the busiest few anyway. */
    static final int MAX_WATCHED = 16;
    private static final Destination[] NONE = new Destination[0];

    /**
     * This process's id, whose sockets are left out; 0 until a scan first resolves holders. Not
     * looked up at start: {@code ProcessHandle}'s set-up costs every JVM about 0.4 MB, and most
     * never come near trouble.
     */
    private long selfPid;
    private final int spacing;

    /* Set by watch (reporter thread) before the read. */
    private Destination[] watched = NONE;
    private boolean[] fromLocal = new boolean[0];
    private long lastStart = HostSampler.NO_SAMPLE;
    /* Written by the read (kernel thread), read by watch after the read's hand-over. */
    private long lastDuration;

    /* The read's own. */
    private long[] own = new long[0];
    private long[] inodes = new long[64];
    private int[] which = new int[64];
    private int rows;
    private boolean problemReported;

    /** For this process. */
    HolderScan(int spacing) {
        this(0, spacing);
    }

    HolderScan(long selfPid, int spacing) {
        this.selfPid = selfPid;
        this.spacing = spacing;
    }

    /**
     * One scan, now, for the command line ({@code doctor}): reads the tables once more, with
     * {@code near} watched, and names the processes holding their open ports (this process's own
     * left out). An unreadable {@code /proc} gives none, said to {@code problems}.
     */
    public static Map<Destination, List<PortHolder>> once(ProcFs proc, List<Destination> near,
                                                           Consumer<String> problems) throws IOException {
        HolderScan scan = new HolderScan(1);
        scan.watch(near, Collections.nCopies(near.size(), false), System.nanoTime(), 0);
        scan.begin(new long[0]);
        proc.readTcpTables(new TcpTableReader(), scan);
        PortHolders found = scan.resolve(proc, problems);
        Map<Destination, List<PortHolder>> out = new HashMap<>();
        for (Destination d : near) out.put(d, found.of(d));
        return out;
    }

    /**
     * Before a read at {@code now}: watch {@code near} (with, per destination, whether its pool is
     * its local address's: sockets bound before connect) if a scan is due, else nothing.
     */
    void watch(List<Destination> near, List<Boolean> byLocal, long now, long minGap) {
        boolean due = !near.isEmpty() && now - lastStart >= Math.max(minGap, spacing * lastDuration);
        int n = due ? Math.min(near.size(), MAX_WATCHED) : 0;
        watched = n == 0 ? NONE : near.subList(0, n).toArray(NONE);
        fromLocal = new boolean[n];
        for (int i = 0; i < n; i++) fromLocal[i] = byLocal.get(i);
        if (n > 0) lastStart = now;
    }

    /** Whether this read looks for holders. */
    boolean watching() {
        return watched.length > 0;
    }

    /** At the read's start: this JVM's socket inodes (sorted), whose rows are left out. */
    void begin(long[] ownInodes) {
        own = ownInodes;
        rows = 0;
    }

    @Override
    public void row(TcpRow r) {
        if (watched.length == 0 || r.state == TcpState.TIME_WAIT || r.state == TcpState.LISTEN || r.inode == 0
                || rows == MAX_ROWS || SocketInodes.contains(own, r.inode)) {
            return;
        }
        for (int i = 0; i < watched.length; i++) {
            Destination d = watched[i];
            if (r.localLo == d.localLo() && r.localHi == d.localHi() && (fromLocal[i] || r.remotePort == d.remotePort()
                    && r.remoteLo == d.remoteLo() && r.remoteHi == d.remoteHi())) {
                if (rows == inodes.length) {
                    inodes = Arrays.copyOf(inodes, rows * 2);
                    which = Arrays.copyOf(which, rows * 2);
                }
                inodes[rows] = r.inode;
                which[rows++] = i;
                return;
            }
        }
    }

    /**
     * After the rows: the owners of the rows collected, per watched destination, most ports first.
     * An unreadable {@code /proc} gives none, said once to {@code problems}; never throws.
     */
    PortHolders resolve(ProcFs proc, Consumer<String> problems) {
        if (watched.length == 0) return PortHolders.NONE;
        long started = System.nanoTime();
        try {
            long[] sorted = Arrays.copyOf(inodes, rows);
            Arrays.sort(sorted);
            int unique = 0;
            for (int i = 0; i < sorted.length; i++) {
                if (unique == 0 || sorted[unique - 1] != sorted[i]) sorted[unique++] = sorted[i];
            }
            if (selfPid == 0) selfPid = ProcessHandle.current().pid();
            SocketOwners owners = SocketOwners.scan(proc, Arrays.copyOf(sorted, unique), selfPid, MAX_LINKS);
            return group(owners);
        } catch (IOException | RuntimeException e) { // a strange /proc: no names, the rest goes on
            if (!problemReported) {
                problems.accept("cannot read /proc to name the processes holding ports: " + e);
                problemReported = true;
            }
            return PortHolders.NONE;
        } finally {
            lastDuration = System.nanoTime() - started;
        }
    }

    private PortHolders group(SocketOwners owners) {
        List<Map<Integer, int[]>> perDest = new ArrayList<>();
        for (int i = 0; i < watched.length; i++) perDest.add(new HashMap<>());
        for (int k = 0; k < rows; k++) {
            int pid = owners.owner(inodes[k]);
            if (pid > 0) perDest.get(which[k]).computeIfAbsent(pid, p -> new int[1])[0]++;
        }
        Map<Destination, List<PortHolder>> out = new HashMap<>();
        for (int i = 0; i < watched.length; i++) {
            List<PortHolder> list = new ArrayList<>();
            for (Map.Entry<Integer, int[]> e : perDest.get(i).entrySet()) {
                list.add(new PortHolder(e.getKey(), owners.command(e.getKey()), e.getValue()[0]));
            }
            list.sort((a, b) -> a.openPorts != b.openPorts ? Integer.compare(b.openPorts, a.openPorts)
                    : Integer.compare(a.pid, b.pid));
            out.put(watched[i], Collections.unmodifiableList(list));
        }
        return new PortHolders(out);
    }
}
