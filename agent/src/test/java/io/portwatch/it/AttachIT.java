package io.portwatch.it;

import io.portwatch.it.OtlpReceiver.ReceivedSpan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
        try (OtlpReceiver receiver = new OtlpReceiver(); Target target = Target.start(jdk)) {
            CommandResult early = command(jdk, "report", Long.toString(target.pid()));
            assertNotEquals(0, early.exitCode, early::toString);
            assertTrue(early.stderr.contains("attach it first"), early::toString);

            CommandResult first = attach(jdk, target.pid(), "spans=all", "otel.exporter.otlp.endpoint=" + receiver.endpoint(),
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
            CommandResult report = command(jdk, "report", Long.toString(target.pid()), page.toString());
            assertEquals(0, report.exitCode, report::toString);
            assertTrue(report.stdout.contains(AttachWorkload.class.getName() + ".main"),
                    () -> "the report names the burst's call site: " + report);
            assertTrue(new String(Files.readAllBytes(page), StandardCharsets.UTF_8).contains("<svg"), "the HTML page");
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(page)));

            CommandResult second = attach(jdk, target.pid());
            assertEquals(0, second.exitCode, second::toString);
            assertTrue(second.stdout.contains("already running"), second::toString);
            target.command("burst 20", "burst done");
            List<ReceivedSpan> after = receiver.awaitSpans(s -> outgoingTo(s, target.burstPort), 50, WAIT);
            assertEquals(50, after.size(), "the second attach instrumented nothing twice: one span per connection");

            target.command("close-held", "held closed");
            List<ReceivedSpan> held = receiver.awaitSpans(s -> s.name.equals("tcp.connection")
                    && Long.valueOf(target.heldPort).equals(s.num("network.local.port")), 1, WAIT);
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
        try (OtlpReceiver receiver = new OtlpReceiver(); Target target = Target.start(jdk)) {
            target.command("jdbc 1", "jdbc done");
            CommandResult attached = attach(jdk, target.pid(), "otel.exporter.otlp.endpoint=" + receiver.endpoint(),
                    "otel.bsp.schedule.delay=200");
            assertEquals(0, attached.exitCode, attached::toString);
            assertTrue(attached.stdout.contains("instrumenting the JDBC drivers and connections already loaded"),
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
        CommandResult r = attach(jdk, 999_999_999L);
        assertNotEquals(0, r.exitCode, r::toString);
        assertEquals("portwatch: no process with pid 999999999", r.stderr.trim(), r::toString);
    }

    @Test
    void refusesAProcessThatIsNotAJvmAndLeavesItAlone() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            CommandResult r = attach(ChildJvm.javaHomes().get(0), sleep.pid());
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
        try (Target target = Target.start(jdk, "-XX:+DisableAttachMechanism")) {
            CommandResult r = attach(jdk, target.pid());
            assertNotEquals(0, r.exitCode, r::toString);
            assertTrue(r.stderr.contains("-XX:+DisableAttachMechanism and cannot be attached to"), r::toString);
        }
    }

    /**
     * A JVM in a container: its own pid and mount namespaces. The JDK reaches its attach socket
     * through /proc/PID/root, and the command copies the agent jar into the target's /tmp.
     */
    @Test
    void attachesToAJvmInItsOwnPidAndMountNamespaces() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root, to create namespaces (CI runs as root)");
        assumeTrue(new File("/usr/bin/unshare").canExecute(), "needs unshare (util-linux)");
        String jdk = ChildJvm.javaHomes().get(0);
        try (Target target = Target.startUnder(jdk, new String[]{"unshare", "--pid", "--fork", "--mount", "--propagation", "private", "--"})) {
            long jvm = target.process.children().findFirst().orElseThrow(AssertionError::new).pid();
            CommandResult r = attach(jdk, jvm);
            assertEquals(0, r.exitCode, r::toString);
            assertTrue(r.stdout.contains("127.0.0.1:" + target.heldPort + " -> "), r::toString);
        }
    }

    /** Sharing our pid namespace but not our mount namespace, the JDK's attach cannot work: the command says what to do. */
    @Test
    void refusesAJvmInAnotherMountNamespaceOnlyWithTheWayRound() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root, to create namespaces (CI runs as root)");
        assumeTrue(new File("/usr/bin/unshare").canExecute(), "needs unshare (util-linux)");
        String jdk = ChildJvm.javaHomes().get(0);
        try (Target target = Target.startUnder(jdk, new String[]{"unshare", "--mount", "--propagation", "private", "--"})) {
            CommandResult r = attach(jdk, target.pid());
            assertNotEquals(0, r.exitCode, r::toString);
            assertTrue(r.stderr.contains("nsenter -t " + target.pid() + " -m"), r::toString);
        }
    }

    /** A user other than root may attach only to its own JVMs; root runs the command as nobody to see the refusal. */
    @Test
    void refusesAnotherUsersJvm() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root, to run the attach command as another user (CI runs as root)");
        assumeTrue(new File("/usr/bin/setpriv").canExecute(), "needs setpriv (util-linux)");
        String jdk = ChildJvm.javaHomes().get(0);
        try (Target target = Target.start(jdk)) {
            CommandResult r = run(Arrays.asList("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
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

    private static CommandResult attach(String jdk, long pid, String... settings) throws Exception {
        List<String> args = new ArrayList<>(Arrays.asList("attach", Long.toString(pid)));
        args.addAll(Arrays.asList(settings));
        return command(jdk, args.toArray(new String[0]));
    }

    /** {@code java -jar portwatch-agent.jar ARGS...} on the given JDK. */
    private static CommandResult command(String jdk, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(Arrays.asList(Paths.get(jdk, "bin", "java").toString(), "-jar",
                ChildJvm.agentJar().toAbsolutePath().toString()));
        cmd.addAll(Arrays.asList(args));
        return run(cmd);
    }

    private static CommandResult run(List<String> cmd) throws Exception {
        Path out = Files.createTempFile("attach", ".out");
        Path err = Files.createTempFile("attach", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("attach command did not finish within 60 s: " + cmd);
            }
            return new CommandResult(p.exitValue(), read(out), read(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }

    private static final class CommandResult {
        final int exitCode;
        final String stdout;
        final String stderr;

        CommandResult(int exitCode, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** The child JVM of {@link AttachWorkload}, driven through its stdin. */
    private static final class Target implements AutoCloseable {
        final Process process;
        final Path stdout;
        final Path stderr;
        final Writer commands;
        int heldPort;
        int serverPort;
        int burstPort;

        private Target(Process process, Path stdout, Path stderr) {
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
            this.commands = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        static Target start(String jdk, String... jvmArgs) throws Exception {
            return startUnder(jdk, new String[0], jvmArgs);
        }

        static Target startUnder(String jdk, String[] launcher, String... jvmArgs) throws Exception {
            ChildJvm child = new ChildJvm(jdk).withoutAgent().commandPrefix(launcher);
            for (String a : jvmArgs) child.jvmArg(a);
            child.main(AttachWorkload.class, "120");
            Path out = Files.createTempFile("target", ".out");
            Path err = Files.createTempFile("target", ".err");
            Target t = new Target(child.start(out, err), out, err);
            String[] ready = t.await("ready ").split(" ");
            t.heldPort = Integer.parseInt(ready[1]);
            t.serverPort = Integer.parseInt(ready[2]);
            t.burstPort = Integer.parseInt(ready[3]);
            return t;
        }

        long pid() {
            return process.pid();
        }

        /** Asks the workload to exit (its shutdown hooks run) and waits for it. */
        void exit() throws Exception {
            commands.write("exit\n");
            commands.flush();
            assertTrue(process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS), "exited: " + this);
        }

        void command(String line, String expectedReply) throws Exception {
            long before = lines().stream().filter(l -> l.equals(expectedReply)).count();
            commands.write(line + "\n");
            commands.flush();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (lines().stream().filter(l -> l.equals(expectedReply)).count() == before) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new AssertionError("no '" + expectedReply + "' after '" + line + "': " + this);
                }
                Thread.sleep(20);
            }
        }

        /** The first stdout line that starts with {@code prefix}, waited for. */
        String await(String prefix) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline && process.isAlive()) {
                for (String l : lines()) {
                    if (l.startsWith(prefix)) return l;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no line starting with '" + prefix + "': " + this);
        }

        /** The first stderr line that contains {@code text}, waited for. */
        String awaitStderr(String text) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline && process.isAlive()) {
                for (String l : Files.readAllLines(stderr, StandardCharsets.UTF_8)) {
                    if (l.contains(text)) return l;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no stderr line with '" + text + "': " + this);
        }

        String stderrText() throws IOException {
            return read(stderr);
        }

        private List<String> lines() throws IOException {
            return Files.readAllLines(stdout, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            try {
                return "target stdout:\n" + read(stdout) + "target stderr:\n" + read(stderr);
            } catch (IOException e) {
                return e.toString();
            }
        }

        @Override
        public void close() throws Exception {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
