package io.portwatch.host;

import io.portwatch.budget.Advice;
import io.portwatch.budget.Destination;
import io.portwatch.budget.DestinationCounts;
import io.portwatch.budget.DestinationUsage;
import io.portwatch.budget.ExhaustionAlarm;
import io.portwatch.budget.Forecast;
import io.portwatch.budget.HostRules;
import io.portwatch.budget.PortBudget;
import io.portwatch.budget.ReuseVerdict;
import io.portwatch.budget.RuleResult;
import io.portwatch.budget.Verdict;
import io.portwatch.kernel.Netstat;
import io.portwatch.kernel.ProcFs;
import io.portwatch.kernel.Sysctls;
import io.portwatch.kernel.TcpTableReader;
import io.portwatch.track.ConnectionRecord;
import io.portwatch.track.ConnectionSink;
import io.portwatch.track.KernelCheck;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Joins this JVM's connections with the kernel's view of the host, on the reporter thread, the
 * tables read on a thread of their own ({@link #readOn}):
 * <ul>
 *   <li>confirms, for connections that just ended, whether this host holds their TIME_WAIT and
 *       who closed first ({@link ClosedConnections}); spans wait for it about a second, longer
 *       on a host whose tables take long to read (the gap below);</li>
 *   <li>every sample interval, counts the ports each destination holds, and for the destinations
 *       this JVM connects to computes the budget and the forecast ({@link Forecast}), and raises
 *       or clears a warning ({@link ExhaustionAlarm}, with hysteresis) with specific advice.</li>
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
    private static final int MAX_DESTINATIONS = 1000;

    private final ProcFs proc;
    private final long sampleNanos;
    private final double horizonSeconds;
    private final double share;
    private final BudgetListener listener;
    private final Consumer<String> problems;

    private final TcpTableReader reader = new TcpTableReader();
    private final DestinationCounts counts;
    private final ClosedConnections closed = new ClosedConnections();
    private final Map<Destination, JvmDestination> jvm = new HashMap<>();

    /** Where the tables are read: the caller's thread unless {@link #readOn} says otherwise. */
    private Executor reads = Runnable::run;
    /*
     * The scan under way. Set by startScan before the read, and by read (on the reads thread)
     * before scanDone; read by finishScan after it has seen scanDone.
     */
    private boolean scanning;
    private volatile boolean scanDone;
    private int scanRecords;
    private long scanNow;
    private boolean scanSample;
    private boolean scanAttributed;
    private long scanOverflow;
    private Netstat scanNetstat;
    private long scanNanos;

    private Sysctls sysctls;
    private long sysctlsRead;
    private long lastScan = Long.MIN_VALUE / 2;
    private long lastSample = Long.MIN_VALUE / 2;
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
        this.horizonSeconds = horizonSeconds;
        this.share = share;
        this.listener = listener;
        this.problems = problems;
        this.sysctls = proc.sysctls();
        this.sysctlsRead = System.nanoTime();
        this.counts = new DestinationCounts(portLow(), portHigh());
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
        for (RuleResult r : HostRules.evaluate(sysctls, tw, overflow)) {
            if (r.verdict() != Verdict.PASS) out.add(r);
        }
        return out;
    }

    @Override
    public void opened(ConnectionRecord r) {
        if (r.direction != ConnectionRecord.Direction.OUTGOING || r.localAddress() == null || r.peerAddress() == null) {
            return;
        }
        JvmDestination d = destination(r);
        if (d == null) return;
        d.opened(r.connectedNanos() != 0 ? r.connectedNanos() : r.startNanos,
                r.callSite == null ? null : r.callSite.toString(), r.jdbc() != null && r.jdbc().pool() != null,
                r.callSite == null ? null : r.callSite.library);
        d.boundBeforeConnect |= r.boundBeforeConnect();
        if (!r.openedBeforeAttach() && r.connectedNanos() > r.startNanos) {
            d.latency.observe((r.connectedNanos() - r.startNanos) / 1e6);
        }
    }

    @Override
    public void ended(ConnectionRecord r) {
        if (r.direction != ConnectionRecord.Direction.OUTGOING || r.timeWait() == null
                || r.localAddress() == null || r.peerAddress() == null) {
            return;
        }
        JvmDestination d = jvm.get(key(r));
        if (d != null) {
            d.confirmed++;
            if (r.timeWait()) d.timeWaitHere++;
        }
    }

    /** Reads the tables on {@code reads} (a thread of the agent's) rather than on the caller's. */
    public void readOn(Executor reads) {
        this.reads = reads;
    }

    @Override
    public int check(List<ConnectionRecord> awaiting, long now, boolean force) {
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
        startScan(awaiting.subList(looked, awaiting.size()), now, force || now - lastSample + minGap >= sampleGap);
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
    private void startScan(List<ConnectionRecord> records, long now, boolean sample) {
        if (now - sysctlsRead > SYSCTL_REFRESH_NANOS) {
            sysctls = proc.sysctls();
            sysctlsRead = now;
        }
        counts.beginSnapshot(portLow(), portHigh());
        // The host's new TIME_WAITs are counted over the time since the last sample, five
        // seconds at least (a steadier rate) and 60 s at most (a TIME_WAIT's whole life).
        scanFreshSeconds = Math.max(MIN_FRESH_SECONDS, Math.min(Forecast.TIME_WAIT_SECONDS - 1,
                (now - lastSample) / 1e9));
        counts.freshWithin(scanFreshSeconds);
        closed.begin(records);
        scanRecords = records.size();
        scanNow = now;
        scanSample = sample;
        scanning = true;
        scanDone = false;
        lastScan = now;
        try {
            reads.execute(this::read);
        } catch (RuntimeException e) { // a reads thread that is gone: read here
            read();
        }
    }

    /** The part of a scan that reads: on {@link #reads}, between startScan and finishScan. */
    private void read() {
        long started = System.nanoTime();
        scanAttributed = false;
        if (scanSample) {
            long[] own = ownSocketInodes();
            scanAttributed = own != null;
            counts.ownSockets(own == null ? NO_INODES : own);
        }
        scanOverflow = -1;
        scanNetstat = null;
        try {
            reader.resetCounts();
            proc.readTcpTables(reader, row -> {
                counts.row(row);
                closed.row(row);
            });
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
        scanDone = true;
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
        closed.finish(overflowed);
        scanTook(scanNanos);
        if (scanSample) {
            lastSample = scanNow;
            sample(scanNow, scanNetstat, overflowed ? scanOverflow - lastOverflow : 0, scanAttributed);
        }
        if (scanOverflow >= 0) lastOverflow = scanOverflow;
        return scanRecords;
    }

    /**
     * Keeps a scan's duration for the gap, which is 20 times the shorter of the last two: a
     * one-off long scan does not stretch it. The first, before the JIT has compiled the reader,
     * took 0.6–1.5 s on a table a warm scan reads in 0.1 s, and held every later check back by
     * 12–30 s, while ended connections past the bound went out unconfirmed.
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

    private void sample(long now, Netstat netstat, long overflowDelta, boolean attributed) {
        PortBudget budget = PortBudget.of(sysctls);
        List<HostSnapshot.DestinationBudget> out = new ArrayList<>();
        for (Iterator<Map.Entry<Destination, JvmDestination>> it = jvm.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Destination, JvmDestination> e = it.next();
            Destination dest = e.getKey();
            JvmDestination d = e.getValue();
            // Bound before connect: every port from the local address counts, whatever its destination.
            DestinationUsage usage = d.boundBeforeConnect ? counts.fromLocal(dest) : counts.get(dest);
            int established = usage == null ? 0 : usage.established();
            int timeWait = usage == null ? 0 : usage.timeWait();
            int other = usage == null ? 0 : usage.other();
            d.observe(now);
            double opens = d.rate.perSecond();
            // Only closes that leave a TIME_WAIT here use up the pool for 60 s. This JVM's own,
            // and the host's: every process's new TIME_WAITs toward it, this JVM's among them.
            double ownRate = opens * d.timeWaitShare();
            double hostRate = usage == null ? 0 : usage.freshTimeWait() / scanFreshSeconds;
            double rate = Math.max(ownRate, hostRate);
            ReuseVerdict reuse = d.boundBeforeConnect ? ReuseVerdict.boundBeforeConnect()
                    : ReuseVerdict.evaluate(sysctls, dest.isLoopback());
            Forecast f = Forecast.compute(budget.capacity(), established, timeWait, other, rate, reuse);
            int ownOpen = usage == null ? 0 : usage.ownOpen();
            int othersOpen = usage == null ? 0 : usage.othersOpen();
            out.add(new HostSnapshot.DestinationBudget(dest.remoteAddress().getHostAddress(), dest.remotePort(),
                    dest.local(), budget.capacity(), f.held(), established, timeWait, rate, f.secondsLeft(),
                    attributed ? ownOpen : -1, attributed ? othersOpen : -1, d.latency.millis(),
                    d.latency.trend(), d.boundBeforeConnect, f.holdSeconds(), reuse.blockedBy()));
            ExhaustionAlarm.Change change = d.alarm.update(f);
            if (change == ExhaustionAlarm.Change.CLEARED && d.said != null) {
                listener.warningCleared(d.said);
                d.said = null;
            } else if (d.alarm.raised()) {
                Advice advice = d.boundBeforeConnect ? new Advice().boundBeforeConnect(true) : new Advice().reuse(reuse);
                List<Advice.Opener> openers = d.topOpeners();
                advice.openedAt(openers, d.moreCallSites());
                advice.library(openers, d.closerKnown(), d.timeWaitShare());
                advice.closer(d.closerKnown(), d.confirmed, d.timeWaitShare());
                advice.timeWaitOverflow(overflowDelta);
                advice.connectSlowing(d.latency);
                if (attributed) advice.otherHolders(othersOpen, ownOpen + othersOpen);
                advice.othersChurn(hostRate - ownRate, ownRate);
                PortWarning w = new PortWarning(dest.toString(), dest.remoteAddress().getHostAddress(), dest.remotePort(),
                        budget.capacity(), f.held(), timeWait, rate, f.secondsLeft(), advice,
                        openers.isEmpty() ? null : openers.get(0).callSite());
                if (d.said == null) {
                    listener.warningRaised(w);
                    said(d, w, advice, now);
                } else if (WarningUpdates.worthSaying(d.said, d.saidCauses, d.saidNanos, w, advice.causes(), now)) {
                    listener.warningUpdated(w);
                    said(d, w, advice, now);
                }
            }
            if (opens == 0 && usage == null && !d.alarm.raised()) {
                // Quiet for a whole rate window and holding no port: forget it, so that new
                // destinations keep a budget (the report's recording keeps its peaks).
                it.remove();
            }
        }
        listener.sampled(new HostSnapshot(netstat == null ? -1 : counts.hostTimeWait(),
                netstat == null ? -1 : netstat.timeWaitRecycled(),
                netstat == null ? -1 : netstat.timeWaitOverflow(), out));
    }

    private static void said(JvmDestination d, PortWarning w, Advice advice, long now) {
        d.said = w;
        d.saidCauses = new ArrayList<>(advice.causes());
        d.saidNanos = now;
    }

    private JvmDestination destination(ConnectionRecord r) {
        Destination key = key(r);
        JvmDestination d = jvm.get(key);
        if (d == null && jvm.size() < MAX_DESTINATIONS) {
            d = new JvmDestination(new ExhaustionAlarm(horizonSeconds, share));
            jvm.put(key, d);
        }
        return d;
    }

    /**
     * The destination of a record. A churning application connects to the same few destinations
     * with the same address objects again and again: the last key found is reused.
     */
    private Destination key(ConnectionRecord r) {
        if (r.localAddress() != lastLocal || r.peerAddress() != lastPeer || r.peerPort() != lastPort) {
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
