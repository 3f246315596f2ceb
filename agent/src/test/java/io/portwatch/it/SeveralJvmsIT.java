package io.portwatch.it;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.NetNs;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedLog;
import io.portwatch.it.workload.ChurnWorkload;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two JVMs with the agent on one host (a network namespace with 300 ephemeral ports, reuse defeated
 * by {@code tcp_timestamps=0}) churning toward one server: the first serves and makes 2 connections
 * a second, the second 3.5. Each alone is sustainable (120 and 210 TIME_WAITs); together (330) they
 * run out after about 55 s. Each JVM must warn, stderr line and log record, at least half the time
 * to exhaustion ahead of the first failed connect in either, with the host's figures (the same
 * capacity, the rate of both), say the other process's share, and export its gauges under the same
 * {@code portwatch.netns}. Beside it, in a second namespace, the cure ({@code tcp_timestamps=1}) runs
 * the same pair for 40 s: no warning. The clients keep each connection open for half a second (a
 * request's time), so that the reads can find the other JVM's open ports and name it.
 *
 * <p>Runs on the first JDK only: both runs take about a minute, and the JDKs add nothing here that
 * {@link SharedPortsIT} and {@link KernelNamespaceIT} do not cover on each. Needs root and {@code ip netns}.
 */
class SeveralJvmsIT {

    private static final int SERVER_PORT = 7000;
    private static final String FAILURE = "churn FIRST FAILURE at ";
    private static final String WARNING = "[portwatch] WARN port exhaustion ahead";
    private static final Pattern FIGURES = Pattern.compile("of (\\d+) ports used \\(\\d+ in TIME_WAIT\\), ([0-9.]+) new connections/s");

    /** One JVM of a pair: its process, where its output goes, and the receiver of its telemetry. */
    private static final class Member implements AutoCloseable {
        final OtlpReceiver receiver;
        final Path stdout;
        final Path stderr;
        Process process;

        Member(NetNs ns) throws Exception {
            receiver = new OtlpReceiver(ns.hostAddress());
            stdout = Files.createTempFile("portwatch-jvm", ".out");
            stderr = Files.createTempFile("portwatch-jvm", ".err");
        }

        Member start(String jdk, NetNs ns, String mode, double rate, int seconds) throws Exception {
            process = new ChildJvm(jdk).inNamespace(ns.name()).agentArgs("kernel.interval=500").exportTo(receiver)
                    .main(ChurnWorkload.class, mode, String.valueOf(SERVER_PORT), String.valueOf(rate),
                            String.valueOf(seconds), "500")
                    .start(stdout, stderr);
            return this;
        }

        void awaitExit(long seconds) throws Exception {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                throw new AssertionError("a JVM did not finish within " + seconds + " s:\n" + this);
            }
        }

        String out() throws Exception {
            return Files.readString(stdout);
        }

        String err() throws Exception {
            return Files.readString(stderr);
        }

        @Override
        public String toString() {
            try {
                return "pid " + process.pid() + " exit " + (process.isAlive() ? "-" : process.exitValue())
                        + "\n--- stdout\n" + out() + "\n--- stderr\n" + err();
            } catch (Exception e) {
                return e.toString();
            }
        }

        @Override
        public void close() throws Exception {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            receiver.close();
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    @Test
    void eachJvmWarnsAheadAboutTheSharedPoolAndTheCureDoesNot() throws Exception {
        String jdk = ChildJvm.javaHomes().get(0);
        try (NetNs ns = NetNs.create(); NetNs cureNs = NetNs.create()) {
            ns.portReuse(false, "40000 40299");
            cureNs.portReuse(true, "40000 40299");
            try (Member a = new Member(ns); Member b = new Member(ns);
                 Member cureA = new Member(cureNs); Member cureB = new Member(cureNs)) {
                long start = System.currentTimeMillis();
                a.start(jdk, ns, "churn", 2, 80);
                b.start(jdk, ns, "churn-client", 3.5, 80);
                cureA.start(jdk, cureNs, "churn", 2, 40);
                cureB.start(jdk, cureNs, "churn-client", 3.5, 40);
                for (Member m : List.of(a, b, cureA, cureB)) m.awaitExit(110);

                long failure = Math.min(firstFailure(a.out()), firstFailure(b.out()));
                assertTrue(failure < Long.MAX_VALUE, () -> "no JVM ran out of ports:\n" + a + "\n" + b);
                Set<String> netns = new HashSet<>();
                List<Double> rates = new ArrayList<>();
                for (Member m : List.of(a, b)) {
                    Member other = m == a ? b : a;
                    assertFalse(m.err().contains("[portwatch] ERROR"), m::toString);
                    List<String> lines = Arrays.asList(m.err().split("\n"));
                    int at = indexOf(lines, WARNING);
                    assertTrue(at >= 0, () -> "no warning:\n" + m);
                    String headline = lines.get(at);
                    Matcher f = FIGURES.matcher(headline);
                    assertTrue(f.find(), headline);
                    assertEquals("300", f.group(1), headline);
                    rates.add(Double.parseDouble(f.group(2)));
                    String findings = String.join("\n", lines.subList(at + 1, Math.min(lines.size(), at + 10)));
                    assertTrue(findings.contains("[portwatch]   other processes on this host add"),
                            () -> "the warning does not give the other JVM's share: " + headline + "\n" + findings);
                    String said = lines.stream().filter(l -> l.startsWith("[portwatch]")).collect(Collectors.joining("\n"));
                    String otherName = "process " + other.process.pid() + " (java)";
                    System.out.println("pid " + m.process.pid() + " warned: " + headline + "\n" + findings
                            + "\nnames " + otherName + ": " + said.contains(otherName));
                    // Each client keeps its connections open half a second, so a read finds the other's.
                    assertTrue(said.contains(otherName), () -> "the other JVM is not named (" + otherName + "):\n" + said);

                    List<ReceivedLog> logs = m.receiver.logs().stream()
                            .filter(l -> "portwatch.port_exhaustion".equals(l.eventName) && "WARN".equals(l.severity))
                            .collect(Collectors.toList());
                    assertFalse(logs.isEmpty(), () -> "no warning log record from pid " + m.process.pid());
                    long warnedAt = logs.get(0).timeUnixNanos / 1_000_000;
                    System.out.printf(Locale.ROOT, "pid %d warned %d ms after start, first failure %d ms after start%n",
                            m.process.pid(), warnedAt - start, failure - start);
                    assertTrue(failure - warnedAt >= (failure - start) / 2, () -> "pid " + m.process.pid()
                            + " warned at " + (warnedAt - start) + " ms, the first failure at " + (failure - start)
                            + " ms (from the start): less than half ahead");
                    assertTrue(logs.get(0).body.contains("other processes on this host add"), logs.get(0).body);
                    netns.addAll(netnsOf(m.receiver.metrics(), "portwatch.ports.used"));
                }
                // The host's rate in both, not either JVM's own (2 or 3.5 a second).
                for (double r : rates) assertTrue(r > 4.0 && r < 7.5, () -> "rates said: " + rates);
                assertEquals(1, netns.size(), () -> "one namespace, one label value: " + netns);

                for (Member m : List.of(cureA, cureB)) {
                    assertFalse(m.err().contains("port exhaustion"), () -> "the cure warned:\n" + m);
                    assertEquals(Long.MAX_VALUE, firstFailure(m.out()), m::toString);
                    assertTrue(m.out().contains("churn done:"), m::toString);
                }
            }
        }
    }

    /** The {@code portwatch.netns} values of a gauge's data points. */
    private static Set<String> netnsOf(List<Metric> metrics, String name) {
        Set<String> out = new HashSet<>();
        for (Metric m : metrics) {
            if (!m.getName().equals(name)) continue;
            m.getGauge().getDataPointsList().forEach(p -> {
                for (KeyValue kv : p.getAttributesList()) {
                    if (kv.getKey().equals("portwatch.netns")) out.add(kv.getValue().getStringValue());
                }
            });
        }
        return out;
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) return i;
        }
        return -1;
    }

    /** The time (epoch ms) in a JVM's first-failure line, or Long.MAX_VALUE when it has none. */
    private static long firstFailure(String output) {
        for (String line : output.split("\n")) {
            int at = line.indexOf(FAILURE);
            if (at >= 0) return Long.parseLong(line.substring(at + FAILURE.length()).split(" ")[0]);
        }
        return Long.MAX_VALUE;
    }
}
