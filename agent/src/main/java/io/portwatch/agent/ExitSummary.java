package io.portwatch.agent;

import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionCounts;

import java.util.Map;

/** The few lines printed at exit: what this JVM's connections did, and where they came from. */
final class ExitSummary {

    private ExitSummary() {}

    static void print(ConnectionCounts c, long droppedEvents, long untracked, java.util.List<String> destinations) {
        Log.info(String.format("summary: %d outgoing and %d accepted TCP connections ended;"
                        + " closed by local=%d peer=%d reset=%d unknown=%d",
                c.outgoing(), c.accepted(), c.closedBy(Closer.LOCAL), c.closedBy(Closer.PEER),
                c.closedBy(Closer.RESET), c.closedBy(Closer.UNKNOWN)));
        if (!c.failures().isEmpty()) {
            Log.info("summary: failed connects " + c.failures());
        }
        for (Map.Entry<String, Long> site : c.topCallSites(3)) {
            Log.info("summary: " + site.getValue() + " outgoing connections opened at " + site.getKey());
        }
        for (String d : destinations) {
            Log.info("summary: " + d);
        }
        if (droppedEvents > 0 || untracked > 0) {
            Log.warn("summary: " + droppedEvents + " events dropped (buffer.size too small?) and "
                    + untracked + " connections untracked (max.open reached)");
        }
    }
}
