package io.portwatch.host;

import io.portwatch.budget.Advice;
import io.portwatch.budget.ConnectLatency;
import io.portwatch.budget.ConnectionRate;
import io.portwatch.budget.ExhaustionAlarm;
import io.portwatch.clients.ClientLibrary;
import io.portwatch.clients.ConnectionOverlap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** This JVM's own traffic to one destination, and the warning said about it; on the reporter thread. */
final class JvmDestination {

    /** Closes the kernel must have confirmed before the share that left a TIME_WAIT here is trusted. */
    static final int CONFIRMED_ENOUGH = 10;
    /** Call sites counted per destination; past them, a new one is not (the busiest come first). */
    private static final int MAX_CALL_SITES = 16;
    /** Call sites a warning names. */
    private static final int NAMED = 3;

    /**
     * Opens per second, observed once per sample from {@link #opened}: observing at every open
     * would fill its 64-sample ring within 64 connections (a burst of them reads as thousands
     * per second), and with no observation while idle the last rate would stand forever, so
     * an alarm could never clear and the destination would never be forgotten.
     */
    final ConnectionRate rate = new ConnectionRate();
    /** Connections opened toward it so far. */
    long opened;
    final ExhaustionAlarm alarm;
    final ConnectLatency latency = new ConnectLatency();
    /** Some of its sockets were bound before connect: its budget is its local address's one pool. */
    boolean boundBeforeConnect;
    long confirmed;
    long timeWaitHere;
    /** Its closes that left a TIME_WAIT here lately: which of the destination's TIME_WAITs are this JVM's. */
    final RecentTimeWaits recentTimeWaits = new RecentTimeWaits();
    /** At the last sample, near enough to trouble that the processes holding its ports are worth naming. */
    boolean nearTrouble;
    /** The warning as last said (raised or updated); null while none is raised. */
    PortWarning said;
    List<String> saidCauses;
    long saidNanos;

    private final Map<String, CallSiteUse> callSites = new HashMap<>();

    /** One call site's connections toward the destination. */
    private static final class CallSiteUse {
        final ConnectionRate rate = new ConnectionRate();
        long opened;
        long pooled;
        /** The client library under it, from its first connection; null: none known. */
        ClientLibrary library;
        /** Whether two of its ended connections toward it were ever open at once (a polling loop's are not). */
        final ConnectionOverlap overlap = new ConnectionOverlap();
    }

    JvmDestination(ExhaustionAlarm alarm) {
        this.alarm = alarm;
    }

    /**
     * A connection opened toward it at {@code nanos}, at {@code callSite} (null: not known), by a
     * pool or not, through {@code library} (null: none known). The rates count from the first
     * connect: the reporter sees records in batches, later.
     */
    void opened(long nanos, String callSite, boolean pooled, ClientLibrary library) {
        if (opened == 0) rate.observe(nanos, 0);
        opened++;
        if (callSite == null) return;
        CallSiteUse use = callSites.get(callSite);
        if (use == null) {
            if (callSites.size() >= MAX_CALL_SITES) return;
            use = new CallSiteUse();
            use.rate.observe(nanos, 0);
            use.library = library;
            callSites.put(callSite, use);
        }
        use.opened++;
        if (pooled) use.pooled++;
    }

    /** A connection from {@code callSite} toward it ended, open from {@code startNanos} to {@code endNanos}. */
    void ended(String callSite, long startNanos, long endNanos) {
        CallSiteUse use = callSites.get(callSite);
        if (use != null) use.overlap.ended(startNanos, endNanos);
    }

    /** Observes the rates, once per sample. */
    void observe(long now) {
        rate.observe(now, opened);
        for (CallSiteUse use : callSites.values()) {
            use.rate.observe(now, use.opened);
        }
    }

    /**
     * Share of confirmed closes that left a TIME_WAIT here. 0 until a few are known: a close
     * is confirmed within a second or two, and guessing 1 before that raised false alarms for
     * servers that close first.
     */
    double timeWaitShare() {
        return closerKnown() ? (double) timeWaitHere / confirmed : 0.0;
    }

    boolean closerKnown() {
        return confirmed >= CONFIRMED_ENOUGH;
    }

    /** The call sites a warning names, busiest first (by rate, then by connections opened). */
    List<Advice.Opener> topOpeners() {
        List<Map.Entry<String, CallSiteUse>> all = new ArrayList<>(callSites.entrySet());
        all.sort((a, b) -> {
            int byRate = Double.compare(b.getValue().rate.perSecond(), a.getValue().rate.perSecond());
            return byRate != 0 ? byRate : Long.compare(b.getValue().opened, a.getValue().opened);
        });
        List<Advice.Opener> out = new ArrayList<>();
        for (Map.Entry<String, CallSiteUse> e : all.subList(0, Math.min(NAMED, all.size()))) {
            CallSiteUse use = e.getValue();
            out.add(new Advice.Opener(e.getKey(), use.rate.perSecond(), use.pooled * 2 > use.opened, use.library,
                    use.opened, use.overlap.oneAtATime()));
        }
        return out;
    }

    /** Call sites beyond those {@link #topOpeners} names. */
    int moreCallSites() {
        return Math.max(0, callSites.size() - NAMED);
    }
}
