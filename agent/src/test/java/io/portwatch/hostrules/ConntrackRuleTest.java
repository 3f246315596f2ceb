package io.portwatch.hostrules;

import io.portwatch.kernel.Conntrack;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The doctor's rule on the connection-tracking table: its thresholds, and what it says to do. */
class ConntrackRuleTest {

    private static Conntrack table(long count, long max, long drops) {
        return new Conntrack(count, max, drops, 0, 0);
    }

    @Test
    void notLoadedPasses() {
        RuleResult r = ConntrackRule.evaluate(null);
        assertEquals(Verdict.PASS, r.verdict());
        assertTrue(r.reason().contains("not loaded"), r.reason());
    }

    @Test
    void roomyPasses() {
        RuleResult r = ConntrackRule.evaluate(table(100, 262144, 0));
        assertEquals(Verdict.PASS, r.verdict(), r.reason());
        assertTrue(r.reason().startsWith("nf_conntrack_count=100 of nf_conntrack_max=262144 (0%)"), r.reason());
    }

    @Test
    void nearFullWarnsAndFullFails() {
        assertEquals(Verdict.PASS, ConntrackRule.evaluate(table(79, 100, 0)).verdict());
        RuleResult near = ConntrackRule.evaluate(table(80, 100, 0));
        assertEquals(Verdict.WARN, near.verdict());
        assertTrue(near.reason().contains("connect() times out"), near.reason());
        assertTrue(near.fix().startsWith("raise net.netfilter.nf_conntrack_max"), near.fix());
        assertTrue(near.fix().contains("cut the churn"), near.fix());
        assertEquals(Verdict.WARN, ConntrackRule.evaluate(table(94, 100, 0)).verdict());
        RuleResult full = ConntrackRule.evaluate(table(95, 100, 0));
        assertEquals(Verdict.FAIL, full.verdict());
        assertTrue(full.reason().contains("not fail with EADDRNOTAVAIL"), full.reason());
    }

    /** A table with room now that dropped packets before was full then: a warning, not a pass. */
    @Test
    void pastDropsWarn() {
        RuleResult r = ConntrackRule.evaluate(table(10, 100, 3));
        assertEquals(Verdict.WARN, r.verdict());
        assertTrue(r.reason().contains("3 packets dropped"), r.reason());
    }

    @Test
    void hostRulesEndWithIt() {
        assertEquals(ConntrackRule.RULE, HostRules.evaluate(io.portwatch.kernel.Sysctls.linuxDefaults(), 0, 0,
                table(99, 100, 0)).get(6).rule());
        assertEquals(Verdict.FAIL, HostRules.worst(HostRules.evaluate(io.portwatch.kernel.Sysctls.linuxDefaults(), 0, 0,
                table(99, 100, 0))));
    }
}
