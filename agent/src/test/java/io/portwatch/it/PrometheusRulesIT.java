package io.portwatch.it;

import io.portwatch.it.support.NetNs;
import io.portwatch.it.support.PrometheusServer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped alerting rules checked and unit-tested by Prometheus's own {@code promtool}
 * (Debian's {@code prometheus} package; skipped with a message without it): the rules parse,
 * the demo's {@code prometheus.yml} loads them, and {@code portwatch-alerts.test.yml}'s cases
 * (which alert, when, with which labels and exact text) pass.
 */
class PrometheusRulesIT {

    @Test
    void promtoolChecksTheRules() throws Exception {
        NetNs.Exec check = promtool("check", "rules", "portwatch-alerts.yml");
        assertEquals(0, check.exitCode, check::toString);
        assertTrue(check.output.contains("SUCCESS: 2 rules found"), check::toString);
    }

    @Test
    void theDemosPrometheusLoadsTheRules() throws Exception {
        NetNs.Exec check = promtool("check", "config", "prometheus.yml");
        assertEquals(0, check.exitCode, check::toString);
        assertTrue(check.output.contains("1 rule files found"), check::toString);
    }

    @Test
    void promtoolTestsTheRules() throws Exception {
        NetNs.Exec test = promtool("test", "rules", "portwatch-alerts.test.yml");
        assertEquals(0, test.exitCode, test::toString);
        assertTrue(test.output.contains("SUCCESS"), test::toString);
    }

    /** promtool on a file of otel-collector/, which names the others relative to its own directory. */
    private static NetNs.Exec promtool(String command, String what, String file) throws Exception {
        Path promtool = PrometheusServer.binary("promtool");
        Path dir = PrometheusAlertsIT.rules().getParent();
        return NetNs.run(60, promtool.toString(), command, what, dir.resolve(file).toString());
    }
}
