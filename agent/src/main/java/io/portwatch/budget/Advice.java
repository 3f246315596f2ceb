package io.portwatch.budget;

import io.portwatch.clients.ChurnPattern;
import io.portwatch.clients.ClientLibrary;
import io.portwatch.clients.LibraryFixes;

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

    /**
     * The share of closes leaving a TIME_WAIT here from which both sides are said to close first,
     * by turns, rather than the peer: past it this side's TIME_WAITs fill ports as well.
     */
    static final double MIXED_CLOSES = 0.2;

    /** Said when nothing more specific was found. */
    public static final String GENERAL = "pool and reuse connections, or give connect() more 4-tuples: "
        + "widen net.ipv4.ip_local_port_range or spread over more destination addresses or ports";

    private final List<String> sentences = new ArrayList<>();
    /** What each sentence is about, without its figures: a warning whose causes change is said again. */
    private final List<String> causes = new ArrayList<>();
    /** The change each sentence asks for, in a few words; null for a sentence that only informs. */
    private final List<String> fixes = new ArrayList<>();

    private void add(String sentence, String cause, String fix) {
        sentences.add(sentence);
        causes.add(cause);
        fixes.add(fix);
    }

    /** Adds the reason and fix when reuse is ineffective for the destination. */
    public Advice reuse(ReuseVerdict verdict) {
        if (!verdict.effective()) {
            add(verdict.reason() + " — " + verdict.fix(), "reuse:" + verdict.reason(), verdict.fix());
        }
        return this;
    }

    /** A call site that opens connections toward the destination, as a warning names it. */
    public static final class Opener {
        final String callSite;
        final double perSecond;
        final boolean pooled;
        /** The client library under the call site, or null when none known. */
        final ClientLibrary library;
        /** Connections it opened toward the destination so far. */
        final long opened;
        /** No two of its ended connections were open at once ({@link io.portwatch.clients.ConnectionOverlap}). */
        final boolean oneAtATime;

        /** {@code pooled}: most of its connections were opened by a JDBC connection pool. */
        public Opener(String callSite, double perSecond, boolean pooled) {
            this(callSite, perSecond, pooled, null, 0);
        }

        /** An opener whose connections' overlap is not known: never called a polling loop. */
        public Opener(String callSite, double perSecond, boolean pooled, ClientLibrary library, long opened) {
            this(callSite, perSecond, pooled, library, opened, false);
        }

        public Opener(String callSite, double perSecond, boolean pooled, ClientLibrary library, long opened,
                      boolean oneAtATime) {
            this.callSite = callSite;
            this.perSecond = perSecond;
            this.pooled = pooled;
            this.library = library;
            this.opened = opened;
            this.oneAtATime = oneAtATime;
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
            add("the code that opens them is not known (callsite=false, or past callsite.limit)", "opened-at:?", null);
            return this;
        }
        List<String> parts = new ArrayList<>();
        for (Opener o : openers) {
            parts.add(String.format(Locale.ROOT, "%s (%.1f/s, %s%s)", o.callSite, o.perSecond,
                    o.pooled ? "by a pool" : "directly", o.library == null ? "" : ", through " + o.library.displayName));
        }
        add("opened at " + String.join(", ", parts)
                + (more > 0 ? " and " + more + " more call site" + (more == 1 ? "" : "s") : ""),
                "opened-at:" + openers.get(0).callSite, null);
        return this;
    }

    /**
     * The fix of the busiest opener in its library's words, once the kernel has confirmed that this
     * JVM closes first and the opener has opened enough to call it churn ({@link ChurnPattern}); for
     * an opener with no known library whose connections were never open two at once, a polling
     * loop's fix. Nothing for another opener with no known library, or while the closer is not
     * confirmed: the pattern would be a guess. Said before {@link #closer}, so that its few words
     * are the warning's main fix rather than the general "pool them".
     *
     * @param timeWaitShare of the destination's confirmed closes, the share that left a TIME_WAIT
     *                      here; applied to the opener, the busiest one
     */
    public Advice library(List<Opener> openers, boolean closerKnown, double timeWaitShare) {
        if (openers.isEmpty() || !closerKnown) return this;
        Opener top = openers.get(0);
        long local = Math.round(top.opened * timeWaitShare);
        ChurnPattern pattern = ChurnPattern.of(top.library, top.pooled, top.opened, local, top.opened - local,
                top.oneAtATime);
        String fix = LibraryFixes.fix(top.library, pattern);
        if (fix == null) return this;
        String sentence = fix.endsWith(".") ? fix.substring(0, fix.length() - 1) : fix;
        String who = top.library != null ? top.library.displayName : "a loop, one connection at a time";
        add(who + " (" + pattern.id + "): " + sentence,
                "library:" + (top.library != null ? top.library.id : "none") + ":" + pattern.id,
                LibraryFixes.shortFix(top.library, pattern));
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
            add("which side closes first is not confirmed by the kernel yet (" + confirmed
                    + " closes confirmed so far)", "closer:unconfirmed", null);
        } else if (timeWaitShare > 0.5) {
            add(String.format(Locale.ROOT, "this JVM closes first (confirmed by the kernel: %.0f%% of %d"
                    + " closes left their port in TIME_WAIT here for 60 s) — pool them, or keep them alive",
                    100 * timeWaitShare, confirmed), "closer:local", "pool those connections, or keep them alive");
        } else if (timeWaitShare >= MIXED_CLOSES) {
            // Both ends close at once and the FINs cross: Connector/J without TLS against MariaDB
            // does (docs/jdbc.md). Whichever lands first keeps the TIME_WAIT, a share of them here.
            add(String.format(Locale.ROOT, "both sides close first, by turns (confirmed by the kernel: %.0f%% of %d"
                    + " closes left their port in TIME_WAIT here for 60 s) — pool them, or keep them alive",
                    100 * timeWaitShare, confirmed), "closer:mixed", "pool those connections, or keep them alive");
        } else {
            add(String.format(Locale.ROOT, "the peer closes first (confirmed by the kernel: %.0f%% of %d"
                    + " closes left a TIME_WAIT here): the ports here are held by open connections",
                    100 * timeWaitShare, confirmed), "closer:peer", null);
        }
        return this;
    }

    /** {@code TCPTimeWaitOverflow} rose by {@code delta} since the last sample. */
    public Advice timeWaitOverflow(long delta) {
        if (delta > 0) {
            add("tcp_max_tw_buckets overflowing (TCPTimeWaitOverflow rising, +" + delta + "): TIME_WAIT"
                + " sockets are being destroyed early, which hides the churn — cut the churn rather than"
                + " raise the limit", "overflow", "cut the churn");
        }
        return this;
    }

    /** Sockets are bound before {@code connect()}. */
    public Advice boundBeforeConnect(boolean bound) {
        if (bound) {
            add("bind() before connect() shares one port pool across destinations — let connect()"
                + " pick the port (no Socket.bind or 4-argument Socket constructor before connecting)", "bound",
                "no bind() before connect(): let connect() pick the port");
        }
        return this;
    }

    /** {@code connect()} has slowed down to at least twice its best: the kernel's port search is getting longer. */
    public Advice connectSlowing(ConnectLatency latency) {
        double trend = latency.trend();
        if (trend >= 2) {
            add(String.format(Locale.ROOT, "connect() takes %.1fx as long as at its best (%.2f ms, was %.2f ms):"
                + " the kernel searches longer for a free port as the range fills", trend, latency.millis(),
                latency.bestMillis()), "slowing", null);
        }
        return this;
    }

    /**
     * Other processes (or this JVM's connections opened before the agent attached) hold open ports
     * toward the same destination: cutting this JVM's churn alone may not be enough.
     */
    public Advice otherHolders(int others, int open) {
        if (others >= MIN_OTHER_HOLDERS && others * 2 >= open) {
            add("other processes hold " + others + " of the " + open + " open ports toward it"
                + " (ss -tnp shows which)", "others", null);
        }
        return this;
    }

    /**
     * The other processes named as holders of open ports toward the destination ({@link PortHolder}),
     * said when they hold at least half of the open ports, or when the churn is mostly elsewhere
     * ({@link #churnElsewhere}): the names say where to look. Three at most, most ports first.
     *
     * @param others open ports not this JVM's, named or not; @param open all open ports toward it
     */
    public Advice namedHolders(List<PortHolder> named, int others, int open, boolean churnElsewhere) {
        if (named.isEmpty() || !(churnElsewhere || others >= MIN_OTHER_HOLDERS && others * 2 >= open)) return this;
        PortHolder top = named.get(0);
        StringBuilder b = new StringBuilder(top.name() + " holds " + top.openPorts + " of the " + open
                + " open ports toward it");
        for (PortHolder h : named.subList(1, Math.min(NAMED_HOLDERS, named.size()))) {
            b.append(", ").append(h.name()).append(' ').append(h.openPorts);
        }
        int more = named.size() - NAMED_HOLDERS;
        if (more > 0) b.append(" and ").append(more).append(" more process").append(more == 1 ? "" : "es");
        int unnamed = others - named.stream().mapToInt(h -> h.openPorts).sum();
        if (unnamed > 0) {
            b.append(", ").append(unnamed).append(" held by processes this user may not read (ss -tnp as root shows them)");
        }
        add(b.toString(), "others", null);
        return this;
    }

    /**
     * Whose the TIME_WAITs toward the destination are, when the churn is mostly elsewhere: this
     * JVM's are its confirmed closes of the last 60 s (at most the rows counted), the rest other
     * processes', whose sockets have no owner left in the kernel's tables.
     */
    public Advice timeWaitHolders(int jvm, int timeWait, boolean churnElsewhere) {
        if (churnElsewhere && timeWait > 0) {
            int own = Math.min(jvm, timeWait);
            add("of the " + timeWait + " TIME_WAITs toward it, this JVM holds " + own + " (its confirmed closes),"
                    + " other processes " + (timeWait - own), "tw-holders", null);
        }
        return this;
    }

    /**
     * Whether other processes close connections toward the destination first at least as often as
     * this JVM, and often enough to matter: the churn is mostly elsewhere.
     */
    public static boolean churnElsewhere(double othersPerSecond, double ownPerSecond) {
        return othersPerSecond >= MIN_OTHERS_PER_SECOND && othersPerSecond >= ownPerSecond;
    }

    /** The change the first sentence that asks for one asks for, in a few words; else the general advice's. */
    public String mainFix() {
        for (String fix : fixes) {
            if (fix != null) return fix;
        }
        return "pool and reuse connections";
    }

    /** What the sentences are about, without their figures, in order. */
    public List<String> causes() {
        return Collections.unmodifiableList(causes);
    }

    /**
     * Other processes close connections toward the destination first too: at least as often as this
     * JVM ({@link #churnElsewhere}: cutting this JVM's churn alone is not enough), or less often but
     * enough that this JVM's churn alone would last and the two together do not
     * ({@link #poolShared}: another JVM with portwatch beside this one reads the first case).
     *
     * @param othersPerSecond the host's new TIME_WAITs toward it per second, less this JVM's
     * @param ownPerSecond    this JVM's
     * @param ownAloneLasts   this JVM's churn alone would be sustainable in the pool
     */
    public Advice othersChurn(double othersPerSecond, double ownPerSecond, boolean ownAloneLasts) {
        String rates = String.format(Locale.ROOT, "other processes on this host add %.1f TIME_WAITs/s toward it,"
                + " this JVM %.1f/s: the ports are shared, ", othersPerSecond, ownPerSecond);
        if (churnElsewhere(othersPerSecond, ownPerSecond)) {
            add(rates + "and cutting this JVM's churn alone is not enough (ss -tan state time-wait shows them all)",
                    "others-churn", null);
        } else if (poolShared(othersPerSecond, ownPerSecond, ownAloneLasts)) {
            add(rates + "and this JVM's churn alone would fit in them; together they run out", "others-churn", null);
        }
        return this;
    }

    /**
     * Whether other processes churn toward the destination less than this JVM but enough to matter:
     * this JVM's churn alone would last ({@code ownAloneLasts}), and theirs is 0.5/s or more and at
     * least a quarter of this JVM's, so that the two together run out.
     */
    public static boolean poolShared(double othersPerSecond, double ownPerSecond, boolean ownAloneLasts) {
        return ownAloneLasts && othersPerSecond >= MIN_OTHERS_PER_SECOND && othersPerSecond >= ownPerSecond / 4;
    }

    /** Holders named by name; the rest are counted. */
    private static final int NAMED_HOLDERS = 3;

    /** Below this, other processes' open ports are not worth a sentence (the server's own end, a stray client). */
    private static final int MIN_OTHER_HOLDERS = 5;

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
