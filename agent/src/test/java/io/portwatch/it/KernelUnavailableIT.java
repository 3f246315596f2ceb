package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.workload.SocketWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A child whose {@code /proc/net} is empty (a private mount namespace with a tmpfs over it, as a
 * sandbox might leave it): the kernel features switch off with one line, and tracking goes on.
 * Needs root and {@code unshare}; skipped, saying so, without them.
 */
class KernelUnavailableIT {

    /** Mounts an empty tmpfs over the shell's own /proc/PID/net, then becomes the java command. */
    private static final String[] HIDE_PROC_NET = {"unshare", "--mount", "--propagation", "private", "sh", "-c",
            "mount -t tmpfs -o size=1m none /proc/$$/net && exec \"$0\" \"$@\""};

    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void withoutProcNetTheKernelFeaturesSwitchOffInOneLine(String jdk) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount over /proc/PID/net");
        assumeTrue(Files.isExecutable(Paths.get("/usr/bin/unshare")) || Files.isExecutable(Paths.get("/bin/unshare")),
                "needs unshare (util-linux)");
        ChildJvm.Result r = new ChildJvm(jdk).commandPrefix(HIDE_PROC_NET)
                .main(SocketWorkload.class, "client-close", "127.0.0.1", "3").run();
        assumeTrue(!r.stderr.contains("unshare:") && !r.stderr.contains("mount:"),
                "this host does not allow a private mount namespace: " + r.stderr.trim());
        assertEquals(0, r.exitCode, r::toString);
        assertEquals("workload client-close done", r.stdout.trim());
        List<String> kernel = AgentRobustnessIT.portwatchLines(r.stderr).stream()
                .filter(l -> l.contains("/proc/net/tcp")).collect(Collectors.toList());
        assertEquals(1, kernel.size(), r::toString);
        assertTrue(kernel.get(0).contains("kernel tables unavailable"), kernel::toString);
        assertFalse(r.stderr.contains("ERROR"), r::toString);
        assertFalse(r.stderr.contains("WARN host"), "no host verdicts without the kernel's tables: " + r);
        assertTrue(r.stderr.contains("summary: 3 outgoing and 3 accepted"), "tracking goes on: " + r);
    }
}
