package io.portwatch.clients;

/**
 * Whether one call site's connections were ever open at the same time, told from its ended
 * connections as they come: a polling loop opens each one after the one before it ended
 * ({@link ChurnPattern#POLLING_LOOP}), concurrent requests overlap. Two times and two flags per
 * call site, so that counting a connection allocates nothing; the tally of each place that
 * decides a pattern holds one. Not thread-safe.
 *
 * <p>Connections come about in the order they ended, not exactly: one that waited for the
 * kernel's word can come after one that ended later and did not. So the one that ended last so
 * far is kept: a connection that ended after it must have started after it ended, and one that
 * ended before it (late) must have ended before it started. The latter is not checked against the
 * connections before that one, which only a list could do: an overlap that only such a late
 * connection shows is missed.
 */
public final class ConnectionOverlap {

    /** Start and end of the connection that ended last so far ({@link System#nanoTime()}). */
    private long latestStart;
    private long latestEnd;
    private boolean any;
    private boolean overlapped;

    /** A connection of the call site that was open from {@code startNanos} to {@code endNanos}. */
    public void ended(long startNanos, long endNanos) {
        if (!any) {
            any = true;
        } else if (endNanos - latestEnd >= 0) {
            if (startNanos - latestEnd < 0) overlapped = true; // opened before the one before it ended
        } else {
            if (endNanos - latestStart > 0) overlapped = true; // came late, and was open when the latest opened
            return;
        }
        latestStart = startNanos;
        latestEnd = endNanos;
    }

    /** Connections of more than one call site counted together (a report's catch-all row): no one loop. */
    public void notOneCallSite() {
        overlapped = true;
    }

    /** True when connections were counted and no two of them were seen open at once. */
    public boolean oneAtATime() {
        return any && !overlapped;
    }

    /** A copy, for a snapshot. */
    public ConnectionOverlap copy() {
        ConnectionOverlap c = new ConnectionOverlap();
        c.latestStart = latestStart;
        c.latestEnd = latestEnd;
        c.any = any;
        c.overlapped = overlapped;
        return c;
    }
}
