package io.portwatch.churnbudget;

import io.portwatch.track.Closer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One recording window and what was counted in it, per destination ({@link ScopeDestination}:
 * the host as named and the address, keyed by {@link ScopeDestination#key}). A connect belongs to the
 * window its completion time falls in, a close to the window its close falls in: times the
 * application thread took, so the tracker's delay does not move an event into the wrong window.
 *
 * <p>Written on the tracker thread; read by the thread that closes the scope once the tracker has
 * caught up. The counters are atomic because an event raised by another thread in the same
 * instant as the close may still land while it is read.
 */
final class Scope {

    static final int CONNECTS = 0;
    static final int FAILED = 1;
    static final int LOCAL = 2;
    static final int PEER = 3;
    static final int RESET = 4;
    static final int UNKNOWN = 5;
    private static final int KINDS = 6;

    /** Bounds, whatever the application does. */
    static final int MAX_DESTINATIONS = 256;
    static final int MAX_CALL_SITES = 64;
    static final String OTHER_DESTINATIONS = "(other destinations)";
    private static final ScopeDestination OTHER = ScopeDestination.other(OTHER_DESTINATIONS);
    static final String OTHER_CALL_SITES = "(other call sites)";
    static final String NO_CALL_SITE = "(call site not recorded)";

    final long id;
    final long openNanos;
    /** A whole-run scope (the exit budget): never counted as overlapping a test's scope. */
    final boolean wholeRun;
    final long droppedAtOpen;
    final long untrackedAtOpen;
    private volatile long closeNanos = Long.MAX_VALUE;
    private final AtomicInteger overlapping = new AtomicInteger();
    private final Map<String, Tally> destinations = new ConcurrentHashMap<>();

    /** One destination's counters. */
    private static final class Tally {
        final ScopeDestination destination;
        final AtomicLongArray counts = new AtomicLongArray(KINDS);
        final Map<String, AtomicLong> callSites = new ConcurrentHashMap<>();

        Tally(ScopeDestination destination) {
            this.destination = destination;
        }
    }

    Scope(long id, long openNanos, boolean wholeRun, long droppedAtOpen, long untrackedAtOpen) {
        this.id = id;
        this.openNanos = openNanos;
        this.wholeRun = wholeRun;
        this.droppedAtOpen = droppedAtOpen;
        this.untrackedAtOpen = untrackedAtOpen;
    }

    boolean covers(long nanos) {
        long end = closeNanos;
        return nanos - openNanos >= 0 && (end == Long.MAX_VALUE || nanos - end <= 0);
    }

    void close(long nanos) {
        closeNanos = nanos;
    }

    long durationNanos() {
        long end = closeNanos;
        return end == Long.MAX_VALUE ? 0 : end - openNanos;
    }

    void overlapped() {
        overlapping.incrementAndGet();
    }

    int overlapping() {
        return overlapping.get();
    }

    void connected(ScopeDestination destination, String callSite) {
        Tally t = tally(destination);
        t.counts.incrementAndGet(CONNECTS);
        String site = callSite == null ? NO_CALL_SITE : callSite;
        AtomicLong n = t.callSites.get(site);
        if (n == null) {
            n = t.callSites.computeIfAbsent(t.callSites.size() < MAX_CALL_SITES ? site : OTHER_CALL_SITES,
                    k -> new AtomicLong());
        }
        n.incrementAndGet();
    }

    void failed(ScopeDestination destination) {
        tally(destination).counts.incrementAndGet(FAILED);
    }

    void closed(ScopeDestination destination, Closer closer) {
        int kind;
        switch (closer) {
            case LOCAL: kind = LOCAL; break;
            case PEER: kind = PEER; break;
            case RESET: kind = RESET; break;
            default: kind = UNKNOWN; break;
        }
        tally(destination).counts.incrementAndGet(kind);
    }

    private Tally tally(ScopeDestination destination) {
        Tally t = destinations.get(destination.key);
        if (t == null) {
            ScopeDestination d = destinations.size() < MAX_DESTINATIONS ? destination : OTHER;
            t = destinations.computeIfAbsent(d.key, k -> new Tally(d));
        }
        return t;
    }

    /** Counts per destination: {@code long[]} indexed by {@link #CONNECTS} ... {@link #UNKNOWN}. */
    Map<String, long[]> counts() {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tally> e : destinations.entrySet()) {
            long[] c = new long[KINDS];
            for (int i = 0; i < KINDS; i++) {
                c[i] = e.getValue().counts.get(i);
            }
            out.put(e.getKey(), c);
        }
        return out;
    }

    /** Per destination: {host:port as the application named it, address:port}. */
    Map<String, String[]> destinations() {
        Map<String, String[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tally> e : destinations.entrySet()) {
            ScopeDestination d = e.getValue().destination;
            out.put(e.getKey(), new String[] {d.named, d.address});
        }
        return out;
    }

    /** Physical connects per destination and call site. */
    Map<String, Map<String, Long>> callSites() {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tally> e : destinations.entrySet()) {
            Map<String, Long> sites = new LinkedHashMap<>();
            for (Map.Entry<String, AtomicLong> s : e.getValue().callSites.entrySet()) {
                sites.put(s.getKey(), s.getValue().get());
            }
            out.put(e.getKey(), sites);
        }
        return out;
    }
}
