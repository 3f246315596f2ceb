package io.portwatch.host;

import io.portwatch.budget.Destination;
import io.portwatch.budget.DestinationCounts;
import io.portwatch.budget.Forecast;
import io.portwatch.hostrules.HostRules;
import io.portwatch.hostrules.RuleResult;
import io.portwatch.hostrules.Verdict;
import io.portwatch.kernel.Conntrack;
import io.portwatch.kernel.IpAddress;
import io.portwatch.kernel.Netstat;
import io.portwatch.kernel.ProcFs;
import io.portwatch.kernel.RowVisitor;
import io.portwatch.kernel.Sysctls;
import io.portwatch.kernel.TcpRow;
import io.portwatch.kernel.TcpTableReader;
import io.portwatch.track.ConnectionRecord;
import io.portwatch.track.ConnectionSink;
import io.portwatch.track.KernelCheck;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * When and how the kernel's tables are read, and what each read is for: on the reporter thread,
 * the tables read on a thread of their own ({@link #readOn}).
 * <ul>
 *   <li>for connections that just ended, the read confirms whether this host holds their TIME_WAIT
 *       and who closed first ({@link ClosedConnections}); spans wait for it about a second, longer
 *       on a host whose tables take long to read (the gap below);</li>
 *   <li>every sample interval, the read counts the ports each destination holds and hands them,
 *       with the sysctls and the connection-tracking table ({@link ProcFs#conntrack()}), to
 *       {@link DestinationBudgets}, which computes the budgets, the forecasts and the warnings.</li>
 * </ul>
 * One read of {@code /proc/net/tcp} and {@code tcp6} serves both. The reads are kept to 2% of one
 * core: never more often than {@link #READ_SPACING} times their own duration.
 */
public final class HostSampler implements KernelCheck, ConnectionSink {

    private static final long CONFIRM_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * A read's gap over its duration. The kernel formats every row, about 1.5 us each: on a host at
     * its TIME_WAIT limit (131,072) a read takes 0.2 s of a core, and the hosts that need the
     * agent most are those. At 20 (5% of a core) the reads were half of the CPU of the agent's
     * threads on such a host (performance.md), which a machine with no core to spare takes from
     * the application; at 50, such a table is still read every 10 s, against TIME_WAITs that last 60.
     */
    static final int READ_SPACING = 50;
    private static final long SYSCTL_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** At exit, how long to wait for a read under way: a cold read of a big table took 3.9 s. */
    private static final long EXIT_READ_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final ProcFs proc;
    private final long sampleNanos;
    private final Consumer<String> problems;

    private final TcpTableReader reader = new TcpTableReader();
    private final DestinationCounts counts;
    private final ClosedConnections closed = new ClosedConnections();
    /** The budgets and warnings computed from each read. */
    private final DestinationBudgets budgets;
    /** Who holds the ports toward the destinations near trouble, looked for within some reads. */
    private final HolderScan holders = new HolderScan(READ_SPACING);

    /** The kernel catch-all, and where what it counts goes; null until {@link #catchAll} is called. */
    private volatile UninstrumentedConnections uninstrumented;
    private ConnectionSink uninstrumentedSink;
    /** Whether the catch-all looks at the read under way (a sample's, with this JVM's inodes known). */
    private boolean scanCatchAll;

    /** Where the tables are read: the caller's thread unless {@link #readOn} says otherwise (null). */
    private Executor reads;
    /* Classes, not lambdas (this::read): each lambda is a class the JVM spins, at the agent's start here. */
    private final Runnable readTask = new Runnable() {
        @Override
        public void run() {
            read();
        }
    };
    private final RowVisitor scanRows = new RowVisitor() {
        @Override
        public void row(TcpRow row) {
            counts.row(row);
            closed.row(row);
            holders.row(row);
            if (scanCatchAll) uninstrumented.row(row);
        }
    };
    /*
     * The scan under way. Set by startScan before the read, and by read (on the reads thread)
     * before scanDone; read by finishScan after it has seen scanDone.
     */
    private boolean scanning;
    private volatile boolean scanDone;
    private int scanRecords;
    private long scanNow;
    private boolean scanSample;
    /** No read follows this one (the second at exit): the connections it finds gone wait for none. */
    private boolean scanLastRead;
    private boolean scanAttributed;
    private long scanOverflow;
    private Netstat scanNetstat;
    private Conntrack scanConntrack;
    /** Which network namespace on which host the reads see; read once. */
    private final String netns;
    private PortHolders scanHolders = PortHolders.NONE;
    private long scanNanos;

    private Sysctls sysctls;
    private long sysctlsRead;
    private long lastScan = Long.MIN_VALUE / 2;
    /** When the last sample was taken; long enough ago at first for the widest window. */
    static final long NO_SAMPLE = Long.MIN_VALUE / 2;
    private long lastSample = NO_SAMPLE;
    /** The window of the scan under way for the host's new TIME_WAITs, in seconds. */
    private double scanFreshSeconds;
    private static final double MIN_FRESH_SECONDS = 5;
    /** How long the last two scans took; the shorter sets the gap between scans. */
    private long lastScanDuration;
    private long previousScanDuration;
    private long lastOverflow = -1;
    private boolean tableProblemReported;
    private boolean fdProblemReported;
    private static final long[] NO_INODES = new long[0];
    private java.net.InetAddress lastLocal;
    private java.net.InetAddress lastPeer;
    private int lastPort;
    private Destination lastKey;

    public HostSampler(ProcFs proc, long sampleMillis, double horizonSeconds, double share,
                       BudgetListener listener, Consumer<String> problems) {
        this.proc = proc;
        this.sampleNanos = TimeUnit.MILLISECONDS.toNanos(sampleMillis);
        this.budgets = new DestinationBudgets(horizonSeconds, share, listener);
        this.problems = problems;
        this.sysctls = proc.sysctls();
        this.sysctlsRead = System.nanoTime();
        this.counts = new DestinationCounts(portLow(), portHigh());
        this.netns = proc.netnsId();
    }

    /** The host's TCP settings checked once, for the start-up lines: every rule not passed. */
    public List<RuleResult> hostVerdicts() {
        long tw = -1;
        long overflow = -1;
        try {
            tw = proc.sockstat().tcpTimeWait();
            overflow = proc.netstat().timeWaitOverflow();
        } catch (IOException e) {
            // the rules that need them say so
        }
        List<RuleResult> out = new ArrayList<>();
        for (RuleResult r : HostRules.evaluate(sysctls, tw, overflow, proc.conntrack())) {
            if (r.verdict() != Verdict.PASS) out.add(r);
        }
        return out;
    }

    /**
     * Counts, from the sample reads, the connections of this JVM that no advice reported, and hands
     * them to {@code sink} (which should include this sampler, for their budgets); {@code agentKeys}
     * hands over the keys of the agent's own connections, {@code say} says which destinations carry
     * such traffic. Before the first read.
     */
    public void catchAll(ConnectionSink sink, Consumer<java.util.function.LongConsumer> agentKeys, Consumer<String> say,
                         long[] openBeforeAttach) {
        UninstrumentedConnections u = new UninstrumentedConnections(agentKeys, say);
        for (long key : openBeforeAttach) u.openBeforeAttach(key);
        this.uninstrumentedSink = sink;
        this.uninstrumented = u;
    }

    /** Whether the catch-all has counted any connection; any thread. */
    public boolean countedUninstrumented() {
        UninstrumentedConnections u = uninstrumented;
        return u != null && u.countedAny();
    }

    @Override
    public void opened(ConnectionRecord r) {
        if (uninstrumented != null && r.instrumented()) uninstrumented.reported(r);
        if (r.direction != ConnectionRecord.Direction.OUTGOING || r.localAddress() == null || r.peerAddress() == null) {
            return;
        }
        // Only a connect timed from its start measures the kernel's port search.
        double connectMillis = !r.openedBeforeAttach() && r.connectedNanos() > r.startNanos
                ? (r.connectedNanos() - r.startNanos) / 1e6 : Double.NaN;
        budgets.opened(key(r), r.connectedNanos() != 0 ? r.connectedNanos() : r.startNanos,
                r.callSite == null ? null : r.callSite.toString(), r.jdbc() != null && r.jdbc().pool() != null,
                r.callSite == null ? null : r.callSite.library, r.boundBeforeConnect(), connectMillis);
    }

    @Override
    public void ended(ConnectionRecord r) {
        if (r.direction != ConnectionRecord.Direction.OUTGOING || r.localAddress() == null || r.peerAddress() == null) {
            return;
        }
        if (r.callSite != null && !r.failed()) budgets.ended(key(r), r.callSite.toString(), r.startNanos, r.endNanos());
        if (r.timeWait() == null) return;
        budgets.closeConfirmed(key(r), r.timeWait(), r.endNanos());
    }

    /**
     * The catch-all forgets a reported connection as soon as the reporter takes its end, not once
     * the kernel confirmed it: at tens of thousands of connections a second, thousands wait for
     * the kernel's word, and its table held them all (13,500 keys at 12,000 connections a second).
     */
    @Override
    public void endTaken(ConnectionRecord r) {
        if (uninstrumented != null && r.instrumented()) uninstrumented.reportedEnded(r, scanning);
    }

    /** Reads the tables on {@code reads} (a thread of the agent's) rather than on the caller's. */
    public void readOn(Executor reads) {
        this.reads = reads;
    }

    @Override
    public int check(List<ConnectionRecord> awaiting, long now, boolean force) {
        int looked = checkScans(awaiting, now, force);
        if (force) lookAgainAtExit(awaiting, now);
        // At exit, after the last read: the uninstrumented connections still open end so.
        if (force && uninstrumented != null) uninstrumented.endAll(now, uninstrumentedSink);
        return looked;
    }

    private int checkScans(List<ConnectionRecord> awaiting, long now, boolean force) {
        int looked = 0;
        if (scanning) {
            if (!scanDone && !(force && awaitScan())) {
                return force ? awaiting.size() : 0; // at exit, a read that hangs: the rest go unconfirmed
            }
            looked = finishScan();
            if (!force || looked == awaiting.size()) return looked;
        }
        // One scan per gap, whatever it is for. A scan for the ended connections took no sample,
        // so a sample fell due a moment later and read the tables again: on a table of 100,000
        // TIME_WAITs, twice the cost, and the reporter stalled twice as long (its queue overflowed).
        long minGap = Math.max(CONFIRM_NANOS, READ_SPACING * Math.min(lastScanDuration, previousScanDuration));
        long sampleGap = Math.max(sampleNanos, minGap);
        boolean due = now - lastScan >= minGap && (!awaiting.isEmpty() || now - lastSample >= sampleGap);
        if (!force && !due) {
            return 0;
        }
        // The sample goes with this scan if it would fall due before the next one.
        startScan(awaiting.subList(looked, awaiting.size()), now, force || now - lastSample + minGap >= sampleGap, false);
        if (force && !scanDone && !awaitScan()) {
            return awaiting.size();
        }
        return scanDone ? looked + finishScan() : 0;
    }

    /**
     * Begins a scan on this thread and reads the tables on {@link #reads}: the reporter goes on
     * delivering meanwhile. A cold read of a big table took 3.9 s, and the reporter's queue
     * overflowed behind it (performance.md).
     */
    private void startScan(List<ConnectionRecord> records, long now, boolean sample, boolean lastRead) {
        if (now - sysctlsRead > SYSCTL_REFRESH_NANOS) {
            sysctls = proc.sysctls();
            sysctlsRead = now;
        }
        counts.beginSnapshot(portLow(), portHigh());
        scanFreshSeconds = freshWindowSeconds(now, lastSample);
        counts.freshWithin(scanFreshSeconds);
        List<Destination> near = new ArrayList<>();
        List<Boolean> byLocal = new ArrayList<>();
        if (sample) budgets.nearTrouble(near, byLocal);
        holders.watch(near, byLocal, now, sampleNanos);
        closed.begin(records);
        scanRecords = records.size();
        scanNow = now;
        scanSample = sample;
        scanLastRead = lastRead;
        scanning = true;
        scanDone = false;
        lastScan = now;
        if (reads == null) {
            read();
            return;
        }
        try {
            reads.execute(readTask);
        } catch (RuntimeException e) { // a reads thread that is gone: read here
            read();
        }
    }

    /**
     * The window over which a read counts the host's new TIME_WAITs, in seconds: the time since
     * the last sample, five seconds at least (a steadier rate) and 59 at most (within a TIME_WAIT's
     * 60 s life); the first sample, with none before it, looks back 59 s.
     */
    static double freshWindowSeconds(long now, long lastSample) {
        return Math.max(MIN_FRESH_SECONDS, Math.min(Forecast.TIME_WAIT_SECONDS - 1, (now - lastSample) / 1e9));
    }

    /** The part of a scan that reads: on {@link #reads}, between startScan and finishScan. */
    private void read() {
        long started = System.nanoTime();
        scanAttributed = false;
        scanCatchAll = false;
        if (scanSample) {
            long[] own = ownSocketInodes();
            scanAttributed = own != null;
            counts.ownSockets(own == null ? NO_INODES : own);
            holders.begin(own == null ? NO_INODES : own);
            if (uninstrumented != null && own != null) {
                uninstrumented.begin(own);
                scanCatchAll = true;
            }
        }
        scanOverflow = -1;
        scanNetstat = null;
        scanConntrack = scanSample ? proc.conntrack() : null;
        try {
            reader.resetCounts();
            proc.readTcpTables(reader, scanRows);
            scanNetstat = proc.netstat();
            scanOverflow = scanNetstat.timeWaitOverflow();
        } catch (IOException | RuntimeException e) {
            if (!tableProblemReported) {
                problems.accept("cannot read the kernel's TCP tables, TIME_WAIT checks and port budgets paused: " + e);
                tableProblemReported = true;
            }
        }
        if (reader.badLines() > 0 && !tableProblemReported) {
            problems.accept(reader.badLines() + " malformed lines in /proc/net/tcp(6) skipped");
            tableProblemReported = true;
        }
        scanNanos = System.nanoTime() - started;
        // After the timing: the holders' scan is paced by its own cost, and would otherwise space
        // the table reads, and the ended connections' confirmation, further apart. Only when this
        // JVM's own sockets are known: the rest is the others'.
        scanHolders = scanAttributed && holders.watching() ? holders.resolve(proc, problems) : PortHolders.NONE;
        scanDone = true;
    }

    /**
     * At exit no later read comes for the connections the last one found gone (a read can miss a
     * row, {@link ClosedConnections}): they are looked up once more, now.
     */
    private void lookAgainAtExit(List<ConnectionRecord> awaiting, long now) {
        if (scanning) return; // a read that hangs: they go as they are
        List<ConnectionRecord> again = new ArrayList<>();
        for (ConnectionRecord r : awaiting) {
            if (r.awaitsAnotherRead()) again.add(r);
        }
        if (again.isEmpty()) return;
        startScan(again, now, false, true);
        if (scanDone || awaitScan()) finishScan();
    }

    /** Waits for the read at exit, a few seconds at most; false if it did not end. */
    private boolean awaitScan() {
        long deadline = System.nanoTime() + EXIT_READ_NANOS;
        while (!scanDone && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
        }
        return scanDone;
    }

    /** Decides the scanned records and takes the sample, on the caller's thread; returns how many records. */
    private int finishScan() {
        scanning = false;
        boolean overflowed = lastOverflow >= 0 && scanOverflow > lastOverflow;
        closed.finish(overflowed, scanLastRead);
        scanTook(scanNanos);
        // Before the sample: a destination seen only through the catch-all gets its budget in it.
        if (scanCatchAll && scanNetstat != null) uninstrumented.finish(scanNow, overflowed, uninstrumentedSink);
        if (scanSample) {
            lastSample = scanNow;
            budgets.sample(new KernelRead(counts, scanFreshSeconds, sysctls, scanNetstat,
                    overflowed ? scanOverflow - lastOverflow : 0, scanAttributed, scanHolders, scanConntrack, netns), scanNow);
        }
        if (scanOverflow >= 0) lastOverflow = scanOverflow;
        return scanRecords;
    }

    /**
     * Keeps a scan's duration for the gap, which is {@link #READ_SPACING} times the shorter of
     * the last two: a one-off long scan does not stretch it. The first, made as the
     * application's connections start, when the kernel's own walk of the table is slow
     * (performance.md), took 0.6–1.5 s on a table a later scan reads in 0.1 s, and held every
     * later check back by 12–30 s, while ended connections past the bound went out unconfirmed.
     */
    void scanTook(long nanos) {
        previousScanDuration = lastScanDuration;
        lastScanDuration = nanos;
    }

    /** This JVM's socket inodes, or null when {@code /proc/self/fd} cannot be read (said once). */
    private long[] ownSocketInodes() {
        try {
            return proc.socketInodes("self");
        } catch (IOException | RuntimeException e) {
            if (!fdProblemReported) {
                problems.accept("cannot read /proc/self/fd, ports are not told apart by process: " + e);
                fdProblemReported = true;
            }
            return null;
        }
    }

    /**
     * The destination of a record. A churning application connects to the same few destinations
     * with the same addresses again and again ({@link IpAddress#same}): the last key found is reused.
     */
    private Destination key(ConnectionRecord r) {
        if (r.localAddress() != lastLocal || !IpAddress.same(r.peerAddress(), lastPeer) || r.peerPort() != lastPort) {
            lastLocal = r.localAddress();
            lastPeer = r.peerAddress();
            lastPort = r.peerPort();
            lastKey = Destination.of(lastLocal, lastPeer, lastPort);
        }
        return lastKey;
    }

    private int portLow() {
        return sysctls.hasPortRange() ? sysctls.portLow() : 32768;
    }

    private int portHigh() {
        return sysctls.hasPortRange() ? sysctls.portHigh() : 60999;
    }
}
