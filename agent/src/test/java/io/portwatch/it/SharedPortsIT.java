package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.NetNs;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedLog;
import io.portwatch.it.workload.ChurnWorkload;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The port pool toward a destination shared with a process that is not a JVM: in a network
 * namespace with 300 ephemeral ports and TIME_WAIT reuse defeated ({@code tcp_timestamps=0}), a
 * bash client makes 3.5 connections a second to the JVM's server and closes each first, and the
 * JVM with the agent makes 2 a second of its own. Each alone is sustainable (210 and 120
 * TIME_WAITs); together (5.5/s, 330) they run out after about 55 s. The JVM's own rate would say
 * nothing; the host's new TIME_WAITs, counted from the kernel's tables, make the warning, which
 * must come at least half the time to exhaustion ahead of the first failed connect of either
 * process and say that other processes churn too. Needs root and {@code ip netns}.
 */
class SharedPortsIT {

    private static final int SERVER_PORT = 7000;
    private static final String FAILURE = "churn FIRST FAILURE at ";
    private static final String OTHER_FAILURE = "other FIRST FAILURE at ";

    /**
     * The other process: a connection every 0.2857 s through bash's {@code /dev/tcp}, closed by
     * the subshell's exit (this side first), refused ones retried until the server is up; bounded
     * to 500 connections and 100 s. Its first "Cannot assign requested address" is said with the
     * time, in milliseconds.
     */
    private static final String OTHER_CLIENT = String.join("\n",
            "end=$((SECONDS+100)); n=0",
            "while [ $SECONDS -lt $end ] && [ $n -lt 500 ]; do",
            "  if err=$( ( exec 3<>/dev/tcp/127.0.0.1/" + SERVER_PORT + " ) 2>&1 ); then n=$((n+1));",
            "  elif [[ $err == *'Cannot assign requested address'* ]]; then",
            "    echo \"" + OTHER_FAILURE + "$(date +%s%3N) after $n connections\"; break",
            "  fi",
            "  sleep 0.2857",
            "done",
            "echo \"other done: $n connections\"");

    @Test
    void anotherProcessesChurnIsCountedAndWarnedAheadOfTheFirstFailure() throws Exception {
        String jdk = ChildJvm.javaHomes().get(0);
        try (NetNs ns = NetNs.create()) {
            ns.portReuse(false, "40000 40299");
            Path otherOutput = Files.createTempFile("portwatch-other-client", ".txt");
            try (OtlpReceiver receiver = new OtlpReceiver(ns.hostAddress())) {
                long start = System.currentTimeMillis();
                Process other = new ProcessBuilder("ip", "netns", "exec", ns.name(), "bash", "-c", OTHER_CLIENT)
                        .redirectErrorStream(true).redirectOutput(otherOutput.toFile()).start();
                ChildJvm.Result jvm;
                try {
                    jvm = new ChildJvm(jdk).inNamespace(ns.name()).agentArgs("kernel.interval=500")
                            .exportTo(receiver).timeoutSeconds(150)
                            .main(ChurnWorkload.class, "churn", String.valueOf(SERVER_PORT), "2", "90").run();
                } finally {
                    other.destroy();
                    other.waitFor(10, TimeUnit.SECONDS);
                }
                String otherSaid = new String(Files.readAllBytes(otherOutput), StandardCharsets.UTF_8);
                assertEquals(0, jvm.exitCode, jvm::toString);
                assertFalse(jvm.stderr.contains("[portwatch] ERROR"), jvm::toString);

                long failure = Math.min(firstFailure(jvm.stdout, FAILURE), firstFailure(otherSaid, OTHER_FAILURE));
                assertTrue(failure < Long.MAX_VALUE, () -> "no process ran out of ports:\n" + jvm + "\nother: " + otherSaid);

                List<String> lines = Arrays.asList(jvm.stderr.split("\n"));
                int warnAt = lines.indexOf(lines.stream().filter(l -> l.startsWith("[portwatch] WARN port exhaustion ahead"))
                        .findFirst().orElse(null));
                assertTrue(warnAt >= 0, () -> "no warning:\n" + jvm + "\nother: " + otherSaid);
                assertTrue(lines.get(warnAt).contains("tcp_timestamps"), lines.get(warnAt));
                String findings = String.join("\n", lines.subList(warnAt + 1, Math.min(lines.size(), warnAt + 8)));
                assertTrue(findings.contains("[portwatch]   other processes on this host add"),
                        () -> "the warning does not name the other processes' churn: " + lines.get(warnAt) + "\n" + findings);

                List<ReceivedLog> logs = receiver.logs().stream()
                        .filter(l -> "portwatch.port_exhaustion".equals(l.eventName) && "WARN".equals(l.severity))
                        .collect(Collectors.toList());
                assertFalse(logs.isEmpty(), () -> "no warning log record; logs: " + receiver.logs());
                long warnedAt = logs.get(0).timeUnixNanos / 1_000_000;
                System.out.printf(Locale.ROOT, "shared pool: warned %d ms after start, first failure %d ms after"
                        + " start%n", warnedAt - start, failure - start);
                assertTrue(failure - warnedAt >= (failure - start) / 2, () -> "warned at " + (warnedAt - start)
                        + " ms, first failure at " + (failure - start) + " ms (from the start): less than half ahead");
            } finally {
                Files.deleteIfExists(otherOutput);
            }
        }
    }

    /**
     * The cure, the same two processes with TCP timestamps on: {@code tcp_tw_reuse=1} reuses the
     * TIME_WAIT ports of outgoing connections after a second, so the shared pool never runs out,
     * no connect fails and no exhaustion warning comes. 40 s: the incident above warns within
     * its first 15.
     */
    @Test
    void withTimestampsOnTheSharedChurnGetsNoWarning() throws Exception {
        String jdk = ChildJvm.javaHomes().get(0);
        try (NetNs ns = NetNs.create()) {
            ns.portReuse(true, "40000 40299");
            Path otherOutput = Files.createTempFile("portwatch-other-client", ".txt");
            try {
                Process other = new ProcessBuilder("ip", "netns", "exec", ns.name(), "bash", "-c", OTHER_CLIENT)
                        .redirectErrorStream(true).redirectOutput(otherOutput.toFile()).start();
                ChildJvm.Result jvm;
                try {
                    jvm = new ChildJvm(jdk).inNamespace(ns.name()).agentArgs("kernel.interval=500")
                            .timeoutSeconds(100)
                            .main(ChurnWorkload.class, "churn", String.valueOf(SERVER_PORT), "2", "40").run();
                } finally {
                    other.destroy();
                    other.waitFor(10, TimeUnit.SECONDS);
                }
                String otherSaid = new String(Files.readAllBytes(otherOutput), StandardCharsets.UTF_8);
                assertEquals(0, jvm.exitCode, jvm::toString);
                assertFalse(jvm.stdout.contains(FAILURE) || otherSaid.contains(OTHER_FAILURE),
                        () -> "a connect failed with timestamps on:\n" + jvm + "\nother: " + otherSaid);
                assertTrue(jvm.stdout.contains("churn done: "), jvm::toString);
                assertFalse(jvm.stderr.contains("[portwatch] WARN port exhaustion"),
                        () -> "warned with timestamps on:\n" + jvm);
            } finally {
                Files.deleteIfExists(otherOutput);
            }
        }
    }

    /** The time (epoch ms) in a process's first-failure line, or Long.MAX_VALUE when it has none. */
    private static long firstFailure(String output, String prefix) {
        for (String line : output.split("\n")) {
            int at = line.indexOf(prefix);
            if (at >= 0) return Long.parseLong(line.substring(at + prefix.length()).split(" ")[0]);
        }
        return Long.MAX_VALUE;
    }
}
