package io.portwatch.it;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.workload.LoadWorkload;
import io.portwatch.it.workload.SocketWorkload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Load and leaks: many connections in a small heap, many threads at once, a long run. */
class LoadIT {

    @Test
    void aHundredThousandConnectionsIn32Megabytes() throws Exception {
        // The server closes first so the client's ports come free at once (see AgentRobustnessIT).
        String jdk = ChildJvm.javaHomes().get(0);
        ChildJvm.Result r = new ChildJvm(jdk).agentArgs("summary=on").jvmArg("-Xmx32m").timeoutSeconds(240)
                .main(SocketWorkload.class, "server-close", "127.0.0.1", "100000").run();
        assertEquals(0, r.exitCode, r::toString);
        assertEquals("workload server-close done", r.stdout.trim());
        assertFalse(r.stderr.contains("OutOfMemoryError"), r::toString);
        Matcher m = Pattern.compile("summary: (\\d+) outgoing and (\\d+) accepted").matcher(r.stderr);
        assertTrue(m.find(), r::toString);
        System.out.println("100,000 connections, -Xmx32m: " + m.group());
        // Every connection accounted for, or the loss said (events dropped when the agent's
        // threads get too little CPU, rather than slow the application or grow the heap).
        boolean complete = m.group(1).equals("100000") && m.group(2).equals("100000");
        assertTrue(complete || r.stderr.matches("(?s).*WARN summary: [1-9]\\d* events dropped.*"), r::toString);
    }

    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void fiveThousandConnectionsHeldOpenIn48Megabytes(String jdk) throws Exception {
        ChildJvm.Result r = new ChildJvm(jdk).agentArgs("summary=on").jvmArg("-Xmx48m")
                .main(LoadWorkload.class, "hold", "5000").run();
        assertEquals(0, r.exitCode, r::toString);
        assertTrue(r.stdout.contains("holding 5000"), r::toString);
        assertFalse(r.stderr.contains("OutOfMemoryError"), r::toString);
    }

    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void manyPlatformThreadsLoseAndDuplicateNothing(String jdk) throws Exception {
        churnInThreads(jdk, "platform", 32, 50);
    }

    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void manyVirtualThreadsLoseAndDuplicateNothing(String jdk) throws Exception {
        assumeTrue(ChildJvm.featureVersion(jdk) >= 21, "virtual threads need JDK 21+; " + jdk + " is older");
        churnInThreads(jdk, "virtual", 400, 4);
    }

    /**
     * Every connection must arrive once as a client span and once as a server span: counted at the
     * receiver by identity (its client port and its start time).
     */
    private static void churnInThreads(String jdk, String kind, int threads, int each) throws Exception {
        int n = threads * each;
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            // The SDK's batch processor holds 2,048 spans by default and drops the rest of a burst
            // that outruns the export (counted only in its own processedSpans metric): room for all,
            // so that what is counted here is the agent's own chain, tracker to exporter.
            ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver).env("OTEL_BSP_MAX_QUEUE_SIZE", "8192")
                    .main(LoadWorkload.class, "threads", String.valueOf(threads), String.valueOf(each), kind).run();
            assertEquals(0, r.exitCode, r::toString);
            assertTrue(r.stdout.contains("failures 0"), r::toString);
            assertFalse(r.stderr.contains("dropped"), r::toString);
            // The exit hook flushed before the child ended: everything sent is here.
            List<ReceivedSpan> tcp = receiver.spans(s -> s.name.equals("tcp.connection"));
            List<ReceivedSpan> clients = tcp.stream().filter(s -> s.kind == SpanKind.SPAN_KIND_CLIENT).collect(Collectors.toList());
            List<ReceivedSpan> servers = tcp.stream().filter(s -> s.kind == SpanKind.SPAN_KIND_SERVER).collect(Collectors.toList());
            assertEquals(n, clients.size(), "client spans");
            assertEquals(n, servers.size(), "server spans");
            // A connection is its client port and its start: a port comes round again within the run.
            // connect() takes even ports (14,116 in the default range), stepping 9 on average per
            // destination (measured), so 1,600 connections wrap round; the TIME_WAITs they meet
            // there are reused once a second old (tcp_tw_reuse=2, the default, on loopback). A run
            // slowed to 3 s by a busy machine gave 29 client spans whose port an earlier one had.
            java.util.function.Function<ReceivedSpan, Object> client = s -> s.num("network.local.port") + "@" + s.startNanos;
            java.util.function.Function<ReceivedSpan, Object> server = s -> s.num("network.peer.port") + "@" + s.startNanos;
            assertEquals(n, distinct(clients, client).size(), () -> "one client span per connection: " + sharing(clients, client));
            assertEquals(n, distinct(servers, server).size(), () -> "one server span per connection: " + sharing(servers, server));
            assertEquals(distinct(clients, s -> s.num("network.local.port")), distinct(servers, s -> s.num("network.peer.port")));
            assertEquals(2 * n, distinct(tcp, s -> s.spanId).size(), "no span sent twice");
            Map<String, Long> closers = clients.stream().collect(Collectors.groupingBy(
                    s -> s.str("portwatch.closed_by") + " (" + s.str("portwatch.closed_by.source") + ")", Collectors.counting()));
            // The client closes first every time. The kernel's tables confirm it, but a read of them is
            // not atomic: under this churn on a loaded machine a TIME_WAIT row being born while the
            // table is read was missed for up to 1% of the connections (read as reset: both rows
            // gone). Anything else, or more, is a wrong verdict.
            long local = clients.stream().filter(s -> "local".equals(s.str("portwatch.closed_by"))).count();
            long missed = clients.stream().filter(s -> "reset".equals(s.str("portwatch.closed_by"))).count();
            assertEquals(n, local + missed, () -> "closers: " + closers);
            assertTrue(missed <= n / 50, () -> "closers: " + closers);
        }
    }

    /**
     * A 16-span queue against a burst of 3,200 spans: the agent builds no span the queue has no
     * room for, and says so at exit with the exact count: the receiver has every span but the ones
     * the line names, and the queue dropped none.
     */
    @Test
    void spansTheQueueHasNoRoomForAreNotBuiltAndSaid() throws Exception {
        String jdk = ChildJvm.javaHomes().get(0);
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver)
                    .env("OTEL_BSP_MAX_QUEUE_SIZE", "16").env("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "8")
                    .main(LoadWorkload.class, "threads", "32", "50", "platform").run();
            assertEquals(0, r.exitCode, r::toString);
            java.util.regex.Matcher line = Pattern.compile(
                    "\\[portwatch] WARN cannot export (\\d+) of (\\d+) spans: (\\d+) not built, the span queue being full \\([^)]*\\)\n")
                    .matcher(r.stderr);
            assertTrue(line.find(), r::toString);
            long lost = Long.parseLong(line.group(1));
            long all = Long.parseLong(line.group(2));
            long notBuilt = Long.parseLong(line.group(3));
            assertEquals(lost, notBuilt, "nothing lost but the spans not built: " + line.group());
            assertTrue(all >= 3200 && notBuilt > 0, line::group);
            assertEquals(all - notBuilt, receiver.spans().size(), () -> "received: all but the ones not built; " + r.stderr);
        }
    }

    private static Set<Object> distinct(List<ReceivedSpan> spans, java.util.function.Function<ReceivedSpan, Object> key) {
        Set<Object> out = new HashSet<>();
        for (ReceivedSpan s : spans) out.add(key.apply(s));
        return out;
    }

    /** The spans whose key another span has too, by key: what a failed count of distinct keys is about. */
    private static Map<Object, List<ReceivedSpan>> sharing(List<ReceivedSpan> spans,
                                                           java.util.function.Function<ReceivedSpan, Object> key) {
        Map<Object, List<ReceivedSpan>> byKey = spans.stream().collect(Collectors.groupingBy(key));
        byKey.values().removeIf(l -> l.size() < 2);
        return byKey;
    }

    /**
     * A minute of steady churn while exporting: the heap in use after a GC at the end is not above
     * what it was once warm (the second sample, 5 s in), beyond a margin for GC noise.
     */
    @Test
    void aMinuteOfChurnDoesNotGrowTheHeap() throws Exception {
        String jdk = ChildJvm.javaHomes().get(ChildJvm.javaHomes().size() - 1);
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver).jvmArg("-Xmx64m")
                    .main(LoadWorkload.class, "soak", "60").run();
            assertEquals(0, r.exitCode, r::toString);
            List<Long> heap = Pattern.compile("heap kB (\\d+)").matcher(r.stdout).results()
                    .map(m -> Long.parseLong(m.group(1))).collect(Collectors.toList());
            System.out.println("soak on " + jdk + ", heap kB after GC every 5 s: " + heap
                    + "; spans received: " + receiver.spans().size());
            assertTrue(heap.size() >= 10, r::toString);
            long warm = Math.max(heap.get(1), heap.get(2));
            long end = Math.min(heap.get(heap.size() - 1), heap.get(heap.size() - 2));
            assertTrue(end <= warm + 2048, "heap grew from " + warm + " kB to " + end + " kB: " + heap);
            assertTrue(receiver.spans().size() > 10_000, "the soak exported its spans");
        }
    }
}
