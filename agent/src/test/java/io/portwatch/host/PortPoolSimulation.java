package io.portwatch.host;

import io.portwatch.budget.Destination;
import io.portwatch.budget.DestinationCounts;
import io.portwatch.budget.ReuseVerdict;
import io.portwatch.kernel.Sysctls;
import io.portwatch.kernel.TcpRow;
import io.portwatch.kernel.TcpState;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * A host's port pools, as the kernel keeps them, for {@link DestinationBudgets} tests: processes
 * churn connections (connect, close first, a TIME_WAIT here for 60 s) toward destinations at rates
 * that may change over time, and every {@link #SAMPLE_SECONDS} the tables are "read" (their
 * TIME_WAIT rows, with the timer the kernel prints) and handed to the budgets, as the read schedule
 * would. This JVM's connections are also told to the budgets, as the reporter does, each close
 * confirmed by the kernel as leaving a TIME_WAIT here.
 *
 * <p>The kernel's side, from {@code __inet_hash_connect()} and {@code tcp_twsk_unique()}: a
 * {@code connect()} needs a port free toward its destination; when the pool is full it takes over a
 * TIME_WAIT port older than the reuse delay if reuse is effective, else it fails. A socket bound
 * before connect needs a port free toward every destination from its local address, and never
 * takes a TIME_WAIT port. The first connect that fails is the moment of exhaustion the warning
 * must come ahead of.
 */
final class PortPoolSimulation {

    static final double SAMPLE_SECONDS = 2;
    static final int LOW_PORT = 40000;
    private static final double STEP = 0.01;
    private static final long ORIGIN = 1_000_000_000_000L; // nanoTime readings are arbitrary; not 0
    static final String SITE = "com.example.Writer.write(Writer.java:42)";

    /** One process's churn toward one destination. */
    private static final class Churner {
        final Destination dest;
        final DoubleUnaryOperator ratePerSecond;
        final boolean thisJvm;
        final boolean bound;
        double due;

        Churner(Destination dest, DoubleUnaryOperator ratePerSecond, boolean thisJvm, boolean bound) {
            this.dest = dest;
            this.ratePerSecond = ratePerSecond;
            this.thisJvm = thisJvm;
            this.bound = bound;
        }
    }

    /** A TIME_WAIT row: toward which destination, born when, of this JVM's or not. */
    private static final class TimeWait {
        final Destination dest;
        final double born;
        final int port;
        final boolean thisJvm;

        TimeWait(Destination dest, double born, int port, boolean thisJvm) {
            this.dest = dest;
            this.born = born;
            this.port = port;
            this.thisJvm = thisJvm;
        }
    }

    /** What the listener was told, with the simulated time in seconds and the TIME_WAITs toward the database then. */
    static final class Said {
        final double at;
        final String kind;
        final String text;
        final int timeWaits;
        final int jvmTimeWaits;

        Said(double at, String kind, String text, int timeWaits, int jvmTimeWaits) {
            this.at = at;
            this.kind = kind;
            this.text = text;
            this.timeWaits = timeWaits;
            this.jvmTimeWaits = jvmTimeWaits;
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%.0f s %s: %s", at, kind, text);
        }
    }

    private final int capacity;
    private final Sysctls sysctls;
    private final List<Churner> churners = new ArrayList<>();
    private final Deque<TimeWait> timeWaits = new ArrayDeque<>();
    private final List<Said> said = new ArrayList<>();
    private final DestinationBudgets budgets;
    private int nextPort;
    private double now;
    private double firstFailure = Double.NaN;

    /** {@code capacity} ports per pool (the range 40000 and up), these sysctls otherwise. */
    PortPoolSimulation(int capacity, Sysctls sysctls) {
        this.capacity = capacity;
        this.sysctls = sysctls.withPortRange(LOW_PORT, LOW_PORT + capacity - 1);
        this.budgets = new DestinationBudgets(60, 0.8, new BudgetListener() {
            @Override public void sampled(HostSnapshot s) { }
            @Override public void warningRaised(PortWarning w) { said.add(said(w, "raised", w.text())); }
            @Override public void warningUpdated(PortWarning w) { said.add(said(w, "updated", w.text())); }
            @Override public void warningCleared(PortWarning w) { said.add(said(w, "cleared", w.destination)); }
        });
    }

    /** What was said of {@code w}, with the live TIME_WAITs toward its destination (one of the churners'). */
    private Said said(PortWarning w, String kind, String text) {
        int all = 0;
        int jvm = 0;
        for (TimeWait tw : timeWaits) {
            if (tw.dest.toString().equals(w.destination)) {
                all++;
                if (tw.thisJvm) jvm++;
            }
        }
        return new Said(now, kind, text, all, jvm);
    }

    /** Another process churning toward {@code dest} at {@code rate(t)} connections a second. */
    PortPoolSimulation other(Destination dest, DoubleUnaryOperator rate) {
        churners.add(new Churner(dest, rate, false, false));
        return this;
    }

    /** This JVM churning toward {@code dest}; {@code bound}: its sockets bound before connect. */
    PortPoolSimulation jvm(Destination dest, DoubleUnaryOperator rate, boolean bound) {
        churners.add(new Churner(dest, rate, true, bound));
        return this;
    }

    /** Runs until {@code seconds}, sampling every {@link #SAMPLE_SECONDS}. */
    PortPoolSimulation runFor(double seconds) {
        long lastSample = HostSampler.NO_SAMPLE;
        double nextSample = SAMPLE_SECONDS;
        for (long step = 1; step * STEP <= seconds + 1e-9; step++) {
            now = step * STEP;
            expire();
            for (Churner c : churners) {
                c.due += c.ratePerSecond.applyAsDouble(now) * STEP;
                while (c.due >= 1) {
                    c.due -= 1;
                    connectAndClose(c);
                }
            }
            if (now + 1e-9 >= nextSample) {
                long nanos = nanos(now);
                budgets.sample(read(HostSampler.freshWindowSeconds(nanos, lastSample)), nanos);
                lastSample = nanos;
                nextSample += SAMPLE_SECONDS;
            }
        }
        return this;
    }

    private void connectAndClose(Churner c) {
        if (c.thisJvm) {
            budgets.opened(c.dest, nanos(now), SITE, false, null, c.bound, Double.NaN);
        }
        if (!takePort(c)) {
            if (Double.isNaN(firstFailure)) firstFailure = now;
            return;
        }
        timeWaits.addLast(new TimeWait(c.dest, now, LOW_PORT + nextPort++ % capacity, c.thisJvm));
        if (c.thisJvm) budgets.closeConfirmed(c.dest, true, nanos(now));
    }

    /** Whether a port is free for the churner's next connection, taking a TIME_WAIT over if the kernel would. */
    private boolean takePort(Churner c) {
        int held = 0;
        for (TimeWait tw : timeWaits) {
            if (c.bound ? sameLocal(tw.dest, c.dest) : tw.dest.equals(c.dest)) held++;
        }
        if (held < capacity) return true;
        ReuseVerdict reuse = ReuseVerdict.evaluate(sysctls, c.dest.isLoopback());
        if (c.bound || !reuse.effective()) return false;
        for (Iterator<TimeWait> it = timeWaits.iterator(); it.hasNext(); ) {
            TimeWait tw = it.next(); // oldest first
            if (tw.dest.equals(c.dest) && now - tw.born >= reuse.delayMillis() / 1000.0) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    private static boolean sameLocal(Destination a, Destination b) {
        return a.localHi() == b.localHi() && a.localLo() == b.localLo();
    }

    private void expire() {
        while (!timeWaits.isEmpty() && now - timeWaits.peekFirst().born >= 60) {
            timeWaits.removeFirst();
        }
    }

    /** The tables as one read would count them, the host's new TIME_WAITs over {@code windowSeconds}. */
    private KernelRead read(double windowSeconds) {
        DestinationCounts counts = new DestinationCounts(LOW_PORT, LOW_PORT + capacity - 1);
        counts.freshWithin(windowSeconds);
        TcpRow row = new TcpRow();
        for (TimeWait tw : timeWaits) {
            row.localHi = tw.dest.localHi();
            row.localLo = tw.dest.localLo();
            row.localPort = tw.port;
            row.remoteHi = tw.dest.remoteHi();
            row.remoteLo = tw.dest.remoteLo();
            row.remotePort = tw.dest.remotePort();
            row.state = TcpState.TIME_WAIT;
            row.timerActive = 3;
            row.timerTicks = Math.round((60 - (now - tw.born)) * DestinationCounts.TICKS_PER_SECOND);
            counts.row(row);
        }
        return new KernelRead(counts, windowSeconds, sysctls, null, 0, false, PortHolders.NONE);
    }

    private static long nanos(double seconds) {
        return ORIGIN + Math.round(seconds * 1e9);
    }

    /** When the first connect failed, in seconds from the start; NaN if none did. */
    double firstFailure() {
        return firstFailure;
    }

    /** Everything the listener was told, in order. */
    List<Said> said() {
        return said;
    }

    /** The first thing said of {@code kind}, or null. */
    Said first(String kind) {
        for (Said s : said) {
            if (s.kind.equals(kind)) return s;
        }
        return null;
    }

    long count(String kind) {
        return said.stream().filter(s -> s.kind.equals(kind)).count();
    }
}
