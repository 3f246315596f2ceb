package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.ExhaustionRun;
import io.portwatch.it.workload.ChurnWorkload;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The end-of-run churn summary of a real run: a child JVM with the agent churns on loopback (the
 * client closes first), and what it prints at exit must name the workload's call site with its
 * closer share; the HTML report goes where configured, owner-only. Runs once per configured JDK.
 */
class ChurnReportIT {

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void theSummaryNamesTheChurningCallSiteAndWhoClosed(String jdk, @TempDir Path dir) throws Exception {
        Path html = dir.resolve("out/report.html");
        // No exporter configured: summary=auto prints the short summary.
        ChildJvm.Result r = new ChildJvm(jdk).agentArgs("kernel.interval=500,report=" + html)
                .main(ChurnWorkload.class, "churn", String.valueOf(ExhaustionRun.freePort()), "100", "3")
                .timeoutSeconds(60).run();
        assertEquals(0, r.exitCode, r::toString);
        assertFalse(r.stderr.contains("[portwatch] ERROR"), r::toString);
        Matcher done = Pattern.compile("churn done: (\\d+) connections, 0 failures").matcher(r.stdout);
        assertTrue(done.find(), r::toString);
        long n = Long.parseLong(done.group(1));
        assertTrue(n >= 250, () -> "the churn ran short: " + r);

        assertTrue(r.stderr.contains("[portwatch] summary: " + n + " outgoing and " + n + " accepted TCP connections ended;"
                + " closed by local=" + n + " peer=" + n + " reset=0 unknown=0"), r::toString);
        // The client (this JVM's outgoing side) closes first: local 100% for the call site that opens them,
        // one connection at a time from one thread: a polling loop.
        String site = "io\\.portwatch\\.it\\.workload\\.ChurnWorkload\\.churn\\(ChurnWorkload\\.java:\\d+\\)";
        assertTrue(Pattern.compile("\\[portwatch\\] summary:   " + n + "  " + site + " \\(" + n
                + " direct, 0 by a pool; closed by local 100%; polling_loop\\)").matcher(r.stderr).find(), r::toString);
        assertTrue(Pattern.compile("\\[portwatch\\] summary: to do 1: Reuse the connections opened at " + site
                + ": [^\\n]*\\(polling_loop\\)\\. Open the connection once").matcher(r.stderr).find(), r::toString);
        assertTrue(r.stderr.contains("[portwatch] summary: destinations by peak ports held:"), r::toString);
        assertTrue(r.stderr.contains("[portwatch] report written to " + html.toAbsolutePath()), r::toString);

        assertTrue(Files.isRegularFile(html), r::toString);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(html)));
        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertTrue(page.contains("io.portwatch.it.workload.ChurnWorkload.churn(ChurnWorkload.java:"), "the call site table");
        assertTrue(page.contains("<svg class=\"chart\""), "charts");
    }
}
