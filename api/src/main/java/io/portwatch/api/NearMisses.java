package io.portwatch.api;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * For a pattern that matched no connection: the destinations seen that it most likely meant (the
 * same port, under another host name or address), and how to write the pattern for them. The
 * usual cause is a pattern naming the address where the application names a host (or the
 * reverse): {@code 127.0.0.1:5432} against a JDBC URL with {@code db}. Counting nothing there would
 * pass any budget, so such a budget fails and says what to write instead.
 */
final class NearMisses {

    private static final int SHOWN = 3;

    private final DestinationPattern pattern;
    private final List<DestinationTotals> near;
    private final List<DestinationTotals> seen;

    private NearMisses(DestinationPattern pattern, List<DestinationTotals> near, List<DestinationTotals> seen) {
        this.pattern = pattern;
        this.near = near;
        this.seen = seen;
    }

    /** The near misses of {@code pattern}, which matched none of {@code report}'s destinations. */
    static NearMisses of(DestinationPattern pattern, ConnectionReport report) {
        List<DestinationTotals> near = new ArrayList<>();
        for (DestinationTotals d : report.destinations()) {
            // The same port only: the same host on another port is as likely another service of
            // it (a class-wide budget on the database, a test that talks to the cache on the same host).
            if (pattern.namesPort() && pattern.samePort(d.destination())) {
                near.add(d);
            }
        }
        return new NearMisses(pattern, near, report.destinations());
    }

    /** Whether connections were seen that the pattern most likely meant. */
    boolean any() {
        return !near.isEmpty();
    }

    /** Those destinations, most physical connects first. */
    List<DestinationTotals> destinations() {
        return near;
    }

    /** {@code 127.0.0.1:5432, [::1]:5432}: the near misses as the application named them. */
    String names() {
        return list(near);
    }

    /**
     * {@code (seen: 10.0.0.6:6379)}, or {@code (no connection was seen)}: every destination, for a
     * pattern with no near miss.
     */
    String seen() {
        return seen.isEmpty() ? "(no connection was seen)" : "(seen: " + list(seen) + ")";
    }

    /**
     * The rule, and the patterns that would have matched: each near miss as the application named
     * it, and any host on the pattern's port.
     */
    String howToWrite() {
        Set<String> patterns = new LinkedHashSet<>();
        for (DestinationTotals d : near) {
            if (patterns.size() == SHOWN) break;
            patterns.add("\"" + d.destination() + "\"");
        }
        String anyHost = pattern.namesPort() ? ", or \"*:" + pattern.port() + "\" for any host on that port" : "";
        return "a destination pattern matches the host as the application named it (the name or address given to the"
                + " socket, the host of a JDBC URL) or the address it connected to, and never resolves a name:"
                + " write " + String.join(" or ", patterns) + anyHost;
    }

    private static String list(List<DestinationTotals> destinations) {
        Set<String> names = new LinkedHashSet<>();
        for (DestinationTotals d : destinations) {
            names.add(d.destination());
        }
        List<String> shown = new ArrayList<>(names).subList(0, Math.min(SHOWN, names.size()));
        return String.join(", ", shown) + (names.size() > SHOWN ? " and " + (names.size() - SHOWN) + " more" : "");
    }
}
