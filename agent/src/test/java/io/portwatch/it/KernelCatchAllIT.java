package io.portwatch.it;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.workload.HeldConnectionsWorkload;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.portwatch.it.AsyncChannelTrackingIT.clients;
import static io.portwatch.it.AsyncChannelTrackingIT.servers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel catch-all end to end: Netty's epoll transport with its instrumentation switched off
 * ({@code instrument.netty=false}) in a child JVM, connections held across the agent's reads
 * ({@link HeldConnectionsWorkload}); they are still counted, per destination and direction, with
 * {@code portwatch.instrumented=false} and the kernel's closer, and their destination is named
 * once. With the instrumentation on, the same workload is counted by the advice alone.
 */
class KernelCatchAllIT {

    private static final int N = 30;
    private static final int WAVE = 15;
    /**
     * Longer than the reads are apart, with a margin: every connection is listed by one. They are
     * half a second apart here, or 50 times the last read's duration, which a machine busy with
     * other builds stretches to a second or two (at 1.8 s, such a run once counted 10 of 30).
     */
    private static final String HOLD_MILLIS = "4000";
    private static final String UNINSTRUMENTED_ROW = "(not instrumented: seen in the kernel's tables)";

    /** Host TIME_WAITs above which the agent's paced table reads come further apart than a held connection lives. */
    private static final int QUIET_TIME_WAITS = 20_000;

    /**
     * Waits (60 s at most) until the host's TIME_WAITs left by earlier tests have drained below
     * {@link #QUIET_TIME_WAITS}: the agent spaces its table reads by 50 times their duration, and
     * a table of 90,000 rows puts them more than {@link #HOLD_MILLIS} apart, which leaves held
     * connections unseen. The catch-all can only count what a read lists.
     */
    @BeforeAll
    static void quietHost() throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (hostTimeWaits() > QUIET_TIME_WAITS && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
    }

    /** {@code tw} of /proc/net/sockstat; 0 when it cannot be read. */
    private static long hostTimeWaits() throws Exception {
        Path sockstat = Path.of("/proc/net/sockstat");
        if (!Files.isReadable(sockstat)) return 0;
        Matcher m = Pattern.compile("\\btw (\\d+)").matcher(Files.readString(sockstat));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void switchedOffTheClientClosingFirstIsCountedFromTheKernel(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "client-close", "instrument.netty=false");
            int port = serverPort(r);
            assertEquals(List.of(), clients(receiver, port), "no advice: no span");
            assertEquals(List.of(), servers(receiver, port));

            long outgoing = opened(receiver, "outgoing", false);
            long accepted = opened(receiver, "accepted", false);
            assertNear(N, outgoing, "outgoing connections counted by the catch-all", r, receiver);
            assertNear(N, accepted, "accepted connections counted by the catch-all", r, receiver);
            // the client closed first: its side holds the TIME_WAIT; the server's side saw the peer close
            assertNear(N, closed(receiver, "local"), "ends closed by this side (the clients')", r, receiver);
            assertNear(N, closed(receiver, "peer"), "ends closed by the peer (the servers')", r, receiver);
            assertEquals(0, closed(receiver, "unknown") + closed(receiver, "reset"), receiver::everythingReceived);

            assertSaidOnce(r, "uninstrumented TCP connections toward 127.0.0.1:" + port + ":");
            assertSaidOnce(r, "uninstrumented TCP connections accepted on port " + port + ":");
            String line = r.stderr.lines().filter(l -> l.startsWith("[portwatch] summary: uninstrumented connections"
                    + " (no instrumentation reported them; counted from the kernel's tables, instrumented=false): "))
                    .findFirst().orElse("");
            assertTrue(line.contains(outgoing + " toward 127.0.0.1:" + port) && line.contains(accepted + " accepted on port "
                    + port), r::toString);
            // the destination has its port budget too
            assertTrue(r.stderr.contains("summary:   127.0.0.1:" + port + " from 127.0.0.1: at most "), r::toString);
            assertTrue(r.stderr.contains(UNINSTRUMENTED_ROW + " (" + outgoing + " direct, 0 by a pool; closed by local 100%)"),
                    r::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void switchedOffTheServerClosingFirstIsCountedFromTheKernel(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "server-close", "instrument.netty=false");
            long outgoing = opened(receiver, "outgoing", false);
            assertNear(N, outgoing, "outgoing connections counted by the catch-all", r, receiver);
            assertNear(N, opened(receiver, "accepted", false), "accepted connections", r, receiver);
            // the clients' side: closed by the peer, first, without a TIME_WAIT here
            assertTrue(r.stderr.contains(UNINSTRUMENTED_ROW + " (" + outgoing + " direct, 0 by a pool; closed by peer 100%)"),
                    r::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void instrumentedNothingIsCountedTwice(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "client-close", "", "wait");
            int port = serverPort(r);
            assertEquals(N, clients(receiver, port).size(), receiver::everythingReceived);
            assertEquals(N, servers(receiver, port).size(), receiver::everythingReceived);
            assertEquals(N, opened(receiver, "outgoing", true), receiver::everythingReceived);
            assertEquals(0, opened(receiver, "outgoing", false) + opened(receiver, "accepted", false),
                    receiver::everythingReceived);
            assertFalse(r.stderr.contains("uninstrumented"), r::toString);
            assertTrue(r.stderr.contains("summary: " + N + " outgoing and " + N + " accepted TCP connections ended"),
                    r::toString);
        }
    }

    private static ChildJvm.Result run(String jdk, OtlpReceiver receiver, String mode, String agentArgs, String... more)
            throws Exception {
        List<String> args = new ArrayList<>(Arrays.asList(mode, String.valueOf(N), String.valueOf(WAVE), HOLD_MILLIS));
        args.addAll(Arrays.asList(more));
        ChildJvm child = new ChildJvm(jdk).exportTo(receiver)
                .agentArgs((agentArgs.isEmpty() ? "" : agentArgs + ",") + "kernel.interval=500,summary=short");
        List<Path> dirs = NettyEpollTrackingIT.nettyDirs();
        try (Stream<Path> jars = Files.list(dirs.get(dirs.size() - 1))) {
            for (Path jar : jars.sorted().collect(Collectors.toList())) child.classPath(jar);
        }
        ChildJvm.Result r = child.main(HeldConnectionsWorkload.class, args.toArray(new String[0])).run();
        assertEquals(0, r.exitCode, r::toString);
        assertTrue(r.stdout.contains("workload " + mode + " done"), r::toString);
        assertFalse(r.stderr.contains("ERROR") || r.stderr.contains("Exception"), r::toString);
        return r;
    }

    private static int serverPort(ChildJvm.Result r) {
        return Integer.parseInt(r.stdout.replaceAll("(?s).*server port (\\d+).*", "$1"));
    }

    /** The catch-all sees what a read lists: all of them here, as each lives across reads; one or two lost at most. */
    private static void assertNear(long expected, long actual, String what, ChildJvm.Result r, OtlpReceiver receiver) {
        assertTrue(actual >= expected - 2 && actual <= expected,
                () -> what + ": " + actual + " of " + expected + "; " + r + "\n" + receiver.everythingReceived());
    }

    private static void assertSaidOnce(ChildJvm.Result r, String line) {
        Matcher m = Pattern.compile(Pattern.quote(line)).matcher(r.stderr);
        int n = 0;
        while (m.find()) n++;
        assertEquals(1, n, () -> "said once: " + line + "\n" + r);
    }

    /** The last (cumulative) value of the opened counter for a direction, with or without instrumentation. */
    private static long opened(OtlpReceiver receiver, String direction, boolean instrumented) {
        return last(receiver.metrics(), "portwatch.connections.opened", Map.of("portwatch.direction", direction),
                instrumented);
    }

    private static long closed(OtlpReceiver receiver, String closedBy) {
        return last(receiver.metrics(), "portwatch.connections.closed", Map.of("portwatch.closed_by", closedBy), false);
    }

    /**
     * The highest value exported for the points of {@code name} with the attributes {@code match}
     * and, for {@code instrumented == false}, {@code portwatch.instrumented=false} (else without it).
     */
    private static long last(List<Metric> metrics, String name, Map<String, String> match, boolean instrumented) {
        long max = 0;
        for (Metric m : metrics) {
            if (!m.getName().equals(name)) continue;
            for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                Map<String, String> attributes = new HashMap<>();
                for (KeyValue kv : p.getAttributesList()) {
                    attributes.put(kv.getKey(), kv.getValue().hasBoolValue()
                            ? String.valueOf(kv.getValue().getBoolValue()) : kv.getValue().getStringValue());
                }
                boolean uninstrumented = "false".equals(attributes.get("portwatch.instrumented"));
                if (uninstrumented == instrumented) continue;
                if (attributes.entrySet().containsAll(match.entrySet())) max = Math.max(max, p.getAsInt());
            }
        }
        return max;
    }
}
