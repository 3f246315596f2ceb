package io.portwatch.otel;

import io.portwatch.clients.ChurnPattern;
import io.portwatch.clients.ConnectionOverlap;
import io.portwatch.track.CallSite;
import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionRecord;

import java.util.HashMap;
import java.util.Map;

/**
 * Each call site's ended outgoing connections so far, who closed them first (this side:
 * {@link ConnectionRecord#closedHereFirst}) and whether any two were open at once, for the
 * {@code portwatch.churn.pattern} of its spans ({@link ChurnPattern}). Counts every connection,
 * not only those that become spans: the pattern is about the call site. Reporter thread only; at
 * most {@link #LIMIT} call sites, past which a new one's spans say {@link ChurnPattern#UNKNOWN}.
 */
final class CallSitePatterns {

    static final int LIMIT = 4096;

    /** One call site's counts. */
    private static final class Tally {
        long ended;
        long localFirst;
        long peerFirst;
        boolean pooled;
        final ConnectionOverlap overlap = new ConnectionOverlap();
    }

    private final Map<CallSite, Tally> tallies = new HashMap<>();

    /** Counts an ended connection; its call site's pattern with it counted, or null for one that has no call site or is accepted. */
    ChurnPattern ended(ConnectionRecord r) {
        CallSite site = r.callSite;
        if (site == null || r.direction != ConnectionRecord.Direction.OUTGOING) return null;
        Tally t = tallies.get(site);
        if (t == null) {
            if (tallies.size() >= LIMIT) return ChurnPattern.UNKNOWN;
            t = new Tally();
            tallies.put(site, t); // call sites are cached by the tracker: one object per site
        }
        if (r.failed()) return pattern(site, t);
        t.ended++;
        if (r.closedHereFirst()) t.localFirst++;
        else if (r.closer() == Closer.PEER) t.peerFirst++;
        if (r.jdbc() != null && r.jdbc().pool() != null) t.pooled = true;
        t.overlap.ended(r.startNanos, r.endNanos());
        return pattern(site, t);
    }

    private static ChurnPattern pattern(CallSite site, Tally t) {
        return ChurnPattern.of(site.library, site.poolOnStack || t.pooled, t.ended, t.localFirst, t.peerFirst,
                t.overlap.oneAtATime());
    }
}
