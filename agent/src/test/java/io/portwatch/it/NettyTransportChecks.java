package io.portwatch.it;

import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.workload.NettyEpollWorkload;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.portwatch.it.AsyncChannelTrackingIT.clients;
import static io.portwatch.it.AsyncChannelTrackingIT.servers;
import static io.portwatch.it.SocketTrackingIT.assertAll;
import static io.portwatch.it.SocketTrackingIT.assertNoExporterSpans;
import static io.portwatch.it.SocketTrackingIT.distinct;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * What every native Netty transport must show end to end, run for epoll by
 * {@link NettyEpollTrackingIT} and for io_uring by {@link NettyIoUringTrackingIT}: a child JVM with
 * the agent runs a Netty client and server on loopback ({@link NettyEpollWorkload}) on the
 * transport, and the spans are read back from a real OTLP receiver. Every span of the workload's
 * server port is counted: each connection must be one client span and one server span of the
 * transport, no more (nothing counted twice, through the JDK or otherwise). The closer modes run
 * on every JDK and Netty version of the transport; the others on every JDK with the newest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class NettyTransportChecks {

    /** The spans' {@code portwatch.api} for this transport. */
    abstract String api();

    /** The workload's options that choose the transport. */
    abstract List<String> transportOptions();

    /** How the transport's classes are named: none may be instrumented when {@code instrument.netty=false}. */
    abstract String classNamePart();

    /** The directories of Netty jars that have this transport. */
    abstract List<Path> nettyWithTransport();

    /** Every (JDK, Netty jars) pair. */
    Stream<Arguments> jdksAndNetty() {
        List<Arguments> all = new ArrayList<>();
        for (String jdk : ChildJvm.javaHomes()) {
            for (Path netty : nettyWithTransport()) all.add(Arguments.of(jdk, netty));
        }
        return all.stream();
    }

    /** Every JDK, with the newest Netty. */
    Stream<Arguments> jdks() {
        List<Path> dirs = nettyWithTransport();
        return ChildJvm.javaHomes().stream().map(jdk -> Arguments.of(jdk, dirs.get(dirs.size() - 1)));
    }

    @ParameterizedTest
    @MethodSource("jdksAndNetty")
    void clientClosesFirst(String jdk, Path netty) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            long port = run(jdk, netty, receiver, "client-close", 20);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(20, clients.size(), () -> "one span per connection: " + clients);
            assertAll(clients, "portwatch.api", api());
            assertAll(clients, "portwatch.closed_by", "local");
            assertAll(clients, "portwatch.time_wait", true);
            assertAll(clients, "network.peer.address", "127.0.0.1");
            assertAll(clients, "server.address", "127.0.0.1");
            assertEquals(20, distinct(clients, "network.local.port").size(), "one local port per connection");
            assertTrue(clients.stream().allMatch(s -> s.attributes.containsKey("portwatch.connect.duration_ms")));
            assertTrue(clients.stream().allMatch(s -> String.valueOf(s.str("portwatch.call_site"))
                            .startsWith(NettyEpollWorkload.class.getName() + ".clientCloses")),
                    () -> "the Bootstrap.connect caller, not the event loop: " + distinct(clients, "portwatch.call_site"));

            List<ReceivedSpan> servers = servers(receiver, port);
            assertEquals(20, servers.size(), () -> "one span per accepted connection: " + servers);
            assertAll(servers, "portwatch.api", api());
            assertAll(servers, "portwatch.closed_by", "peer");
            assertAll(servers, "portwatch.time_wait", false);
            assertEquals(distinct(clients, "network.local.port"), distinct(servers, "network.peer.port"),
                    "the accepted side sees the client ports");
            assertNoExporterSpans(receiver);
        }
    }

    @ParameterizedTest
    @MethodSource("jdksAndNetty")
    void serverClosesFirst(String jdk, Path netty) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            long port = run(jdk, netty, receiver, "server-close", 10);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(10, clients.size(), () -> "spans: " + clients);
            assertAll(clients, "portwatch.api", api());
            assertAll(clients, "portwatch.closed_by", "peer");
            assertAll(clients, "portwatch.time_wait", false);
            List<ReceivedSpan> servers = servers(receiver, port);
            assertEquals(10, servers.size(), () -> "spans: " + servers);
            assertAll(servers, "portwatch.api", api());
            assertAll(servers, "portwatch.closed_by", "local");
            assertAll(servers, "portwatch.time_wait", true);
            assertEquals(10, distinct(servers, "network.peer.port").size());
        }
    }

    @ParameterizedTest
    @MethodSource("jdksAndNetty")
    void lingerZeroIsAReset(String jdk, Path netty) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            long port = run(jdk, netty, receiver, "linger", 10);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(10, clients.size(), () -> "spans: " + clients);
            assertAll(clients, "portwatch.closed_by", "reset");
            assertAll(clients, "portwatch.time_wait", false);
            List<ReceivedSpan> servers = servers(receiver, port);
            assertEquals(10, servers.size(), () -> "spans: " + servers);
            assertAll(servers, "portwatch.closed_by", "reset");
        }
    }

    /** Every JDK with the newest Netty, and each closer mode with the closers the JVM must tell: client's, server's. */
    Stream<Arguments> jdksAndClosers() {
        List<Path> dirs = nettyWithTransport();
        Path newest = dirs.get(dirs.size() - 1);
        String[][] modes = {{"client-close", "local", "peer"}, {"server-close", "peer", "local"},
                {"half-close", "local", "peer"}, {"linger", "reset", "reset"}};
        List<Arguments> all = new ArrayList<>();
        for (String jdk : ChildJvm.javaHomes()) {
            for (String[] m : modes) all.add(Arguments.of(jdk, newest, m[0], m[1], m[2]));
        }
        return all.stream();
    }

    /**
     * Without the kernel's word ({@code kernel=false}) the closer is the JVM's own reading of the
     * transport's events: the peer's FIN read, this side's half-close, SO_LINGER 0, a reset read.
     * With it, on loopback, the kernel's tables alone would decide, and these events go untested.
     */
    @ParameterizedTest
    @MethodSource("jdksAndClosers")
    void withoutTheKernelTheTransportsEventsTellTheCloser(String jdk, Path netty, String mode, String client,
                                                          String server) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            long port = run(child(jdk, netty, receiver, mode, 3).agentArgs("kernel=false"), mode);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(3, clients.size(), () -> "spans: " + clients);
            assertAll(clients, "portwatch.api", api());
            assertAll(clients, "portwatch.closed_by", client);
            assertAll(clients, "portwatch.closed_by.source", "jvm");
            List<ReceivedSpan> servers = servers(receiver, port);
            assertEquals(3, servers.size(), () -> "spans: " + servers);
            assertAll(servers, "portwatch.closed_by", server);
            assertAll(servers, "portwatch.closed_by.source", "jvm");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aHalfCloseIsThisSidesFin(String jdk, Path netty) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            long port = run(jdk, netty, receiver, "half-close", 10);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(10, clients.size(), () -> "spans: " + clients);
            assertAll(clients, "portwatch.closed_by", "local");
            assertAll(clients, "portwatch.time_wait", true);
            List<ReceivedSpan> servers = servers(receiver, port);
            assertEquals(10, servers.size(), () -> "spans: " + servers);
            assertAll(servers, "portwatch.closed_by", "peer");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aFastOpenConnectIsOneConnection(String jdk, Path netty) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            long port = run(jdk, netty, receiver, "fast-open", 10);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(10, clients.size(), () -> "spans: " + clients);
            assertAll(clients, "portwatch.api", api());
            assertAll(clients, "portwatch.closed_by", "local");
            assertEquals(10, distinct(clients, "network.local.port").size());
            assertTrue(clients.stream().allMatch(s -> String.valueOf(s.str("portwatch.call_site"))
                    .startsWith(NettyEpollWorkload.class.getName() + ".fastOpen")), () -> clients.toString());
            assertEquals(10, servers(receiver, port).size());
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aRefusedConnectIsOneErrorSpan(String jdk, Path netty) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result result = runToEnd(child(jdk, netty, receiver, "refused", 1));
            long port = Long.parseLong(result.stdout.replaceAll("(?s).*refused port (\\d+).*", "$1"));
            List<ReceivedSpan> failed = receiver.spans(s -> Long.valueOf(port).equals(s.num("server.port")));
            assertEquals(1, failed.size(), () -> "spans: " + receiver.spans());
            ReceivedSpan span = failed.get(0);
            assertEquals(StatusCode.STATUS_CODE_ERROR, span.status, span::toString);
            assertEquals("ECONNREFUSED", span.str("error.type"), span::toString);
            assertEquals("failed", span.str("portwatch.end"));
            assertEquals(api(), span.str("portwatch.api"));
            assertTrue(String.valueOf(span.str("portwatch.call_site"))
                    .startsWith(NettyEpollWorkload.class.getName() + ".refused"), span::toString);
        }
    }

    /** {@code instrument.netty=false}: the transport is left alone, its connections unseen. */
    @ParameterizedTest
    @MethodSource("jdks")
    void switchedOffItIsLeftAlone(String jdk, Path netty) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result result = runToEnd(child(jdk, netty, receiver, "client-close", 5, "nowait")
                    .agentArgs("instrument.netty=false,debug=true"));
            assertTrue(result.stdout.contains("workload client-close done"), result::toString);
            long port = Long.parseLong(result.stdout.replaceAll("(?s).*server port (\\d+).*", "$1"));
            assertEquals(List.of(), clients(receiver, port));
            assertEquals(List.of(), servers(receiver, port));
            assertFalse(result.stderr.contains(classNamePart()), () -> "no type of the transport instrumented: " + result);
        }
    }

    /** Runs a mode of the workload to its end, and returns the server's port. */
    long run(String jdk, Path netty, OtlpReceiver receiver, String mode, int n) throws Exception {
        return run(child(jdk, netty, receiver, mode, n), mode);
    }

    static long run(ChildJvm child, String mode) throws Exception {
        ChildJvm.Result result = runToEnd(child);
        assertTrue(result.stdout.contains("workload " + mode + " done"), result::toString);
        assertFalse(result.stderr.contains("ERROR") || result.stderr.contains("Exception"), result::toString);
        return Long.parseLong(result.stdout.replaceAll("(?s).*server port (\\d+).*", "$1"));
    }

    /** The child's result once it exited 0; the test is skipped, saying why, where the transport is unavailable. */
    static ChildJvm.Result runToEnd(ChildJvm child) throws Exception {
        ChildJvm.Result result = child.run();
        assertEquals(0, result.exitCode, result::toString);
        int at = result.stdout.indexOf(NettyEpollWorkload.IO_URING_UNAVAILABLE);
        assumeFalse(at >= 0, () -> "Netty's io_uring transport cannot run here: "
                + result.stdout.substring(at).trim());
        return result;
    }

    ChildJvm child(String jdk, Path netty, OtlpReceiver receiver, String mode, int n, String... more)
            throws IOException {
        List<String> args = new ArrayList<>(Arrays.asList(mode, "127.0.0.1", String.valueOf(n)));
        args.addAll(Arrays.asList(more));
        args.addAll(transportOptions());
        ChildJvm child = new ChildJvm(jdk).exportTo(receiver);
        try (Stream<Path> jars = Files.list(netty)) {
            for (Path jar : jars.sorted().collect(Collectors.toList())) child.classPath(jar);
        }
        return child.main(NettyEpollWorkload.class, args.toArray(new String[0]));
    }

    /** Netty 4.1's jars and 4.2's, one directory each (the build copies them). */
    static List<Path> nettyDirs() {
        String dirs = System.getProperty("portwatch.netty.dirs", "target/netty-4.1,target/netty-4.2");
        List<Path> out = new ArrayList<>();
        for (String d : dirs.split(",")) {
            Path p = Paths.get(d.trim());
            if (!Files.isDirectory(p)) throw new IllegalStateException("no Netty jars in " + p.toAbsolutePath());
            out.add(p);
        }
        return out;
    }
}
