package io.portwatch.report;

import io.portwatch.host.HostSnapshot;
import io.portwatch.kernel.IpAddress;

/**
 * One destination's port budget over the run: ports held, in TIME_WAIT and usable, as bounded
 * series, and its worst moments. Not thread-safe: {@link RunHistory} guards it.
 */
final class DestinationTrack {

    final String name;
    final String serverAddress;
    final int serverPort;
    /** Null past the number of charted destinations: only the figures below are kept. */
    final Series used;
    final Series timeWait;
    final Series capacity;
    int peakUsed;
    int peakTimeWait;
    int lastCapacity;
    /** How long a TIME_WAIT port blocked new connections at the last sample: the reuse delay, or 60 s. */
    double lastHoldSeconds = 60;
    double peakRate;
    double leastSecondsLeft = Double.POSITIVE_INFINITY;
    /** When the least time left was seen, millis into the run; -1 while it was never finite. */
    long leastSecondsLeftAt = -1;

    DestinationTrack(String name, HostSnapshot.DestinationBudget d, boolean charted, int points, long bucketMillis) {
        this.name = name;
        this.serverAddress = d.serverAddress;
        this.serverPort = d.serverPort;
        this.used = charted ? new Series(points, bucketMillis, Series.Merge.MAX) : null;
        this.timeWait = charted ? new Series(points, bucketMillis, Series.Merge.MAX) : null;
        this.capacity = charted ? new Series(points, bucketMillis, Series.Merge.MAX) : null;
    }

    /** The name a destination is recorded and shown under: {@code host:port from local address}. */
    static String name(HostSnapshot.DestinationBudget d) {
        return IpAddress.hostPort(d.serverAddress, d.serverPort) + " from " + d.localAddress;
    }

    void sampled(long elapsedMillis, HostSnapshot.DestinationBudget d) {
        if (used != null) {
            used.add(elapsedMillis, d.used);
            timeWait.add(elapsedMillis, d.timeWait);
            capacity.add(elapsedMillis, d.capacity);
        }
        peakUsed = Math.max(peakUsed, d.used);
        peakTimeWait = Math.max(peakTimeWait, d.timeWait);
        lastCapacity = d.capacity;
        lastHoldSeconds = d.holdSeconds;
        peakRate = Math.max(peakRate, d.ratePerSecond);
        if (d.secondsLeft < leastSecondsLeft) {
            leastSecondsLeft = d.secondsLeft;
            leastSecondsLeftAt = elapsedMillis;
        }
    }
}
