package io.portwatch.hostrules;

import io.portwatch.kernel.Conntrack;

/**
 * How full the netfilter connection-tracking table is, where it is loaded: a rule of {@code doctor}
 * ({@link HostRules}) and the agent's warning share the thresholds. Every tracked connection holds
 * an entry, TIME_WAIT ones for {@code nf_conntrack_tcp_timeout_time_wait} (120 s by default), so a
 * churn that the port range survives can still fill the table; once full, the kernel drops new
 * connections' packets ("nf_conntrack: table full, dropping packet" in the kernel log) and
 * {@code connect()} times out, or retransmits its SYN for seconds, instead of failing with
 * EADDRNOTAVAIL.
 */
public final class ConntrackRule {

    public static final String RULE = "nf_conntrack_max";
    /** From this share of the table in use, WARN (and the agent warns). */
    public static final double NEAR_FULL = 0.8;
    /** From this share, FAIL. */
    public static final double FULL = 0.95;
    /** The agent's warning clears below this share: a table near the threshold does not flap. */
    public static final double CLEAR = 0.7;

    public static final String FIX = "raise net.netfilter.nf_conntrack_max (sysctl -w, and persist it in"
            + " /etc/sysctl.d/; on recent kernels it is one limit for the whole host, set from the initial"
            + " namespace), or cut the churn: pooled connections hold one entry each instead of one per request"
            + " for two minutes";

    /** What a full table does, in the rule's reason and the agent's warning alike. */
    public static final String WHEN_FULL = "a full table drops new connections' packets (\"nf_conntrack: table full,"
            + " dropping packet\"): connect() times out, it does not fail with EADDRNOTAVAIL";

    private ConntrackRule() {}

    /** The rule's verdict; PASS, saying so, when connection tracking is not loaded ({@code c} null). */
    public static RuleResult evaluate(Conntrack c) {
        if (c == null) {
            return new RuleResult(RULE, Verdict.PASS, "netfilter connection tracking is not loaded in this"
                    + " namespace (no /proc/sys/net/netfilter/nf_conntrack_count): no table to fill.", "");
        }
        String figures = figures(c);
        if (c.max > 0 && c.share() >= FULL) {
            return new RuleResult(RULE, Verdict.FAIL, figures + ": the table is full or nearly so; " + WHEN_FULL
                    + ".", FIX);
        }
        if (c.max > 0 && c.share() >= NEAR_FULL) {
            return new RuleResult(RULE, Verdict.WARN, figures + ": the table is near full. Every tracked"
                    + " connection holds an entry, TIME_WAIT ones for 120 s by default; when it is full, new"
                    + " connections' packets are dropped and connect() times out.", FIX);
        }
        if (c.fullDrops() > 0) {
            return new RuleResult(RULE, Verdict.WARN, figures + ": the table has been full before: packets"
                    + " were dropped, or entries evicted, to make room (connect() timed out then).", FIX);
        }
        return new RuleResult(RULE, Verdict.PASS, figures + ".", "");
    }

    /** {@code nf_conntrack_count=N of nf_conntrack_max=M (P%)}. */
    public static String occupancy(Conntrack c) {
        // Not String.format: the agent's start computes this line, and the Formatter's first use
        // loads the JDK's locale data, about 0.8 MB of a JVM's memory.
        return "nf_conntrack_count=" + c.count + " of nf_conntrack_max=" + c.max + " (" + Math.round(100 * c.share()) + "%)";
    }

    /** {@link #occupancy}, and the drops when known. */
    public static String figures(Conntrack c) {
        return occupancy(c) + (c.fullDrops() < 0 ? "" : ", " + c.drops + " packets dropped and " + c.earlyDrops
                + " entries evicted for want of room, " + c.insertFailed + " inserts failed since the namespace began");
    }
}
