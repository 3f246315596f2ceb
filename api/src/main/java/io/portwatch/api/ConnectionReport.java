package io.portwatch.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What the agent counted during one recording: totals per destination, and the reasons, if any,
 * why the counts may be short. Immutable.
 */
public final class ConnectionReport {

    private final List<DestinationTotals> destinations;
    private final List<String> problems;
    private final int overlapping;
    private final Duration duration;

    /**
     * @param problems    why the counts may be short or include others' connections; empty when
     *                    they are complete
     * @param overlapping how many other recordings were open at some moment of this one
     */
    public ConnectionReport(List<DestinationTotals> destinations, List<String> problems, int overlapping,
                            Duration duration) {
        List<DestinationTotals> sorted = new ArrayList<>(destinations);
        sorted.sort((a, b) -> a.physicalConnects() != b.physicalConnects()
                ? Long.compare(b.physicalConnects(), a.physicalConnects())
                : !a.destination().equals(b.destination()) ? a.destination().compareTo(b.destination())
                : a.address().compareTo(b.address()));
        this.destinations = Collections.unmodifiableList(sorted);
        this.problems = Collections.unmodifiableList(new ArrayList<>(problems));
        this.overlapping = overlapping;
        this.duration = duration;
    }

    /** Every destination seen, most physical connects first. */
    public List<DestinationTotals> destinations() {
        return destinations;
    }

    /**
     * The destinations {@code pattern} covers (by the host the application named, or by address),
     * summed into one, named after the pattern.
     */
    public DestinationTotals totals(DestinationPattern pattern) {
        DestinationTotals sum = new DestinationTotals(pattern.toString(), 0, 0, 0, 0, 0, 0, Collections.<String, Long>emptyMap());
        for (DestinationTotals d : destinations) {
            if (pattern.matches(d)) {
                sum = sum.plus(d, pattern.toString());
            }
        }
        return sum;
    }

    /** Shorthand for {@code totals(DestinationPattern.parse(pattern))}. */
    public DestinationTotals totals(String pattern) {
        return totals(DestinationPattern.parse(pattern));
    }

    /**
     * Why the counts cannot be trusted, one sentence each: events the agent had not handled when
     * the wait ran out, events dropped, connections not tracked, other recordings open at the same
     * time. Empty when the counts are complete and this recording's own.
     */
    public List<String> problems() {
        return problems;
    }

    public boolean complete() {
        return problems.isEmpty();
    }

    public int overlappingRecordings() {
        return overlapping;
    }

    public Duration duration() {
        return duration;
    }

    /** The destinations, one per line, with their top call sites. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (DestinationTotals d : destinations) {
            sb.append(d).append('\n');
            int n = 0;
            for (Map.Entry<String, Long> site : d.callSites().entrySet()) {
                if (n++ == 3) break;
                sb.append("    ").append(site.getValue()).append(" at ").append(site.getKey()).append('\n');
            }
        }
        for (String p : problems) {
            sb.append("incomplete: ").append(p).append('\n');
        }
        return sb.toString();
    }
}
