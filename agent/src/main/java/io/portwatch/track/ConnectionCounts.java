package io.portwatch.track;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Running totals of ended connections: by closer, by error, and by call site (bounded). Written
 * on the tracker thread; read once, at exit, after the tracker has stopped.
 */
public final class ConnectionCounts implements ConnectionSink {

    private static final int MAX_CALL_SITES = 1000;

    private final EnumMap<Closer, Long> byCloser = new EnumMap<>(Closer.class);
    private final Map<String, Long> failures = new TreeMap<>();
    private final Map<String, Long> outgoingByCallSite = new HashMap<>();
    private long outgoing;
    private long accepted;

    @Override
    public void ended(ConnectionRecord r) {
        if (r.failed()) {
            failures.merge(r.errorType(), 1L, Long::sum);
            return;
        }
        byCloser.merge(r.closer(), 1L, Long::sum);
        if (r.direction == ConnectionRecord.Direction.ACCEPTED) {
            accepted++;
            return;
        }
        outgoing++;
        String site = r.callSite == null ? "(call site not recorded)" : r.callSite.toString();
        if (outgoingByCallSite.containsKey(site) || outgoingByCallSite.size() < MAX_CALL_SITES) {
            outgoingByCallSite.merge(site, 1L, Long::sum);
        }
    }

    public long outgoing() { return outgoing; }
    public long accepted() { return accepted; }
    public long closedBy(Closer c) { return byCloser.getOrDefault(c, 0L); }
    public Map<String, Long> failures() { return failures; }

    /** The call sites that opened the most outgoing connections, most first. */
    public List<Map.Entry<String, Long>> topCallSites(int n) {
        List<Map.Entry<String, Long>> all = new ArrayList<>(outgoingByCallSite.entrySet());
        all.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        return all.subList(0, Math.min(n, all.size()));
    }
}
