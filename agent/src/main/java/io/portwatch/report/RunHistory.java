package io.portwatch.report;

import io.portwatch.host.BudgetListener;
import io.portwatch.host.HostSnapshot;
import io.portwatch.host.UninstrumentedDestinations;
import io.portwatch.host.PortWarning;
import io.portwatch.hostrules.RuleResult;
import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionCounts;
import io.portwatch.track.ConnectionRecord;
import io.portwatch.track.ConnectionSink;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What the end-of-run report is made of, recorded as it happens: a sink for ended connections and
 * a listener for the host sampler's budgets and warnings, both called on the reporter thread only,
 * never on an application thread.
 *
 * <p>Memory is bounded whatever the run length: every series has {@link #POINTS} buckets that
 * coarsen as the run grows ({@link Series}); at most {@link CallSiteTable#MAX_ROWS} call sites,
 * {@link #MAX_DESTINATIONS} destinations ({@link #MAX_CHARTED} of them with series) and
 * {@link #MAX_WARNINGS} warnings are kept.
 *
 * <p>Thread-safe: a report can be asked for on any thread while the run goes on. The lock is held
 * only by the reporter thread and by {@link #snapshot()}, which copies and leaves; rendering
 * happens outside it.
 */
public final class RunHistory implements ConnectionSink, BudgetListener {

    static final int POINTS = 256;
    static final long BUCKET_MILLIS = 1000;
    static final int MAX_DESTINATIONS = 100;
    static final int MAX_CHARTED = 6;
    static final int MAX_WARNINGS = 100;

    private final LongSupplier nanoClock;
    private final long startNanos;
    private final long startEpochMillis;
    private final String application;

    private final ConnectionCounts totals = new ConnectionCounts();
    private final CallSiteTable callSites = new CallSiteTable();
    private final Series[] closerCounts = new Series[Closer.values().length];
    private final Series hostTimeWait = new Series(POINTS, BUCKET_MILLIS, Series.Merge.MAX);
    private final Map<String, DestinationTrack> destinations = new LinkedHashMap<>();
    /** Connections no instrumentation reported (the kernel catch-all's), by destination, in the order first seen. */
    private final Map<String, Long> uninstrumented = new LinkedHashMap<>();
    private final List<RunSnapshot.Warning> warnings = new ArrayList<>();
    private long warningsRaised;
    private List<RuleResult> hostVerdicts;
    private boolean kernelSampled;
    private volatile LongSupplier droppedEvents = NONE;
    private volatile LongSupplier untracked = NONE;

    /* Classes, not lambdas: the history is built at the agent's start, where each lambda is a class the JVM spins. */
    private static final LongSupplier NONE = new LongSupplier() {
        @Override
        public long getAsLong() {
            return 0;
        }
    };
    private static final LongSupplier SYSTEM_NANOS = new LongSupplier() {
        @Override
        public long getAsLong() {
            return System.nanoTime();
        }
    };

    public RunHistory() {
        this(SYSTEM_NANOS, System.currentTimeMillis(), application(System.getProperty("sun.java.command")));
    }

    RunHistory(LongSupplier nanoClock, long startEpochMillis, String application) {
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.startEpochMillis = startEpochMillis;
        this.application = application;
        for (int i = 0; i < closerCounts.length; i++) {
            closerCounts[i] = new Series(POINTS, BUCKET_MILLIS, Series.Merge.SUM);
        }
    }

    /** Where the tracker's losses are read from, for the report to say how complete it is. */
    public void losses(LongSupplier droppedEvents, LongSupplier untrackedConnections) {
        this.droppedEvents = droppedEvents;
        this.untracked = untrackedConnections;
    }

    /** The host settings that did not pass, checked once at start. */
    public synchronized void hostVerdicts(List<RuleResult> verdicts) {
        this.hostVerdicts = new ArrayList<>(verdicts);
    }

    @Override
    public synchronized void ended(ConnectionRecord r) {
        totals.ended(r);
        if (!r.instrumented()) {
            String name = UninstrumentedDestinations.name(r);
            if (uninstrumented.containsKey(name) || uninstrumented.size() < MAX_DESTINATIONS) {
                uninstrumented.merge(name, 1L, Long::sum);
            }
        }
        if (r.direction != ConnectionRecord.Direction.OUTGOING) return;
        callSites.ended(r);
        if (!r.failed()) {
            closerCounts[r.closer().ordinal()].add(elapsedMillis(r.endNanos()), 1);
        }
    }

    @Override
    public synchronized void sampled(HostSnapshot s) {
        long at = elapsedMillis(nanoClock.getAsLong());
        kernelSampled = true;
        if (s.hostTimeWait >= 0) hostTimeWait.add(at, s.hostTimeWait);
        for (HostSnapshot.DestinationBudget d : s.destinations) {
            String key = DestinationTrack.name(d);
            DestinationTrack t = destinations.get(key);
            if (t == null) {
                if (destinations.size() >= MAX_DESTINATIONS) continue;
                t = new DestinationTrack(key, d, destinations.size() < MAX_CHARTED, POINTS, BUCKET_MILLIS);
                destinations.put(key, t);
            }
            t.sampled(at, d);
        }
    }

    @Override
    public synchronized void warningRaised(PortWarning w) {
        warningsRaised++;
        warning(w, true);
    }

    @Override
    public synchronized void warningUpdated(PortWarning w) {
        warning(w, true, "updated: " + w.text());
    }

    @Override
    public synchronized void warningCleared(PortWarning w) {
        warning(w, false, "cleared: " + w.destination);
    }

    private void warning(PortWarning w, boolean raised) {
        warning(w, raised, w.text());
    }

    /** {@code inForce}: raised or updated, as against cleared. */
    private void warning(PortWarning w, boolean inForce, String text) {
        if (warnings.size() >= MAX_WARNINGS) return;
        warnings.add(new RunSnapshot.Warning(elapsedMillis(nanoClock.getAsLong()), inForce, w.destination,
                w.serverAddress, w.serverPort, text, w.advice));
    }

    /** A copy of everything recorded so far; any thread. */
    RunSnapshot snapshot() {
        long dropped = droppedEvents.getAsLong();
        long lost = untracked.getAsLong();
        synchronized (this) {
            long now = elapsedMillis(nanoClock.getAsLong());
            double[][][] rates = new double[closerCounts.length][][];
            long resolution = hostTimeWait.bucketMillis();
            for (int i = 0; i < rates.length; i++) {
                rates[i] = closerCounts[i].points(now, true);
                resolution = Math.max(resolution, closerCounts[i].bucketMillis());
            }
            List<RunSnapshot.Destination> dests = new ArrayList<>();
            for (DestinationTrack t : destinations.values()) {
                dests.add(new RunSnapshot.Destination(t, now));
                if (t.used != null) resolution = Math.max(resolution, t.used.bucketMillis());
            }
            return new RunSnapshot(application, ProcessHandle.current().pid(), startEpochMillis, now, totals.copy(),
                    callSites.snapshot(), dests, rates, hostTimeWait.points(now, false),
                    Collections.unmodifiableList(new ArrayList<>(warnings)), warningsRaised,
                    hostVerdicts == null ? null : Collections.unmodifiableList(new ArrayList<>(hostVerdicts)),
                    kernelSampled, dropped, lost, resolution, new LinkedHashMap<>(uninstrumented));
        }
    }

    private long elapsedMillis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos - startNanos);
    }

    /** {@code com.example.Main arg} → {@code com.example.Main}; a jar's file name; or "java". */
    static String application(String command) {
        if (command == null || command.trim().isEmpty()) return "java";
        String first = command.trim().split("\\s+")[0];
        int slash = Math.max(first.lastIndexOf('/'), first.lastIndexOf('\\'));
        return first.substring(slash + 1);
    }
}
