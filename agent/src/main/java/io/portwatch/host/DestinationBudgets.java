package io.portwatch.host;

import io.portwatch.budget.Advice;
import io.portwatch.budget.Destination;
import io.portwatch.budget.DestinationUsage;
import io.portwatch.budget.ExhaustionAlarm;
import io.portwatch.budget.Forecast;
import io.portwatch.budget.PortBudget;
import io.portwatch.budget.PortHolder;
import io.portwatch.budget.ReuseVerdict;
import io.portwatch.clients.ClientLibrary;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The port budgets of the destinations this JVM connects to, and the warnings about them: from
 * what one kernel read saw ({@link KernelRead}) and this JVM's own connections toward each
 * destination, the budget, the forecast, and a warning raised, updated or cleared. No I/O and no
 * thread of its own: {@link HostSampler} decides when the kernel is read and hands each read here,
 * and tests hand it reads they made up. Not thread-safe: the reporter thread only.
 */
final class DestinationBudgets {

    /** Destinations followed at once; past them, a new one gets no budget until one is forgotten. */
    static final int MAX_DESTINATIONS = 1000;

    private final double horizonSeconds;
    private final double share;
    private final BudgetListener listener;
    private final Map<Destination, JvmDestination> jvm = new HashMap<>();
    private final ConntrackAlarm conntrack = new ConntrackAlarm();

    DestinationBudgets(double horizonSeconds, double share, BudgetListener listener) {
        this.horizonSeconds = horizonSeconds;
        this.share = share;
        this.listener = listener;
    }

    /**
     * This JVM opened a connection toward {@code dest} at {@code nanos}, from {@code callSite} (null:
     * not known), by a pool or not, through {@code library} (null: none known), its socket bound
     * before connect or not; {@code connectMillis}: how long its connect() took, NaN when that
     * does not measure the kernel's port search (opened before the agent attached, or no time).
     */
    void opened(Destination dest, long nanos, String callSite, boolean pooled, ClientLibrary library,
                boolean boundBeforeConnect, double connectMillis) {
        JvmDestination d = jvm.get(dest);
        if (d == null) {
            if (jvm.size() >= MAX_DESTINATIONS) return;
            d = new JvmDestination(new ExhaustionAlarm(horizonSeconds, share));
            jvm.put(dest, d);
        }
        d.opened(nanos, callSite, pooled, library);
        d.boundBeforeConnect |= boundBeforeConnect;
        if (!Double.isNaN(connectMillis)) d.latency.observe(connectMillis);
    }

    /**
     * A connection of this JVM's toward {@code dest} from {@code callSite} ended (not a failed
     * connect): open from {@code startNanos} to {@code endNanos}, for whether its call site's
     * connections overlap.
     */
    void ended(Destination dest, String callSite, long startNanos, long endNanos) {
        JvmDestination d = jvm.get(dest);
        if (d != null) d.ended(callSite, startNanos, endNanos);
    }

    /**
     * The kernel confirmed a close of this JVM's toward {@code dest}, made at {@code nanos}: whether
     * it left a TIME_WAIT here.
     */
    void closeConfirmed(Destination dest, boolean timeWaitHere, long nanos) {
        JvmDestination d = jvm.get(dest);
        if (d != null) {
            d.confirmed++;
            if (timeWaitHere) {
                d.timeWaitHere++;
                d.recentTimeWaits.add(nanos);
            }
        }
    }

    /**
     * The destinations whose holders are worth naming, as of the last sample, and for each whether
     * its pool is its local address's (sockets bound before connect): see {@link #nearTrouble(JvmDestination,
     * Forecast, int, boolean)}.
     */
    void nearTrouble(List<Destination> out, List<Boolean> byLocal) {
        for (Map.Entry<Destination, JvmDestination> e : jvm.entrySet()) {
            if (e.getValue().nearTrouble) {
                out.add(e.getKey());
                byLocal.add(e.getValue().boundBeforeConnect);
            }
        }
    }

    /**
     * Near enough to trouble to look for the processes holding its ports (a scan of every process's
     * descriptors): a warning is raised, or the forecast's steady state at the current rate would
     * fill half the pool, or half the share that raises a warning is used; and some other process is
     * in it, by its open ports or its churn. The half: the names are wanted in the warning when it
     * is raised, and a scan starts only at the read after this sample.
     */
    private boolean nearTrouble(JvmDestination d, Forecast f, int othersOpen, boolean churnElsewhere) {
        return (othersOpen > 0 || churnElsewhere)
                && (d.alarm.raised() || f.steadyState() >= f.capacity() / 2.0 || f.usedShare() >= share / 2);
    }

    /**
     * One sample: every followed destination's budget and forecast from {@code read} at {@code now}
     * ({@link System#nanoTime()}); its warning raised, updated or cleared, in that order per
     * destination, then the whole sample, told to the listener.
     */
    void sample(KernelRead read, long now) {
        PortBudget budget = PortBudget.of(read.sysctls);
        List<HostSnapshot.DestinationBudget> out = new ArrayList<>();
        for (Iterator<Map.Entry<Destination, JvmDestination>> it = jvm.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Destination, JvmDestination> e = it.next();
            Destination dest = e.getKey();
            JvmDestination d = e.getValue();
            // Bound before connect: every port from the local address counts, whatever its destination.
            DestinationUsage usage = d.boundBeforeConnect ? read.counts.fromLocal(dest) : read.counts.get(dest);
            int established = usage == null ? 0 : usage.established();
            int timeWait = usage == null ? 0 : usage.timeWait();
            int other = usage == null ? 0 : usage.other();
            d.observe(now);
            double opens = d.rate.perSecond();
            // Only closes that leave a TIME_WAIT here use up the pool for 60 s. This JVM's own,
            // and the host's: every process's new TIME_WAITs toward it, this JVM's among them.
            double ownRate = opens * d.timeWaitShare();
            double hostRate = usage == null ? 0 : usage.freshTimeWait() / read.freshSeconds;
            double rate = Math.max(ownRate, hostRate);
            ReuseVerdict reuse = d.boundBeforeConnect ? ReuseVerdict.boundBeforeConnect()
                    : ReuseVerdict.evaluate(read.sysctls, dest.isLoopback());
            Forecast f = Forecast.compute(budget.capacity(), established, timeWait, other, rate, reuse);
            int ownOpen = usage == null ? 0 : usage.ownOpen();
            int othersOpen = usage == null ? 0 : usage.othersOpen();
            // Other processes' churn matters when it is most of it, or when this JVM's alone would
            // last and the two together do not (another JVM with portwatch beside this one).
            boolean ownAloneLasts = Forecast.compute(budget.capacity(), established, timeWait, other, ownRate, reuse)
                    .sustainable();
            boolean elsewhere = Advice.churnElsewhere(hostRate - ownRate, ownRate)
                    || Advice.poolShared(hostRate - ownRate, ownRate, ownAloneLasts);
            int jvmTimeWait = Math.min(timeWait, d.recentTimeWaits.within(now));
            List<PortHolder> named = read.holders.of(dest);
            out.add(new HostSnapshot.DestinationBudget(dest.remoteAddress().getHostAddress(), dest.remotePort(),
                    dest.local(), budget.capacity(), f.held(), established, timeWait, rate, f.secondsLeft(),
                    read.attributed ? ownOpen : -1, read.attributed ? othersOpen : -1, d.latency.millis(),
                    d.latency.trend(), d.boundBeforeConnect, f.holdSeconds(), reuse.blockedBy(), jvmTimeWait, named, ownRate, hostRate));
            ExhaustionAlarm.Change change = d.alarm.update(f);
            d.nearTrouble = read.attributed && nearTrouble(d, f, othersOpen, elsewhere);
            if (change == ExhaustionAlarm.Change.CLEARED && d.said != null) {
                listener.warningCleared(d.said);
                d.said = null;
            } else if (d.alarm.raised()) {
                Advice advice = d.boundBeforeConnect ? new Advice().boundBeforeConnect(true) : new Advice().reuse(reuse);
                List<Advice.Opener> openers = d.topOpeners();
                advice.openedAt(openers, d.moreCallSites());
                advice.library(openers, d.closerKnown(), d.timeWaitShare());
                advice.closer(d.closerKnown(), d.confirmed, d.timeWaitShare());
                advice.timeWaitOverflow(read.overflowDelta);
                advice.connectSlowing(d.latency);
                // Named holders replace the count, after the churn they may explain.
                if (read.attributed && named.isEmpty()) advice.otherHolders(othersOpen, ownOpen + othersOpen);
                advice.othersChurn(hostRate - ownRate, ownRate, ownAloneLasts);
                advice.timeWaitHolders(jvmTimeWait, timeWait, elsewhere);
                if (read.attributed) advice.namedHolders(named, othersOpen, ownOpen + othersOpen, elsewhere);
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
        conntrack.update(read.conntrack, listener);
        listener.sampled(new HostSnapshot(read.netstat == null ? -1 : read.counts.hostTimeWait(),
                read.netstat == null ? -1 : read.netstat.timeWaitRecycled(),
                read.netstat == null ? -1 : read.netstat.timeWaitOverflow(), out, read.conntrack, read.netns));
    }

    private static void said(JvmDestination d, PortWarning w, Advice advice, long now) {
        d.said = w;
        d.saidCauses = new ArrayList<>(advice.causes());
        d.saidNanos = now;
    }
}
