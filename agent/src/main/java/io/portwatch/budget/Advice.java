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
    /** What each sentence is about, without its figures: a warning whose causes change is said again. */
    private final List<String> causes = new ArrayList<>();

    /** Adds the reason and fix when reuse is ineffective for the destination. */
    public Advice reuse(ReuseVerdict verdict) {
        if (!verdict.effective()) {
            sentences.add(verdict.reason() + " — " + verdict.fix());
            causes.add("reuse:" + verdict.reason());
        }
        return this;
    }

    /** A call site that opens connections toward the destination, as a warning names it. */
    public static final class Opener {
        final String callSite;
        final double perSecond;
        final boolean pooled;

        /** {@code pooled}: most of its connections were opened by a JDBC connection pool. */
        public Opener(String callSite, double perSecond, boolean pooled) {
            this.callSite = callSite;
            this.perSecond = perSecond;
            this.pooled = pooled;
        }

        public String callSite() {
            return callSite;
        }
    }

    /**
     * The application code that opens the connections, busiest first, with its rate and whether a
     * pool opened them; {@code more}: call sites left out. Said in every warning, whether or not
     * the closer is known yet: the code is half of the cure.
     */
    public Advice openedAt(List<Opener> openers, int more) {
        if (openers.isEmpty()) {
            sentences.add("the code that opens them is not known (callsite=false, or past callsite.limit)");
            causes.add("opened-at:?");
            return this;
        }
        List<String> parts = new ArrayList<>();
        for (Opener o : openers) {
            parts.add(String.format(Locale.ROOT, "%s (%.1f/s, %s)", o.callSite, o.perSecond,
                    o.pooled ? "by a pool" : "directly"));
        }
        sentences.add("opened at " + String.join(", ", parts)
                + (more > 0 ? " and " + more + " more call site" + (more == 1 ? "" : "s") : ""));
        causes.add("opened-at:" + openers.get(0).callSite);
        return this;
    }

    /**
     * Which side closes first, from the kernel's tables once enough closes are confirmed
     * ({@code known}), and unconfirmed until then: the TIME_WAIT lands on the side that closes
     * first, so only this side's closes use up this host's ports.
     *
     * @param confirmed     closes the kernel confirmed so far
     * @param timeWaitShare of those, the share that left a TIME_WAIT here
     */
    public Advice closer(boolean known, long confirmed, double timeWaitShare) {
        if (!known) {
            sentences.add("which side closes first is not confirmed by the kernel yet (" + confirmed
                    + " closes confirmed so far)");
            causes.add("closer:unconfirmed");
        } else if (timeWaitShare > 0.5) {
            sentences.add(String.format(Locale.ROOT, "this JVM closes first (confirmed by the kernel: %.0f%% of %d"
                    + " closes left their port in TIME_WAIT here for 60 s) — pool them, or keep them alive",
                    100 * timeWaitShare, confirmed));
            causes.add("closer:local");
        } else {
            sentences.add(String.format(Locale.ROOT, "the peer closes first (confirmed by the kernel: %.0f%% of %d"
                    + " closes left a TIME_WAIT here): the ports here are held by open connections",
                    100 * timeWaitShare, confirmed));
            causes.add("closer:peer");
        }
        return this;
    }

    /** {@code TCPTimeWaitOverflow} rose by {@code delta} since the last sample. */
    public Advice timeWaitOverflow(long delta) {
        if (delta > 0) {
            sentences.add("tcp_max_tw_buckets overflowing (TCPTimeWaitOverflow rising, +" + delta + "): TIME_WAIT"
                + " sockets are being destroyed early, which hides the churn — cut the churn rather than"
                + " raise the limit");
            causes.add("overflow");
        }
        return this;
    }

    /** Sockets are bound before {@code connect()}. */
    public Advice boundBeforeConnect(boolean bound) {
        if (bound) {
            sentences.add("bind() before connect() shares one port pool across destinations — let connect()"
                + " pick the port (no Socket.bind or 4-argument Socket constructor before connecting)");
            causes.add("bound");
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
            causes.add("slowing");
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
            causes.add("others");
        }
        return this;
    }

    /** What the sentences are about, without their figures, in order. */
    public List<String> causes() {
        return Collections.unmodifiableList(causes);
    }

    /**
     * Other processes close connections toward the destination first too, at least as often as
     * this JVM: the pool is shared, and this JVM's churn alone does not explain it.
     *
     * @param othersPerSecond the host's new TIME_WAITs toward it per second, less this JVM's
     * @param ownPerSecond    this JVM's
     */
    public Advice othersChurn(double othersPerSecond, double ownPerSecond) {
        if (othersPerSecond >= MIN_OTHERS_PER_SECOND && othersPerSecond >= ownPerSecond) {
            sentences.add(String.format(Locale.ROOT, "other processes on this host add %.1f TIME_WAITs/s toward it,"
                    + " this JVM %.1f/s: the ports are shared, and cutting this JVM's churn alone is not enough"
                    + " (ss -tan state time-wait shows them all)", othersPerSecond, ownPerSecond));
            causes.add("others-churn");
        }
        return this;
    }

    /** Below this, other processes' TIME_WAITs are not worth a sentence (a few stray closes). */
    private static final double MIN_OTHERS_PER_SECOND = 0.5;

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
