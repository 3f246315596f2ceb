package io.portwatch.it.support;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Collectors;

import static io.portwatch.it.support.SampleApp.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A finished child with the agent, its spans toward the database, and the kernel's rows right after it. */
public final class SampleRun {
    final String jdk;
    final ChildJvm.Result result;
    final int dbPort;
    final String url;
    final List<KernelRow> kernel;
    final double seconds;
    public List<ReceivedSpan> jdbc = new ArrayList<>();
    public List<ReceivedSpan> tcp = new ArrayList<>();

    private SampleRun(String jdk, ChildJvm.Result result, List<KernelRow> kernel, double seconds) {
        this.jdk = jdk;
        this.result = result;
        this.kernel = kernel;
        this.seconds = seconds;
        this.dbPort = result.exitCode == 0 ? dbPort(result.stdout) : -1;
        Matcher m = DATABASE_LINE.matcher(result.stdout);
        this.url = m.find() ? m.group(1) : null;
    }

    public static SampleRun start(String jdk, OtlpReceiver receiver, Path sampleJar, String... args) throws Exception {
        long t0 = System.nanoTime();
        ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver).timeoutSeconds(90).jar(sampleJar, args).run();
        long took = System.nanoTime() - t0;
        return new SampleRun(jdk, r, KernelRow.readAll(TimeUnit.NANOSECONDS.toMillis(took)), took / 1e9);
    }

    public String stdout() {
        return result.stdout;
    }

    public void assertExit(int code) {
        assertEquals(code, result.exitCode, this::toString);
        assertTrue(dbPort > 0, this::toString);
    }

    /** Waits for the spans (all are sent before the child exits) and checks their count. */
    public void awaitSpans(OtlpReceiver receiver, int min, int max) throws InterruptedException {
        Long port = (long) dbPort;
        jdbc = receiver.awaitSpans(s -> s.name.equals("jdbc.connection"), min, WAIT);
        tcp = receiver.awaitSpans(s -> s.name.equals("tcp.connection"), min, WAIT);
        // every span the agent sent is about the database: its own exporter is never tracked
        for (ReceivedSpan s : receiver.spans()) {
            assertTrue(s.name.equals("jdbc.connection") || s.name.equals("tcp.connection"), s::toString);
            assertEquals(port, s.num("server.port"), s::toString);
        }
        assertTrue(jdbc.size() >= min && jdbc.size() <= max,
                () -> "expected " + min + ".." + max + " jdbc.connection spans, got " + jdbc.size() + ": " + jdbc
                        + "\n" + this);
        assertEquals(jdbc.size(), tcp.size(), () -> "one socket per physical connection: " + tcp);
    }

    /** Each tcp.connection is the child of one jdbc.connection; each jdbc.connection has one. */
    public void assertJoinedOneSocketEach() {
        Map<String, ReceivedSpan> bySpanId = new HashMap<>();
        for (ReceivedSpan j : jdbc) {
            assertEquals(SpanKind.SPAN_KIND_CLIENT, j.kind, j::toString);
            assertEquals(StatusCode.STATUS_CODE_UNSET, j.status, j::toString);
            assertEquals("mysql", j.str("db.system.name"), j::toString);
            assertEquals("portwatch", j.str("db.namespace"), j::toString);
            assertEquals("127.0.0.1", j.str("server.address"), j::toString);
            assertEquals((long) dbPort, j.num("server.port"), j::toString);
            assertEquals(url, j.str("portwatch.jdbc.url"), () -> "the URL the app printed: " + j);
            assertEquals("com.mysql.cj.jdbc.Driver", j.str("portwatch.jdbc.driver"), j::toString);
            assertEquals(1L, j.num("portwatch.sockets"), j::toString);
            bySpanId.put(j.spanId, j);
        }
        Set<String> parents = new HashSet<>();
        for (ReceivedSpan t : tcp) {
            assertEquals(SpanKind.SPAN_KIND_CLIENT, t.kind, t::toString);
            assertEquals(StatusCode.STATUS_CODE_UNSET, t.status, t::toString);
            assertEquals("tcp", t.str("network.transport"), t::toString);
            assertEquals((long) dbPort, t.num("network.peer.port"), t::toString);
            assertEquals("closed", t.str("portwatch.end"), t::toString);
            assertNotNull(t.num("network.local.port"), t::toString);
            ReceivedSpan parent = bySpanId.get(t.parentSpanId);
            assertNotNull(parent, () -> "tcp.connection without its jdbc.connection parent: " + t);
            assertEquals(parent.traceId, t.traceId);
            assertTrue(parents.add(t.parentSpanId), () -> "two sockets under one jdbc.connection: " + t);
            // the jdbc span's closer is its socket's
            assertEquals(t.str("portwatch.closed_by"), parent.str("portwatch.closed_by"),
                    () -> "the jdbc.connection's closer is its socket's:\n" + parent + "\n" + t);
            assertTrue(parent.startNanos <= t.startNanos, () -> "the socket starts inside its connection: " + parent + "\n" + t);
            if (!"aborted".equals(parent.str("portwatch.end"))) {
                // (Connection.abort(executor) returns at once; the executor closes the socket later)
                assertTrue(t.endNanos <= parent.endNanos, () -> "the socket ends inside its connection: " + parent + "\n" + t);
            }
        }
    }

    public Map<String, ReceivedSpan> socketByParent() {
        return tcp.stream().collect(Collectors.toMap(t -> t.parentSpanId, t -> t));
    }

    /** Local ports of this run's client-side TIME_WAITs: local port → the database's port. */
    public Set<Integer> clientTimeWait() {
        Set<Integer> ports = new HashSet<>();
        for (KernelRow r : kernel) {
            if (r.state == TCP_TIME_WAIT && r.remotePort == dbPort && r.loopback()) ports.add(r.localPort);
        }
        return ports;
    }

    /** Client ports of the server-side TIME_WAITs: the database's port → client port. */
    public Set<Integer> serverTimeWait() {
        Set<Integer> ports = new HashSet<>();
        for (KernelRow r : kernel) {
            if (r.state == TCP_TIME_WAIT && r.localPort == dbPort && r.loopback()) ports.add(r.remotePort);
        }
        return ports;
    }

    /**
     * {@code portwatch.time_wait} is exactly the kernel's word: true for each connection whose
     * 4-tuple sits in TIME_WAIT on the client side, false for every other; and the count of
     * true equals the count of client-side TIME_WAITs toward the database (none unaccounted for).
     */
    public void assertTimeWaitAgreesWithKernel() {
        Set<Integer> tw = clientTimeWait();
        List<String> disagree = new ArrayList<>();
        int trueCount = 0;
        for (ReceivedSpan t : tcp) {
            Object timeWait = t.attributes.get("portwatch.time_wait");
            assertNotNull(timeWait, () -> "kernel-checked: " + t);
            boolean kernelSays = tw.contains(t.num("network.local.port").intValue());
            if (Boolean.TRUE.equals(timeWait)) trueCount++;
            if (!timeWait.equals(kernelSays)) disagree.add(t + " kernel TIME_WAIT=" + kernelSays);
        }
        int count = trueCount;
        assertTrue(disagree.isEmpty(), () -> disagree.size() + " spans disagree with the kernel:\n"
                + String.join("\n", disagree) + "\nkernel: " + kernelSummary());
        assertEquals(tw.size(), count, () -> "time_wait=true spans vs client-side TIME_WAIT rows: " + kernelSummary());
    }

    /**
     * Kernel-confirmed closers agree with the rows: {@code local} holds the client's TIME_WAIT;
     * {@code peer} does not, and the server holds it instead.
     */
    public void assertClosersAgreeWithKernel() {
        Set<Integer> client = clientTimeWait();
        Set<Integer> server = serverTimeWait();
        for (ReceivedSpan t : tcp) {
            if (!"kernel".equals(t.str("portwatch.closed_by.source"))) continue;
            int port = t.num("network.local.port").intValue();
            switch (t.str("portwatch.closed_by")) {
                case "local":
                    assertTrue(client.contains(port), () -> t + "\nkernel: " + kernelSummary());
                    break;
                case "peer":
                    assertTrue(server.contains(port) && !client.contains(port), () -> t + "\nkernel: " + kernelSummary());
                    break;
                case "reset":
                    assertFalse(server.contains(port) || client.contains(port), () -> t + "\nkernel: " + kernelSummary());
                    break;
                default:
                    break;
            }
        }
    }

    public String kernelSummary() {
        return "client-side TIME_WAIT " + clientTimeWait().size() + ", server-side " + serverTimeWait().size()
                + " (db port " + dbPort + ")";
    }

    public void report(String what) {
        Map<String, Long> closers = tcp.stream().collect(Collectors.groupingBy(
                t -> t.str("portwatch.closed_by") + "/" + t.str("portwatch.closed_by.source"), Collectors.counting()));
        long tw = tcp.stream().filter(t -> Boolean.TRUE.equals(t.attributes.get("portwatch.time_wait"))).count();
        System.out.printf(Locale.ROOT, "[SampleAppIT] %s %s: %.1f s, %d jdbc / %d tcp spans, closed_by %s, "
                        + "time_wait=true %d; kernel: %s%n",
                jdkName(jdk), what, seconds, jdbc.size(), tcp.size(), closers, tw, kernelSummary());
    }

    @Override
    public String toString() {
        return result.toString();
    }
}
