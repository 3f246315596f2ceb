package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.FaultyCollector;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.workload.TimedChurnWorkload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A collector that refuses connections, hangs (accepts, never answers) or answers slowly costs the
 * application no throughput, no unbounded memory, no more than a few stderr lines, and no wait at
 * exit. Throughput is printed against a working collector and against no agent, not asserted:
 * these short back-to-back runs differ by 20% on two shared cores. The throughput promise is
 * asserted by {@code CollectorFaultThroughputIT} (module benchmarks), whose children take turns.
 */
class CollectorFaultsIT {

    enum Fault { REFUSED, HANGING, SLOW }

    private static final int CONNECTIONS = 1500;
    private static final int ROUNDS = 3;
    /**
     * The exit hook has 5 s in all (Agent.FLUSH_MILLIS), which a collector that refuses or hangs
     * uses up; add the JVM's own exit on a loaded machine. A bound, not a wait for the collector's
     * own timeouts (10 s per attempt, retries with backoff).
     */
    private static final long MAX_EXIT_MILLIS = 8_000;
    private static final long MAX_EXTRA_HEAP_KB = 16 * 1024;
    /**
     * How long the application idles after its churn so that the first export to a refusing
     * collector has failed, retries included (the exporter's default: 5 attempts, backoff from 1 s;
     * measured: the failure is said about 10 s after start-up).
     */
    private static final long KNOWN_DOWN_AFTER_MILLIS = 15_000;
    /** Half a second for the export, and the JVM's own exit on a loaded machine. */
    private static final long MAX_EXIT_KNOWN_DOWN_MILLIS = 2_500;

    /** What one child measured. */
    static final class Run {
        final ChildJvm.Result result;
        final double rate;
        final long heapKb;
        final long exitMillis;

        Run(ChildJvm.Result result, long exitedAt) {
            this.result = result;
            this.rate = Double.parseDouble(figure(result, "connections per second: (\\d+)"));
            this.heapKb = Long.parseLong(figure(result, "heap used after gc kB: (\\d+)"));
            this.exitMillis = exitedAt - Long.parseLong(figure(result, "main returns at ms: (\\d+)"));
        }

        private static String figure(ChildJvm.Result r, String regex) {
            Matcher m = Pattern.compile(regex).matcher(r.stdout);
            if (!m.find()) throw new AssertionError("no '" + regex + "' in\n" + r);
            return m.group(1);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.0f connections/s, heap after gc %d kB, exit %d ms after main",
                    rate, heapKb, exitMillis);
        }
    }

    /**
     * On the first JDK: no agent, working and faulty collectors alternated, mirrored (none,
     * working, refused, hanging, slow, slow, hanging, refused, working, none) so that the
     * neighbours' drift hits all alike. Heap, stderr and exit time are asserted; the throughput
     * ratios (best against best) are printed, not asserted: on two shared cores a timed assertion
     * fails on noise (a CI run once read 0.67 for the hanging collector, 0.92 to 1.14 in every
     * other run), and throughput belongs to the benchmarks.
     */
    @Test
    void aFaultyCollectorIsHarmless() throws Exception {
        String jdk = ChildJvm.javaHomes().get(0);
        Map<Fault, List<Run>> faulty = new EnumMap<>(Fault.class);
        List<Run> working = new ArrayList<>();
        List<Run> noAgent = new ArrayList<>();
        try (OtlpReceiver receiver = new OtlpReceiver(); Collector refused = collector(Fault.REFUSED);
             Collector hanging = collector(Fault.HANGING); Collector slow = collector(Fault.SLOW)) {
            Map<Fault, Collector> collectors = new EnumMap<>(Fault.class);
            collectors.put(Fault.REFUSED, refused);
            collectors.put(Fault.HANGING, hanging);
            collectors.put(Fault.SLOW, slow);
            noAgent.add(run(jdk, null));
            working.add(run(jdk, receiver.endpoint()));
            for (Fault f : Fault.values()) faulty.computeIfAbsent(f, k -> new ArrayList<>()).add(run(jdk, collectors.get(f).endpoint));
            List<Fault> reversed = new ArrayList<>(Arrays.asList(Fault.values()));
            Collections.reverse(reversed);
            for (Fault f : reversed) faulty.get(f).add(run(jdk, collectors.get(f).endpoint));
            working.add(run(jdk, receiver.endpoint()));
            noAgent.add(run(jdk, null));
            assertTrue(!receiver.spans().isEmpty(), "the working receiver got spans");
        }
        double workingRate = working.stream().mapToDouble(r -> r.rate).max().getAsDouble();
        long workingHeap = working.stream().mapToLong(r -> r.heapKb).max().getAsLong();
        double noAgentRate = noAgent.stream().mapToDouble(r -> r.rate).max().getAsDouble();
        System.out.println("no agent on " + jdk + ": " + noAgent);
        System.out.printf(Locale.ROOT, "working collector: throughput ratio to no agent %.2f; %s%n", workingRate / noAgentRate, working);
        for (Fault f : Fault.values()) {
            double best = faulty.get(f).stream().mapToDouble(r -> r.rate).max().getAsDouble();
            System.out.printf(Locale.ROOT, "%s collector: throughput ratio %.2f to a working collector, %.2f to no agent; %s%n",
                    f, best / workingRate, best / noAgentRate, faulty.get(f));
            for (Run r : faulty.get(f)) assertHarmless(r, workingHeap);
        }
    }

    /** On the other JDKs, the worst fault once: the same promises but throughput (measured above). */
    @ParameterizedTest(allowZeroInvocations = true)
    @MethodSource("otherJdks")
    void aHangingCollectorIsHarmlessOnEveryJdk(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver(); Collector hanging = collector(Fault.HANGING)) {
            Run w = run(jdk, receiver.endpoint());
            Run f = run(jdk, hanging.endpoint);
            System.out.printf(Locale.ROOT, "on %s: working: %s; hanging: %s%n", jdk, w, f);
            assertHarmless(f, w.heapKb);
        }
    }

    /**
     * A JVM that ran long enough for its collector to be known to be down (its first export has
     * failed, and said so) does not wait out the exporter's retries at exit: the export gets half
     * a second (Telemetry.FAILING_COLLECTOR_MILLIS), not the exit's 5 s.
     */
    @Test
    void aCollectorKnownToBeDownDoesNotDelayTheExit() throws Exception {
        try (Collector refused = collector(Fault.REFUSED)) {
            Run r = run(ChildJvm.javaHomes().get(0), refused.endpoint, String.valueOf(KNOWN_DOWN_AFTER_MILLIS));
            System.out.println("refusing collector known to be down: " + r);
            assertTrue(r.result.stderr.contains("[portwatch] ERROR cannot export spans"),
                    () -> "the failure was known before the exit: " + r.result);
            assertHarmless(r, Long.MAX_VALUE / 2); // the heap is compared in the test above
            assertTrue(r.exitMillis <= MAX_EXIT_KNOWN_DOWN_MILLIS, () -> "exit took " + r.exitMillis + " ms: " + r.result);
        }
    }

    /**
     * A JVM that opened no connection has nothing of ours to flush: a collector that is down
     * does not hold its exit for the exporter's retries (it held it 5 s).
     */
    @Test
    void aJvmThatRecordedNothingDoesNotWaitForACollectorThatIsDown() throws Exception {
        try (Collector refused = collector(Fault.REFUSED)) {
            ChildJvm.Result result = new ChildJvm(ChildJvm.javaHomes().get(0))
                    .env("OTEL_EXPORTER_OTLP_ENDPOINT", refused.endpoint)
                    .main(TimedChurnWorkload.class, "0", "1").run();
            Run r = new Run(result, System.currentTimeMillis());
            System.out.println("no connection, refusing collector: " + r);
            assertEquals(0, result.exitCode, result::toString);
            assertTrue(r.exitMillis <= MAX_EXIT_KNOWN_DOWN_MILLIS, () -> "exit took " + r.exitMillis + " ms: " + result);
        }
    }

    static Stream<String> otherJdks() {
        return ChildJvm.javaHomes().stream().skip(1);
    }

    private static void assertHarmless(Run f, long workingHeapKb) {
        ChildJvm.Result r = f.result;
        assertEquals(0, r.exitCode, r::toString);
        List<String> lines = AgentRobustnessIT.lines(r.stderr);
        assertEquals(AgentRobustnessIT.portwatchLines(r.stderr).size(), lines.size(), () -> "no stack traces: " + r);
        List<String> exportLines = lines.stream().filter(l -> l.contains("export")).collect(Collectors.toList());
        assertTrue(exportLines.size() <= 3, () -> "a few lines about the collector at most: " + r);
        assertTrue(f.exitMillis <= MAX_EXIT_MILLIS, () -> "exit took " + f.exitMillis + " ms: " + r);
        assertTrue(f.heapKb <= workingHeapKb + MAX_EXTRA_HEAP_KB,
                () -> "heap after gc " + f.heapKb + " kB against " + workingHeapKb + " kB with a working collector");
    }

    /** A child churning with the agent exporting to {@code endpoint}; null: without the agent. */
    private static Run run(String jdk, String endpoint, String... idleMillis) throws Exception {
        // A span for every connection: the flood that a faulty collector must not turn into harm.
        ChildJvm child = new ChildJvm(jdk).jvmArg("-Xmx64m").env("PORTWATCH_SPANS", "all");
        if (endpoint == null) {
            child.withoutAgent();
        } else {
            child.env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
        }
        child.env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
                .env("OTEL_BSP_SCHEDULE_DELAY", "200")
                .env("OTEL_METRIC_EXPORT_INTERVAL", "1000")
                .env("OTEL_BLRP_SCHEDULE_DELAY", "200")
                .main(TimedChurnWorkload.class, concat(String.valueOf(CONNECTIONS), String.valueOf(ROUNDS), idleMillis));
        ChildJvm.Result result = child.run();
        return new Run(result, System.currentTimeMillis());
    }

    private static String[] concat(String a, String b, String... more) {
        List<String> all = new ArrayList<>(Arrays.asList(a, b));
        all.addAll(Arrays.asList(more));
        return all.toArray(new String[0]);
    }

    /** A collector with the fault, and its endpoint. */
    static final class Collector implements AutoCloseable {
        final String endpoint;
        final AutoCloseable server;

        Collector(String endpoint, AutoCloseable server) {
            this.endpoint = endpoint;
            this.server = server;
        }

        @Override
        public void close() throws Exception {
            if (server != null) server.close();
        }
    }

    private static Collector collector(Fault fault) throws Exception {
        switch (fault) {
            case REFUSED:
                try (ServerSocket probe = new ServerSocket(0)) {
                    return new Collector("http://127.0.0.1:" + probe.getLocalPort(), null);
                }
            case HANGING: {
                FaultyCollector c = new FaultyCollector(FaultyCollector.Fault.HANG, 0);
                return new Collector(c.endpoint(), c);
            }
            default: {
                FaultyCollector c = new FaultyCollector(FaultyCollector.Fault.SLOW, 2_000);
                return new Collector(c.endpoint(), c);
            }
        }
    }
}
