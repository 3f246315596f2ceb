package io.portwatch.it;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.NetNs;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedLog;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.workload.ChurnWorkload;
import io.portwatch.it.workload.SocketWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The port budget against a real kernel: each test makes its own network namespace
 * ({@link NetNs}, as root; skipped otherwise) with its own {@code ip_local_port_range},
 * {@code tcp_timestamps} and {@code tcp_tw_reuse}, runs a child JVM with the agent inside it, and
 * reads what the child exported through a receiver on the host end of a veth pair. Runs once per
 * configured JDK.
 *
 * <p>The arithmetic: 300 ephemeral ports, 30 client-closed connections per second toward one
 * destination. Without TIME_WAIT reuse each port stays taken 60 s, so the pool lasts about
 * 300 / 30 = 10 s; with reuse (timestamps on) a port is free again after about 1 s, so 30 ports
 * suffice.
 */
class KernelNamespaceIT {

    private static final Duration WAIT = Duration.ofSeconds(15);
    /** The churn's server port: outside the ephemeral range, so it takes nothing from the pool. */
    private static final int SERVER_PORT = 7000;
    private static final String RANGE = "40000 40299";
    private static final int RANGE_PORTS = 300;
    private static final double RATE = 30;
    private static final String AGENT_ARGS = "kernel.interval=500,summary=on";
    private static final String FAILURE = "churn FIRST FAILURE at ";

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    /**
     * The incident: timestamps off, reuse on (so ineffective), a narrow range, steady churn. The
     * agent must warn (stderr and an OTel log record) before the first connect fails, and name
     * tcp_timestamps; the failure is an EADDRNOTAVAIL error span; doctor fails and says why.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void timestampsOffExhaustsPortsAndIsWarnedAhead(String jdk) throws Exception {
        try (NetNs ns = NetNs.create()) {
            ns.portReuse(false, RANGE);
            try (OtlpReceiver receiver = new OtlpReceiver(ns.hostAddress())) {
                // 40 s would be 1200 connections: four times the range, so it must fail long before.
                ChildJvm.Result result = churn(jdk, ns, receiver, 40);
                assertEquals(0, result.exitCode, result::toString);
                assertNoAgentErrors(result);

                List<String> lines = Arrays.asList(result.stderr.split("\n"));
                int failureAt = indexOf(lines, l -> l.startsWith(FAILURE));
                assertTrue(failureAt >= 0, () -> "the churn never ran out of ports:\n" + result);
                String failureLine = lines.get(failureAt);
                assertTrue(failureLine.contains("Cannot assign requested address"), failureLine);
                long failureMillis = Long.parseLong(failureLine.substring(FAILURE.length()).split(" ")[0]);
                long opened = Long.parseLong(failureLine.replaceAll(".* after (\\d+) connections.*", "$1"));
                // The pool is the range; a handful of ports may go to other sockets of the namespace.
                assertTrue(opened > RANGE_PORTS - 20 && opened <= RANGE_PORTS,
                        () -> "failed after " + opened + " connections, not at the end of the " + RANGE_PORTS
                                + "-port range:\n" + result);

                int warnAt = indexOf(lines, l -> l.startsWith("[portwatch] WARN") && l.contains("port exhaustion"));
                assertTrue(warnAt >= 0, () -> "no exhaustion warning on stderr:\n" + result);
                assertTrue(warnAt < failureAt, () -> "the warning came after the first failure:\n" + result);
                assertTrue(lines.get(warnAt).contains("tcp_timestamps"),
                        () -> "the advice does not name tcp_timestamps: " + lines.get(warnAt));
                assertTrue(lines.get(warnAt).contains("127.0.0.1:" + SERVER_PORT), lines.get(warnAt));
                assertTrue(lines.get(warnAt).length() <= 220, () -> "a headline, not a paragraph: " + lines.get(warnAt));
                // the code as well as the host setting, from the first warning on, on the lines below it
                String findings = String.join("\n", lines.subList(warnAt + 1, Math.min(lines.size(), warnAt + 8)));
                assertTrue(findings.contains("[portwatch]   opened at io.portwatch.it.workload.ChurnWorkload.churn(ChurnWorkload.java:"),
                        () -> "the warning does not name the code: " + lines.get(warnAt) + "\n" + findings);

                List<ReceivedLog> warnings = receiver.awaitLogs(
                        l -> "portwatch.port_exhaustion".equals(l.eventName) && "WARN".equals(l.severity), WAIT);
                assertFalse(warnings.isEmpty(), () -> "no portwatch.port_exhaustion log record with severity WARN; logs: "
                        + receiver.logs());
                ReceivedLog w = warnings.get(0);
                assertTrue(w.timeUnixNanos > 0, w::toString);
                assertTrue(w.timeUnixNanos / 1_000_000 < failureMillis, () -> "log record at "
                        + w.timeUnixNanos / 1_000_000 + " ms, first failure at " + failureMillis + " ms: " + w);
                assertTrue(w.receivedMillis < failureMillis, () -> "log record received at " + w.receivedMillis
                        + " ms, first failure at " + failureMillis + " ms: " + w);
                assertTrue(String.valueOf(w.attributes.get("portwatch.advice")).contains("tcp_timestamps"), w::toString);
                assertTrue(String.valueOf(w.attributes.get("portwatch.call_site")).startsWith(
                        "io.portwatch.it.workload.ChurnWorkload.churn(ChurnWorkload.java:"), w::toString);
                assertEquals("raised", w.attributes.get("portwatch.warning.state"), w::toString);
                assertEquals(SERVER_PORT, ((Long) w.attributes.get("server.port")).intValue(), w::toString);
                System.out.printf("%s: exhaustion warning emitted %d ms, received %d ms before the first failure"
                        + " (after %d connections)%n", jdk, failureMillis - w.timeUnixNanos / 1_000_000,
                        failureMillis - w.receivedMillis, opened);

                List<ReceivedSpan> failed = receiver.awaitSpans(s -> s.name.equals("tcp.connection")
                        && s.status == StatusCode.STATUS_CODE_ERROR, 1, WAIT);
                assertEquals(1, failed.size(), () -> "error spans: " + failed);
                ReceivedSpan f = failed.get(0);
                assertEquals("EADDRNOTAVAIL", f.str("error.type"), f::toString);
                assertEquals(SpanKind.SPAN_KIND_CLIENT, f.kind, f::toString);
                assertEquals((long) SERVER_PORT, f.num("server.port"), f::toString);
            }

            ChildJvm.Result doctor = new ChildJvm(jdk).withoutAgent().inNamespace(ns.name())
                    .jar(ChildJvm.agentJar().toAbsolutePath(), "doctor").timeoutSeconds(60).run();
            assertNotEquals(0, doctor.exitCode, doctor::toString);
            assertTrue((doctor.stdout + doctor.stderr).contains("tcp_timestamps"), doctor::toString);
            assertTrue(doctor.stdout.matches("(?s).*FAIL\\s+tcp_timestamps.*"), doctor::toString);
        }
    }

    /**
     * The cure: timestamps on, reuse on, the same range and load. Twice as many connections as the
     * range has ports must all succeed, with no warning.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void timestampsOnReuseKeepsUpWithoutWarning(String jdk) throws Exception {
        try (NetNs ns = NetNs.create()) {
            ns.portReuse(true, RANGE);
            try (OtlpReceiver receiver = new OtlpReceiver(ns.hostAddress())) {
                double seconds = 20; // 600 connections: without reuse the range would run out at ~10 s
                int expected = (int) (RATE * seconds);
                ChildJvm.Result result = churn(jdk, ns, receiver, seconds);
                assertEquals(0, result.exitCode, result::toString);
                assertNoAgentErrors(result);
                assertFalse(result.stderr.contains(FAILURE), result::toString);
                assertTrue(result.stdout.contains("churn done: " + expected + " connections, 0 failures"), result::toString);
                assertFalse(result.stderr.contains("port exhaustion"), result::toString);

                List<ReceivedSpan> clients = receiver.awaitSpans(s -> s.name.equals("tcp.connection")
                        && s.kind == SpanKind.SPAN_KIND_CLIENT && Long.valueOf(SERVER_PORT).equals(s.num("server.port")),
                        expected, WAIT);
                assertEquals(expected, clients.size(), "client spans");
                assertTrue(clients.stream().noneMatch(s -> s.status == StatusCode.STATUS_CODE_ERROR),
                        () -> "error spans: " + clients.stream().filter(s -> s.status == StatusCode.STATUS_CODE_ERROR)
                                .collect(Collectors.toList()));
                Set<Object> ports = distinct(clients, "network.local.port");
                assertTrue(ports.size() <= RANGE_PORTS, "more local ports than the range holds: " + ports.size());
                assertTrue(ports.stream().allMatch(p -> (Long) p >= 40000 && (Long) p <= 40299), () -> "ports " + ports);
                // The client closed first every time: each connection left its TIME_WAIT here, then
                // connect() took the port over again (600 connections from 300 ports). A TIME_WAIT
                // already taken over when the kernel was read cannot be confirmed: such a span keeps
                // the JVM's "local", unconfirmed, and says nothing of a TIME_WAIT; it never says otherwise.
                List<ReceivedSpan> notLocal = clients.stream().filter(s -> !"local".equals(s.str("portwatch.closed_by"))
                        || (!Boolean.TRUE.equals(s.attributes.get("portwatch.time_wait"))
                            && !("jvm".equals(s.str("portwatch.closed_by.source")) && s.attributes.get("portwatch.time_wait") == null)))
                        .collect(Collectors.toList());
                assertEquals(List.of(), notLocal, "client spans not closed_by=local with time_wait=true (or unconfirmed)");
                long unconfirmed = clients.stream().filter(s -> "jvm".equals(s.str("portwatch.closed_by.source"))).count();
                assertTrue(unconfirmed <= expected / 20, () -> unconfirmed + " of " + expected + " unconfirmed");

                Thread.sleep(500); // a warning would have been sent with the last batch; be sure it is in
                List<ReceivedLog> warnings = receiver.logs().stream()
                        .filter(l -> "portwatch.port_exhaustion".equals(l.eventName)).collect(Collectors.toList());
                assertEquals(List.of(), warnings, "exhaustion warnings");
                assertTrue(receiver.spans(s -> s.name.equals("portwatch.port_exhaustion")).isEmpty());
            }
        }
    }

    /**
     * Sockets bound before connect: their ports come from bind(), one pool for the local address,
     * and bind() never takes a port in TIME_WAIT. With the cure's settings (timestamps on, reuse
     * on), that churn still runs out of ports, and the agent says so ahead, naming bind().
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void bindBeforeConnectExhaustsDespiteReuseAndIsWarnedAhead(String jdk) throws Exception {
        try (NetNs ns = NetNs.create()) {
            ns.portReuse(true, RANGE);
            try (OtlpReceiver receiver = new OtlpReceiver(ns.hostAddress())) {
                ChildJvm.Result result = new ChildJvm(jdk).inNamespace(ns.name()).agentArgs(AGENT_ARGS)
                        .exportTo(receiver).timeoutSeconds(100)
                        .main(ChurnWorkload.class, "churn-bound", String.valueOf(SERVER_PORT), String.valueOf(RATE), "40")
                        .run();
                assertEquals(0, result.exitCode, result::toString);
                assertNoAgentErrors(result);
                List<String> lines = Arrays.asList(result.stderr.split("\n"));
                int failureAt = indexOf(lines, l -> l.startsWith(FAILURE));
                assertTrue(failureAt >= 0, () -> "bind() never ran out of ports:\n" + result);
                assertTrue(lines.get(failureAt).contains("Address already in use"), lines.get(failureAt));
                int warnAt = indexOf(lines, l -> l.startsWith("[portwatch] WARN") && l.contains("port exhaustion"));
                assertTrue(warnAt >= 0 && warnAt < failureAt, () -> "no warning before the failure:\n" + result);
                assertTrue(lines.get(warnAt).contains("bind() before connect()"), lines.get(warnAt));

                List<ReceivedSpan> bound = receiver.awaitSpans(s -> s.name.equals("tcp.connection")
                        && s.kind == SpanKind.SPAN_KIND_CLIENT && s.status != StatusCode.STATUS_CODE_ERROR, 50, WAIT);
                assertTrue(bound.size() >= 50, () -> "client spans: " + bound.size());
                assertTrue(bound.stream().allMatch(s -> Boolean.TRUE.equals(s.attributes.get("portwatch.bound_before_connect"))),
                        () -> "spans without portwatch.bound_before_connect: " + bound);
            }
        }
    }

    /**
     * A server that closes first: the TIME_WAIT is the server's. The client's spans say closed by
     * the peer, no TIME_WAIT; the accepted side's say closed locally, TIME_WAIT here; the kernel's
     * table agrees.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void serverClosingFirstHoldsTheTimeWait(String jdk) throws Exception {
        try (NetNs ns = NetNs.create()) {
            try (OtlpReceiver receiver = new OtlpReceiver(ns.hostAddress())) {
                int n = 10;
                ChildJvm.Result result = new ChildJvm(jdk).inNamespace(ns.name()).agentArgs(AGENT_ARGS)
                        .exportTo(receiver).timeoutSeconds(90)
                        .main(SocketWorkload.class, "server-close", "127.0.0.1", String.valueOf(n)).run();
                Set<Integer> kernelTimeWait = ns.timeWaitPorts();
                assertEquals(0, result.exitCode, result::toString);
                assertTrue(result.stdout.contains("workload server-close done"), result::toString);
                assertNoAgentErrors(result);

                List<ReceivedSpan> clients = receiver.awaitSpans(s -> s.name.equals("tcp.connection")
                        && s.kind == SpanKind.SPAN_KIND_CLIENT, n, WAIT);
                List<ReceivedSpan> servers = receiver.awaitSpans(s -> s.name.equals("tcp.connection")
                        && s.kind == SpanKind.SPAN_KIND_SERVER, n, WAIT);
                assertEquals(n, clients.size(), () -> "spans: " + receiver.spans());
                assertEquals(n, servers.size(), () -> "spans: " + receiver.spans());
                for (ReceivedSpan c : clients) {
                    assertEquals("peer", c.str("portwatch.closed_by"), c::toString);
                    assertEquals(Boolean.FALSE, c.attributes.get("portwatch.time_wait"), c::toString);
                }
                for (ReceivedSpan s : servers) {
                    assertEquals("local", s.str("portwatch.closed_by"), s::toString);
                    assertEquals(Boolean.TRUE, s.attributes.get("portwatch.time_wait"), s::toString);
                }
                assertAgreesWithKernel(clients, kernelTimeWait);
                assertAgreesWithKernel(servers, kernelTimeWait);
            }
        }
    }

    /**
     * Every connection of a mixed run (client closes, server closes, SO_LINGER 0), both sides:
     * {@code portwatch.time_wait} is present and true exactly when the kernel holds that 4-tuple
     * in TIME_WAIT on the span's side, read from the namespace's tables right after the child
     * exits; closed_by=local exactly then; the linger ones say reset.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void closerAndTimeWaitAgreeWithTheKernel(String jdk) throws Exception {
        try (NetNs ns = NetNs.create()) {
            try (OtlpReceiver receiver = new OtlpReceiver(ns.hostAddress())) {
                int rounds = 20;
                ChildJvm.Result result = new ChildJvm(jdk).inNamespace(ns.name()).agentArgs(AGENT_ARGS)
                        .exportTo(receiver).timeoutSeconds(90)
                        .main(ChurnWorkload.class, "mixed", String.valueOf(SERVER_PORT), String.valueOf(rounds)).run();
                Set<Integer> kernelTimeWait = ns.timeWaitPorts();
                assertEquals(0, result.exitCode, result::toString);
                assertTrue(result.stdout.contains("workload mixed done"), result::toString);
                assertNoAgentErrors(result);

                Map<Long, Character> kindByClientPort = new HashMap<>();
                Matcher m = Pattern.compile("conn ([CSL]) (\\d+)").matcher(result.stdout);
                while (m.find()) {
                    Character previous = kindByClientPort.put(Long.parseLong(m.group(2)), m.group(1).charAt(0));
                    if (previous != null) fail("client port " + m.group(2) + " used twice, the kernel table would be ambiguous");
                }
                assertEquals(3 * rounds, kindByClientPort.size(), result::toString);

                List<ReceivedSpan> clients = receiver.awaitSpans(s -> s.name.equals("tcp.connection")
                        && s.kind == SpanKind.SPAN_KIND_CLIENT, 3 * rounds, WAIT);
                List<ReceivedSpan> servers = receiver.awaitSpans(s -> s.name.equals("tcp.connection")
                        && s.kind == SpanKind.SPAN_KIND_SERVER, 3 * rounds, WAIT);
                assertEquals(3 * rounds, clients.size(), () -> "spans: " + receiver.spans());
                assertEquals(3 * rounds, servers.size(), () -> "spans: " + receiver.spans());

                assertAgreesWithKernel(clients, kernelTimeWait);
                assertAgreesWithKernel(servers, kernelTimeWait);

                // And with what the workload did. The kernel check above is the stronger one; this
                // makes sure the run really had all three kinds on both sides.
                List<String> wrong = new ArrayList<>();
                Map<Character, Integer> seen = new HashMap<>();
                for (ReceivedSpan s : clients) {
                    char kind = kindByClientPort.getOrDefault(s.num("network.local.port"), '?');
                    seen.merge(kind, 1, Integer::sum);
                    String expected = kind == 'C' ? "local" : kind == 'S' ? "peer" : kind == 'L' ? "reset" : "?";
                    if (!expected.equals(s.str("portwatch.closed_by"))) wrong.add("client " + kind + ": " + s);
                }
                for (ReceivedSpan s : servers) {
                    char kind = kindByClientPort.getOrDefault(s.num("network.peer.port"), '?');
                    seen.merge(kind, 1, Integer::sum);
                    String expected = kind == 'C' ? "peer" : kind == 'S' ? "local" : kind == 'L' ? "reset" : "?";
                    if (!expected.equals(s.str("portwatch.closed_by"))) wrong.add("server " + kind + ": " + s);
                }
                assertEquals(List.of(), wrong, "closers that disagree with what the workload did");
                assertEquals(Map.of('C', 2 * rounds, 'S', 2 * rounds, 'L', 2 * rounds), seen);
            }
        }
    }

    /**
     * For each span: {@code portwatch.time_wait} present, true exactly when (local port, peer port)
     * is in TIME_WAIT in the kernel's table; and closed_by=local exactly when time_wait is true.
     */
    private static void assertAgreesWithKernel(List<ReceivedSpan> spans, Set<Integer> kernelTimeWait) {
        List<String> wrong = new ArrayList<>();
        for (ReceivedSpan s : spans) {
            Object tw = s.attributes.get("portwatch.time_wait");
            boolean inKernel = kernelTimeWait.contains(NetNs.ports(s.num("network.local.port"), s.num("network.peer.port")));
            if (!(tw instanceof Boolean)) {
                wrong.add("no portwatch.time_wait (kernel: " + inKernel + "): " + s);
            } else if ((Boolean) tw != inKernel) {
                wrong.add("time_wait=" + tw + " but the kernel " + (inKernel ? "holds" : "does not hold")
                        + " it in TIME_WAIT: " + s);
            } else if (inKernel != "local".equals(s.str("portwatch.closed_by"))) {
                wrong.add("closed_by=" + s.str("portwatch.closed_by") + " with time_wait=" + tw + ": " + s);
            }
        }
        assertEquals(List.of(), wrong, "spans that disagree with the kernel's TIME_WAIT table");
    }

    private static ChildJvm.Result churn(String jdk, NetNs ns, OtlpReceiver receiver, double seconds) throws Exception {
        return new ChildJvm(jdk).inNamespace(ns.name()).agentArgs(AGENT_ARGS).exportTo(receiver)
                .timeoutSeconds((long) seconds + 60)
                .main(ChurnWorkload.class, "churn", String.valueOf(SERVER_PORT), String.valueOf(RATE), String.valueOf(seconds))
                .run();
    }

    private static void assertNoAgentErrors(ChildJvm.Result result) {
        assertFalse(result.stderr.contains("[portwatch] ERROR"), result::toString);
    }

    private static int indexOf(List<String> lines, java.util.function.Predicate<String> p) {
        for (int i = 0; i < lines.size(); i++) {
            if (p.test(lines.get(i))) return i;
        }
        return -1;
    }

    private static Set<Object> distinct(List<ReceivedSpan> spans, String key) {
        return spans.stream().map(s -> s.attributes.get(key)).collect(Collectors.toCollection(HashSet::new));
    }
}
