package io.portwatch.budget;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Builds the advice of a warning from what was found, most specific first, e.g.
 * {@code tcp_tw_reuse=1 is ineffective because tcp_timestamps=0 ... — set net.ipv4.tcp_timestamps=1}.
 * Each {@code add} method adds a sentence only when its finding applies. Not thread-safe.
 */
public final class Advice {

    /** Said when nothing more specific was found. */
    public static final String GENERAL = "pool and reuse connections, or give connect() more 4-tuples: "
        + "widen net.ipv4.ip_local_port_range or spread over more destination addresses or ports";

    private final List<String> sentences = new ArrayList<>();

    /** Adds the reason and fix when reuse is ineffective for the destination. */
    public Advice reuse(ReuseVerdict verdict) {
        if (!verdict.effective()) {
            sentences.add(verdict.reason() + " — " + verdict.fix());
        }
        return this;
    }

    /**
     * This JVM closes first, so the TIME_WAITs land on this host.
     *
     * @param callSite the application frame that opened the connections, or null when unknown
     */
    public Advice localClosesFirst(double ratePerSecond, Destination destination, String callSite) {
        sentences.add(String.format(Locale.ROOT, "this JVM closes first: %.1f connections/s to %s%s — pool them:"
                + " each close leaves its port in TIME_WAIT for 60 s", ratePerSecond, destination.remote(),
            callSite == null || callSite.isEmpty() ? "" : " opened at " + callSite));
        return this;
    }

    /** {@code TCPTimeWaitOverflow} rose by {@code delta} since the last sample. */
    public Advice timeWaitOverflow(long delta) {
        if (delta > 0) {
            sentences.add("tcp_max_tw_buckets overflowing (TCPTimeWaitOverflow rising, +" + delta + "): TIME_WAIT"
                + " sockets are being destroyed early, which hides the churn — cut the churn rather than"
                + " raise the limit");
        }
        return this;
    }

    /** Sockets are bound before {@code connect()}. */
    public Advice boundBeforeConnect(boolean bound) {
        if (bound) {
            sentences.add("bind() before connect() shares one port pool across destinations — let connect()"
                + " pick the port (no Socket.bind or 4-argument Socket constructor before connecting)");
        }
        return this;
    }

    /** {@code connect()} has slowed down to at least twice its best: the kernel's port search is getting longer. */
    public Advice connectSlowing(ConnectLatency latency) {
        double trend = latency.trend();
        if (trend >= 2) {
            sentences.add(String.format(Locale.ROOT, "connect() takes %.1fx as long as at its best (%.2f ms, was %.2f ms):"
                + " the kernel searches longer for a free port as the range fills", trend, latency.millis(),
                latency.bestMillis()));
        }
        return this;
    }

    /**
     * Other processes (or this JVM's connections opened before the agent attached) hold open ports
     * toward the same destination: cutting this JVM's churn alone may not be enough.
     */
    public Advice otherHolders(int others, int open) {
        if (others > 0 && others * 2 >= open) {
            sentences.add("other processes hold " + others + " of the " + open + " open ports toward it"
                + " (ss -tnp shows which)");
        }
        return this;
    }

    /** The sentences added, in order. */
    public List<String> sentences() {
        return Collections.unmodifiableList(sentences);
    }

    /** The sentences joined by "; ", or {@link #GENERAL} when none applied. */
    public String text() {
        return sentences.isEmpty() ? GENERAL : String.join("; ", sentences);
    }

    @Override
    public String toString() {
        return text();
    }
}
