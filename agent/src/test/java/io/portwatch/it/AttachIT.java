package io.portwatch.it;

import io.portwatch.it.support.AttachTarget;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.support.PortwatchCommand;
import io.portwatch.it.workload.AttachWorkload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code java -jar portwatch-agent.jar attach PID}, end to end: a child JVM started without the
 * agent holds a connection open; the command attaches to it by pid, with the exporter settings in
 * its arguments; connections made after the attach arrive as spans at a real OTLP receiver, the
 * held one is reported as opened before attach, a second attach changes nothing, and processes
 * that must not be attached to are refused with one clear line. Runs once per configured JDK.
 */
class AttachIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void attachesToARunningJvm(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver(); AttachTarget target = AttachTarget.start(jdk)) {
            ChildJvm.Result early = PortwatchCommand.run(jdk, "report", Long.toString(target.pid()));
            assertNotEquals(0, early.exitCode, early::toString);
            assertTrue(early.stderr.contains("attach it first"), early::toString);

            ChildJvm.Result first = PortwatchCommand.attach(jdk, target.pid(), "spans=all", "otel.exporter.otlp.endpoint=" + receiver.endpoint(),
                    "otel.bsp.schedule.delay=200", "otel.service.name=attached-it");
            assertEquals(0, first.exitCode, first::toString);
            assertTrue(first.stdout.contains("tracking every TCP connection opened from now on"), first::toString);
            assertTrue(first.stdout.contains("127.0.0.1:" + target.heldPort + " -> 127.0.0.1:" + target.serverPort
                    + " (ESTABLISHED)"), () -> "the held connection is listed as open before attach: " + first);

            target.command("burst 30", "burst done");
            List<ReceivedSpan> burst = receiver.awaitSpans(s -> outgoingTo(s, target.burstPort), 30, WAIT);
            assertEquals(30, burst.size(), () -> "spans: " + receiver.spans() + "\n" + target);
            assertTrue(burst.stream().allMatch(s -> "attached-it".equals(s.service)),
                    "the exporter settings came from the attach arguments");
            assertTrue(burst.stream().allMatch(s -> "local".equals(s.str("portwatch.closed_by"))));

            Path page = Files.createTempDirectory("attach-report").resolve("report.html");
            ChildJvm.Result report = PortwatchCommand.run(jdk, "report", Long.toString(target.pid()), page.toString());
            assertEquals(0, report.exitCode, report::toString);
            assertTrue(report.stdout.contains(AttachWorkload.class.getName() + ".main"),
                    () -> "the report names the burst's call site: " + report);
            assertTrue(new String(Files.readAllBytes(page), StandardCharsets.UTF_8).contains("<svg"), "the HTML page");
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(page)));

            ChildJvm.Result second = PortwatchCommand.attach(jdk, target.pid());
            assertEquals(0, second.exitCode, second::toString);
            assertTrue(second.stdout.contains("already running"), second::toString);
            target.command("burst 20", "burst done");
            List<ReceivedSpan> after = receiver.awaitSpans(s -> outgoingTo(s, target.burstPort), 50, WAIT);
            assertEquals(50, after.size(), "the second attach instrumented nothing twice: one span per connection");

            target.command("close-held", "held closed");
            // Its 4-tuple, not its local port alone: connect() needs only a unique 4-tuple, so a
            // burst connection toward the other server may have had the same local port.
            List<ReceivedSpan> held = receiver.awaitSpans(s -> s.name.equals("tcp.connection")
                    && Long.valueOf(target.heldPort).equals(s.num("network.local.port"))
                    && Long.valueOf(target.serverPort).equals(s.num("network.peer.port")), 1, WAIT);
            assertEquals(1, held.size(), () -> "the held connection's end: " + receiver.spans());
            assertEquals(Boolean.TRUE, held.get(0).attributes.get("portwatch.opened_before_attach"), held::toString);
            assertEquals("local", held.get(0).str("portwatch.closed_by"), held::toString);
        }
    }

    /**
     * A JDBC driver loaded (and used) before the attach: the agent instruments it once attached,
     * on an agent thread, and the connects made through it from then on are jdbc.connection spans
     * over their sockets.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void instrumentsTheJdbcDriversLoadedBeforeTheAttach(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver(); AttachTarget target = AttachTarget.start(jdk)) {
            target.command("jdbc 1", "jdbc done");
            ChildJvm.Result attached = PortwatchCommand.attach(jdk, target.pid(), "otel.exporter.otlp.endpoint=" + receiver.endpoint(),
                    "otel.bsp.schedule.delay=200");
            assertEquals(0, attached.exitCode, attached::toString);
            assertTrue(attached.stdout.contains("those already loaded being instrumented on an agent thread"),
                    attached::toString);
            target.command("jdbc 5", "jdbc done");
            // The stub's connections are proxies, whose close is not instrumented: their
            // jdbc.connection spans end, and are exported, when the JVM exits.
            target.exit();
            List<ReceivedSpan> jdbc = receiver.awaitSpans(s -> s.name.equals("jdbc.connection"), 5, WAIT);
            assertEquals(5, jdbc.size(), () -> "spans: " + receiver.spans() + "\n" + target);
            List<ReceivedSpan> tcp = receiver.awaitSpans(s -> s.name.equals("tcp.connection")
                    && Long.valueOf(target.serverPort).equals(s.num("network.peer.port"))
                    && !Boolean.TRUE.equals(s.attributes.get("portwatch.opened_before_attach")), 5, WAIT);
            assertEquals(5, tcp.size(), () -> "spans: " + receiver.spans());
            for (ReceivedSpan t : tcp) {
                assertTrue(jdbc.stream().anyMatch(j -> j.spanId.equals(t.parentSpanId)), t::toString);
            }
        }
    }

    @Test
    void refusesAPidWithNoProcess() throws Exception {
        String jdk = ChildJvm.javaHomes().get(0);
        ChildJvm.Result r = PortwatchCommand.attach(jdk, 999_999_999L);
        assertNotEquals(0, r.exitCode, r::toString);
        assertEquals("portwatch: no process with pid 999999999", r.stderr.trim(), r::toString);
    }

    @Test
    void refusesAProcessThatIsNotAJvmAndLeavesItAlone() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            ChildJvm.Result r = PortwatchCommand.attach(ChildJvm.javaHomes().get(0), sleep.pid());
            assertNotEquals(0, r.exitCode, r::toString);
            assertTrue(r.stderr.startsWith("portwatch: pid " + sleep.pid() + " is not a Java process"), r::toString);
            assertTrue(sleep.isAlive(), "no SIGQUIT was sent to it");
        } finally {
            sleep.destroyForcibly();
        }
    }

    @Test
    void refusesAJvmWithAttachDisabled() throws Exception {
        String jdk = ChildJvm.javaHomes().get(0);
        try (AttachTarget target = AttachTarget.start(jdk, "-XX:+DisableAttachMechanism")) {
            ChildJvm.Result r = PortwatchCommand.attach(jdk, target.pid());
            assertNotEquals(0, r.exitCode, r::toString);
            assertTrue(r.stderr.contains("-XX:+DisableAttachMechanism and cannot be attached to"), r::toString);
        }
    }

    /**
     * A JVM started with {@code -Xrs} has no SIGQUIT handler; it starts its attach listener at
     * once instead, and is attached to through it without a signal. Once its socket is gone (a
     * /tmp cleaner), the signal that starts a listener would end it: refused, and still alive. The
     * other ways of living apart (namespaces, another user) are in {@link AttachAnywhereIT}.
     */
    @Test
    void aJvmWithoutASigquitHandlerIsAttachedThroughItsListenerElseRefusedAndLeftAlone() throws Exception {
        String jdk = ChildJvm.javaHomes().get(0);
        try (AttachTarget target = AttachTarget.start(jdk, "-Xrs")) {
            Path socket = Paths.get("/proc", Long.toString(target.pid()), "root", "tmp", ".java_pid" + target.pid());
            for (long deadline = System.nanoTime() + WAIT.toNanos(); !Files.exists(socket); Thread.sleep(50)) {
                assertTrue(System.nanoTime() < deadline, "-Xrs starts the attach listener with the JVM: " + socket);
            }
            ChildJvm.Result attached = PortwatchCommand.attach(jdk, target.pid());
            assertEquals(0, attached.exitCode, attached::toString);

            Files.delete(socket);
            ChildJvm.Result r = PortwatchCommand.attach(jdk, target.pid());
            assertNotEquals(0, r.exitCode, r::toString);
            assertTrue(r.stderr.startsWith("portwatch: pid " + target.pid() + " has no SIGQUIT handler (started with -Xrs?)"
                    + " and no attach listener running; SIGQUIT would end it"), r::toString);
            assertEquals(1, r.stderr.trim().split("\n").length, r::toString);
            Thread.sleep(500);
            assertTrue(target.process.isAlive(), "no SIGQUIT was sent to it");
            target.command("burst 1", "burst done");
        }
    }

    /** A user other than root may attach only to its own JVMs; root runs the command as nobody to see the refusal. */
    @Test
    void refusesAnotherUsersJvm() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root, to run the attach command as another user (CI runs as root)");
        assumeTrue(new File("/usr/bin/setpriv").canExecute(), "needs setpriv (util-linux)");
        String jdk = ChildJvm.javaHomes().get(0);
        try (AttachTarget target = AttachTarget.start(jdk)) {
            ChildJvm.Result r = PortwatchCommand.exec(Arrays.asList("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    Paths.get(jdk, "bin", "java").toString(), "-jar", agentJarReadableByAll().toString(),
                    "attach", Long.toString(target.pid())));
            assertNotEquals(0, r.exitCode, r::toString);
            assertTrue(r.stderr.contains("belongs to another user (uid 0)"), r::toString);
        }
    }

    private static boolean outgoingTo(ReceivedSpan s, int port) {
        return s.name.equals("tcp.connection") && "outgoing".equals(s.str("portwatch.direction"))
                && Long.valueOf(port).equals(s.num("network.peer.port"));
    }

    /** The agent jar copied where user nobody can read it (the build's folders may not let it). */
    private static Path agentJarReadableByAll() throws IOException {
        Path dir = Files.createTempDirectory("portwatch-attach-it");
        dir.toFile().setReadable(true, false);
        dir.toFile().setExecutable(true, false);
        Path jar = dir.resolve("portwatch-agent.jar");
        Files.copy(ChildJvm.agentJar(), jar);
        jar.toFile().setReadable(true, false);
        dir.toFile().deleteOnExit(); // deleted last: files registered later are deleted first
        jar.toFile().deleteOnExit();
        return jar;
    }
}
