package io.portwatch.hostrules;

import io.portwatch.budget.PortBudget;
import io.portwatch.kernel.Conntrack;
import io.portwatch.kernel.Sysctls;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks a host's (network namespace's) TCP settings against what the kernel does with TIME_WAIT and
 * port reuse ({@link io.portwatch.budget.ReuseVerdict}, {@link PortBudget},
 * {@link io.portwatch.budget.Forecast} say it and name their sources). Used by {@code doctor} and
 * logged by the agent at start-up. Each rule is named after its sysctl and gives PASS, WARN or FAIL
 * with a reason quoting the fact it rests on, and a fix.
 */
public final class HostRules {

    /** Fewer usable ports than this per destination is a narrow range. */
    public static final int NARROW_RANGE = 10_000;
    /** More of the range reserved than this share is heavily reserved. */
    public static final double HEAVY_RESERVATION = 0.25;

    private static final String SET = "sysctl -w net.ipv4.";
    private static final String PERSIST = " (and persist it in /etc/sysctl.d/)";

    private HostRules() {}

    /**
     * @param s the sysctls
     * @param timeWaitNow TIME_WAIT sockets now ({@code sockstat tw}), or -1 when unknown
     * @param timeWaitOverflow {@code TcpExt TCPTimeWaitOverflow} since boot, or -1 when unknown
     */
    public static List<RuleResult> evaluate(Sysctls s, long timeWaitNow, long timeWaitOverflow) {
        return evaluate(s, timeWaitNow, timeWaitOverflow, null);
    }

    /**
     * The same, and the connection-tracking table's rule ({@link ConntrackRule}) last.
     *
     * @param conntrack the namespace's table, or null when connection tracking is not loaded
     */
    public static List<RuleResult> evaluate(Sysctls s, long timeWaitNow, long timeWaitOverflow, Conntrack conntrack) {
        List<RuleResult> results = new ArrayList<>();
        results.add(timestamps(s));
        results.add(twReuse(s));
        results.add(twRecycle(s));
        results.add(portRange(s));
        results.add(maxTwBuckets(s, timeWaitNow, timeWaitOverflow));
        results.add(finTimeout(s));
        results.add(ConntrackRule.evaluate(conntrack));
        return results;
    }

    /** The most severe verdict of a list (PASS for an empty one). */
    public static Verdict worst(List<RuleResult> results) {
        Verdict worst = Verdict.PASS;
        for (RuleResult r : results) {
            if (r.verdict().compareTo(worst) > 0) {
                worst = r.verdict();
            }
        }
        return worst;
    }

    static RuleResult timestamps(Sysctls s) {
        String rule = "tcp_timestamps";
        int ts = s.timestamps();
        int reuse = s.twReuse();
        if (ts == Sysctls.ABSENT) {
            return unreadable(rule);
        }
        String fix = SET + "tcp_timestamps=1" + PERSIST;
        if (ts == 0 && reuse == 1) {
            return new RuleResult(rule, Verdict.FAIL, "tcp_tw_reuse=1 is ineffective because tcp_timestamps=0:"
                + " reusing a TIME_WAIT port needs TCP timestamps negotiated on the connection"
                + " (tcp_twsk_unique(), net/ipv4/tcp_ipv4.c), so every port stays taken for the full 60 s."
                + " Measured with 10 ports all in TIME_WAIT: reuse=1 + timestamps=0, every connect fails with"
                + " EADDRNOTAVAIL until the 60 s run out; reuse=1 + timestamps=1, connects again after ~1 s.", fix);
        }
        if (ts == 0 && reuse == 2) {
            return new RuleResult(rule, Verdict.WARN, "tcp_timestamps=0 silently disables TIME_WAIT reuse, so"
                + " tcp_tw_reuse=2 does nothing even toward loopback: reuse needs TCP timestamps negotiated"
                + " on the connection (tcp_twsk_unique(), net/ipv4/tcp_ipv4.c).", fix);
        }
        if (ts == 0) {
            return new RuleResult(rule, Verdict.WARN, "tcp_timestamps=0: no TIME_WAIT port can ever be reused,"
                + " so turning tcp_tw_reuse on would not help until timestamps are on again.", fix);
        }
        return new RuleResult(rule, Verdict.PASS, "tcp_timestamps=" + ts + ": TIME_WAIT reuse is possible where"
            + " tcp_tw_reuse allows it (both ends must offer timestamps in SYN/SYN-ACK).", "");
    }

    static RuleResult twReuse(Sysctls s) {
        String rule = "tcp_tw_reuse";
        int reuse = s.twReuse();
        String delay = s.twReuseDelayMs() == Sysctls.ABSENT
            ? "more than one second (no tcp_tw_reuse_delay: kernel before 6.14)"
            : "tcp_tw_reuse_delay=" + s.twReuseDelayMs() + " ms";
        if (reuse == Sysctls.ABSENT) {
            return unreadable(rule);
        }
        if (reuse == 0) {
            return new RuleResult(rule, Verdict.WARN, "tcp_tw_reuse=0: connect() never takes over a TIME_WAIT"
                + " port, so each port this host closes first stays taken for TCP_TIMEWAIT_LEN = 60 s: at most"
                + " about ports/60 new connections per second per destination.",
                SET + "tcp_tw_reuse=1" + PERSIST + " (it affects outgoing connections only and needs"
                    + " tcp_timestamps on); better still, pool connections");
        }
        if (reuse == 2) {
            return new RuleResult(rule, Verdict.PASS, "tcp_tw_reuse=2 (the default since 2018, commit"
                + " 79e9fed46038): TIME_WAIT ports are reused toward loopback only, after " + delay
                + "; connections to other hosts wait the full 60 s. Set it to 1 if this host churns outgoing"
                + " connections to remote hosts.", "");
        }
        return new RuleResult(rule, Verdict.PASS, "tcp_tw_reuse=" + reuse + ": connect() may take over a"
            + " TIME_WAIT port after " + delay + ", when timestamps were negotiated.", "");
    }

    static RuleResult twRecycle(Sysctls s) {
        String rule = "tcp_tw_recycle";
        int recycle = s.twRecycle();
        if (recycle == Sysctls.ABSENT) {
            return new RuleResult(rule, Verdict.PASS, "absent: it was removed in Linux 4.12"
                + " (commit 4396e46187ca).", "");
        }
        if (recycle == 0) {
            return new RuleResult(rule, Verdict.PASS, "tcp_tw_recycle=0: present, so the kernel is older than 4.12,"
                + " and off, as it should be.", "");
        }
        return new RuleResult(rule, Verdict.FAIL, "tcp_tw_recycle=" + recycle + ": it drops SYNs from clients"
            + " behind one NAT address, which is why Linux 4.12 removed it (commit 4396e46187ca).",
            SET + "tcp_tw_recycle=0" + PERSIST + "; use tcp_tw_reuse=1 with tcp_timestamps on instead");
    }

    static RuleResult portRange(Sysctls s) {
        String rule = "ip_local_port_range";
        if (!s.hasPortRange()) {
            return unreadable(rule);
        }
        int low = s.portLow();
        int high = s.portHigh();
        int size = high - low + 1;
        int reserved = s.reservedPorts().countWithin(low, high);
        int capacity = PortBudget.capacity(low, high, s.reservedPorts());
        // Not String.format: its grouping loads the JDK's locale data, most of a megabyte of heap in
        // the agent's start, for the one line every start computes.
        String what = low + "-" + high
                + (reserved == 0 ? "" : " minus " + grouped(reserved) + " reserved (ip_local_reserved_ports=" + s.reservedPorts() + ")")
                + " leaves " + grouped(capacity) + " ports per destination (connect() needs only"
                + " an unused 4-tuple): with this host closing first, at most about " + grouped(Math.round(capacity / 60.0))
                + " new connections/s per destination (ports / 60 s of TIME_WAIT)";
        if (capacity < NARROW_RANGE) {
            return new RuleResult(rule, Verdict.WARN, "narrow: " + what + ".",
                SET + "ip_local_port_range=\"32768 60999\" (the default) or wider" + PERSIST
                    + ", keeping clear of ports servers listen on");
        }
        if (reserved > HEAVY_RESERVATION * size) {
            return new RuleResult(rule, Verdict.WARN, "heavily reserved: " + what + ".",
                "reserve fewer ports inside the range (net.ipv4.ip_local_reserved_ports) or widen the range");
        }
        return new RuleResult(rule, Verdict.PASS, what + ".", "");
    }

    static RuleResult maxTwBuckets(Sysctls s, long timeWaitNow, long overflow) {
        String rule = "tcp_max_tw_buckets";
        int max = s.maxTwBuckets();
        if (max == Sysctls.ABSENT) {
            return unreadable(rule);
        }
        String hides = " Past it, new TIME_WAIT sockets are destroyed at once: ports come free, which hides the churn.";
        String fix = "find and cut the churn (portwatch shows it per destination); raising"
            + " net.ipv4.tcp_max_tw_buckets makes the TIME_WAITs visible again";
        if (overflow > 0) {
            // The counter only grows, from the namespace's start: say whether the limit holds now too.
            boolean now = timeWaitNow >= max;
            return new RuleResult(rule, Verdict.WARN, "TCPTimeWaitOverflow=" + overflow + ": tcp_max_tw_buckets="
                + max + " has been reached " + overflow + " times since this network namespace started"
                + (now ? ", and is reached now." : timeWaitNow >= 0 ? ", not now (" + timeWaitNow
                + " TIME_WAIT sockets)." : ".") + hides, fix);
        }
        if (timeWaitNow >= 0 && timeWaitNow >= max) {
            return new RuleResult(rule, Verdict.WARN, timeWaitNow + " TIME_WAIT sockets have reached"
                + " tcp_max_tw_buckets=" + max + "." + hides, fix);
        }
        return new RuleResult(rule, Verdict.PASS, "tcp_max_tw_buckets=" + max
            + (timeWaitNow >= 0 ? ", " + timeWaitNow + " TIME_WAIT sockets now" : "")
            + (overflow == 0 ? ", no TCPTimeWaitOverflow" : "") + ".", "");
    }

    static RuleResult finTimeout(Sysctls s) {
        return new RuleResult("tcp_fin_timeout", Verdict.PASS, "tcp_fin_timeout=" + Sysctls.show(s.finTimeout())
            + " governs orphaned FIN_WAIT2 sockets only; it does NOT shorten TIME_WAIT, which lasts"
            + " TCP_TIMEWAIT_LEN = 60 s (include/net/tcp.h) whatever any sysctl says.", "");
    }

    private static RuleResult unreadable(String rule) {
        return new RuleResult(rule, Verdict.WARN, "cannot read /proc/sys/net/ipv4/" + rule
            + ": this rule could not be checked.", "");
    }

    /** {@code 28232} as {@code 28,232}, as {@code %,d} writes it in {@link Locale#ROOT}. */
    static String grouped(long n) {
        String digits = Long.toString(Math.abs(n));
        StringBuilder b = new StringBuilder(n < 0 ? "-" : "");
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0 && (digits.length() - i) % 3 == 0) b.append(',');
            b.append(digits.charAt(i));
        }
        return b.toString();
    }
}
