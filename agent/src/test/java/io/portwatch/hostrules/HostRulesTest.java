package io.portwatch.hostrules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.kernel.PortRanges;
import io.portwatch.kernel.Sysctls;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostRulesTest {

    static RuleResult rule(List<RuleResult> results, String name) {
        for (RuleResult r : results) {
            if (r.rule().equals(name)) {
                return r;
            }
        }
        throw new AssertionError("no rule " + name);
    }

    static RuleResult evaluate(Sysctls s, String name) {
        return rule(HostRules.evaluate(s, 0, 0), name);
    }

    /** The grouping the port-range line uses instead of String.format's, digit for digit the same. */
    @Test
    void groupedWritesWhatTheFormatterWrites() {
        for (long n : new long[]{0, 7, 999, 1000, 28232, 64511, 1234567, -1234, Long.MAX_VALUE}) {
            assertEquals(String.format(java.util.Locale.ROOT, "%,d", n), HostRules.grouped(n));
        }
    }

    @Test
    void defaultsPass() {
        List<RuleResult> results = HostRules.evaluate(Sysctls.linuxDefaults(), 12, 0);
        assertEquals(7, results.size());
        assertEquals(Verdict.PASS, HostRules.worst(results), results.toString());
        assertTrue(rule(results, "ip_local_port_range").reason().contains("28,232 ports"));
        assertTrue(rule(results, "ip_local_port_range").reason().contains("471 new connections/s"));
    }

    @Test
    void timestampsOffWithReuseOnFails() {
        RuleResult r = evaluate(Sysctls.linuxDefaults().withTwReuse(1).withTimestamps(0), "tcp_timestamps");
        assertEquals(Verdict.FAIL, r.verdict());
        assertTrue(r.reason().startsWith("tcp_tw_reuse=1 is ineffective because tcp_timestamps=0"), r.reason());
        assertTrue(r.reason().contains("EADDRNOTAVAIL"), "quotes the measured fact");
        assertTrue(r.fix().startsWith("sysctl -w net.ipv4.tcp_timestamps=1"), r.fix());
        // The warning's first line: the rule, the verdict and the fix, short; the reason goes after it.
        assertTrue(r.headline().startsWith("tcp_timestamps FAIL: sysctl -w net.ipv4.tcp_timestamps=1"), r.headline());
        assertTrue(r.headline().length() <= 200, r.headline());
    }

    /** The first line of every rule that does not pass (those the agent prints at start-up) stays short. */
    @Test
    void everyWarningsHeadlineIsShort() {
        Sysctls bad = Sysctls.linuxDefaults().withTwReuse(1).withTimestamps(0).withMaxTwBuckets(4096)
            .withPortRange(40000, 40499);
        int checked = 0;
        for (RuleResult r : HostRules.evaluate(bad, 5000, 3)) {
            if (r.verdict() == Verdict.PASS) continue;
            assertTrue(r.headline().length() <= 200, r.headline());
            checked++;
        }
        assertEquals(3, checked, "timestamps, port range and TIME_WAIT buckets fail or warn here");
    }

    @Test
    void timestampsOffOtherwiseWarns() {
        assertEquals(Verdict.WARN, evaluate(Sysctls.linuxDefaults().withTimestamps(0), "tcp_timestamps").verdict());
        assertEquals(Verdict.WARN, evaluate(Sysctls.linuxDefaults().withTimestamps(0).withTwReuse(0),
            "tcp_timestamps").verdict());
        assertEquals(Verdict.PASS, evaluate(Sysctls.linuxDefaults().withTimestamps(2), "tcp_timestamps").verdict());
    }

    @Test
    void twReuse() {
        RuleResult off = evaluate(Sysctls.linuxDefaults().withTwReuse(0), "tcp_tw_reuse");
        assertEquals(Verdict.WARN, off.verdict());
        assertTrue(off.fix().contains("tcp_tw_reuse=1"));
        RuleResult loop = evaluate(Sysctls.linuxDefaults(), "tcp_tw_reuse");
        assertEquals(Verdict.PASS, loop.verdict());
        assertTrue(loop.reason().contains("loopback only"));
        RuleResult old = evaluate(Sysctls.linuxDefaults().withTwReuse(1).withTwReuseDelayMs(Sysctls.ABSENT), "tcp_tw_reuse");
        assertTrue(old.reason().contains("more than one second"), old.reason());
    }

    @Test
    void twRecycle() {
        RuleResult gone = evaluate(Sysctls.linuxDefaults(), "tcp_tw_recycle");
        assertEquals(Verdict.PASS, gone.verdict());
        assertTrue(gone.reason().contains("removed in Linux 4.12"));
        assertEquals(Verdict.PASS, evaluate(Sysctls.linuxDefaults().withTwRecycle(0), "tcp_tw_recycle").verdict());
        RuleResult on = evaluate(Sysctls.linuxDefaults().withTwRecycle(1), "tcp_tw_recycle");
        assertEquals(Verdict.FAIL, on.verdict());
        assertTrue(on.reason().contains("NAT"));
    }

    @Test
    void narrowOrHeavilyReservedRangeWarns() {
        RuleResult narrow = evaluate(Sysctls.linuxDefaults().withPortRange(40000, 40999), "ip_local_port_range");
        assertEquals(Verdict.WARN, narrow.verdict());
        assertTrue(narrow.reason().contains("1,000 ports"), narrow.reason());
        RuleResult reserved = evaluate(Sysctls.linuxDefaults().withPortRange(20000, 59999)
            .withReservedPorts(PortRanges.parse("20000-34999")), "ip_local_port_range");
        assertEquals(Verdict.WARN, reserved.verdict(), reserved.reason());
        assertTrue(reserved.reason().startsWith("heavily reserved"), reserved.reason());
        assertEquals(Verdict.WARN, evaluate(Sysctls.linuxDefaults().withPortRange(Sysctls.ABSENT, Sysctls.ABSENT),
            "ip_local_port_range").verdict());
    }

    @Test
    void twBuckets() {
        Sysctls s = Sysctls.linuxDefaults().withMaxTwBuckets(4096);
        assertEquals(Verdict.PASS, rule(HostRules.evaluate(s, 100, 0), "tcp_max_tw_buckets").verdict());
        RuleResult full = rule(HostRules.evaluate(s, 4096, 0), "tcp_max_tw_buckets");
        assertEquals(Verdict.WARN, full.verdict());
        assertTrue(full.reason().contains("hides the churn"));
        RuleResult overflow = rule(HostRules.evaluate(s, 10, 3), "tcp_max_tw_buckets");
        assertEquals(Verdict.WARN, overflow.verdict());
        assertTrue(overflow.reason().startsWith("TCPTimeWaitOverflow=3"));
        assertTrue(overflow.reason().contains("3 times since this network namespace started, not now (10 TIME_WAIT"),
            overflow.reason());
        assertTrue(rule(HostRules.evaluate(s, 4096, 3), "tcp_max_tw_buckets").reason().contains("and is reached now"));
        assertEquals(Verdict.PASS, rule(HostRules.evaluate(s, -1, -1), "tcp_max_tw_buckets").verdict(),
            "unknown counts are not a finding");
    }

    @Test
    void finTimeoutIsExplainedNotJudged() {
        RuleResult r = evaluate(Sysctls.linuxDefaults().withFinTimeout(5), "tcp_fin_timeout");
        assertEquals(Verdict.PASS, r.verdict());
        assertTrue(r.reason().contains("does NOT shorten TIME_WAIT"));
        assertTrue(r.reason().contains("TCP_TIMEWAIT_LEN = 60 s"));
    }
}
