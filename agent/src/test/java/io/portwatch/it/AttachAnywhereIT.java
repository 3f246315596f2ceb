package io.portwatch.it;

import io.portwatch.it.support.AttachTarget;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.NetNs;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.support.PortwatchCommand;
import io.portwatch.it.support.TestUser;
import io.portwatch.it.workload.AttachWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code attach PID} from the host to a JVM that lives apart from it, the way production services
 * do: a private /tmp (systemd's {@code PrivateTmp=yes}), its own mount namespace with the host's
 * /tmp ({@code ip netns exec}), its own pid and mount namespaces (a container, reached by its host
 * pid), and another user's JVM attached by root. In each: {@code list} shows the JVM where it
 * lives and attachable; the attach loads the agent; the connections made after it arrive as
 * spans at a real OTLP receiver; a second attach says "already running", and the connections
 * after it give one span each, not two; no trigger file is left behind. Once per configured JDK
 * (the command runs on the same JDK as the target). Needs root; skipped with a message otherwise.
 */
class AttachAnywhereIT {

    /** Mounts an empty tmpfs on /tmp, then runs the rest of the command line: a private /tmp. */
    private static final String[] PRIVATE_TMP = {"/bin/sh", "-c",
            "mount -t tmpfs -o mode=1777,size=64m portwatch-it /tmp && exec \"$@\"", "sh"};

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aJvmWithAPrivateTmp(String jdk) throws Exception {
        requireRootAnd("unshare");
        requireOutsideTmp(jdk);
        // The command's jar in the host's /tmp, which the target cannot see: the command copies
        // it into the target's own /tmp.
        Path jarDir = agentJarInTheHostsTmp();
        try (OtlpReceiver receiver = new OtlpReceiver();
             AttachTarget target = AttachTarget.startUnder(jdk, launcher(
                     new String[] {"unshare", "--mount", "--propagation", "private", "--"}, PRIVATE_TMP))) {
            long pid = target.pid();
            attachTwiceAndCount(jdk, jarDir.resolve("portwatch-agent.jar"), target, pid, receiver, "own /tmp");
            List<Path> copies = agentCopies(Paths.get("/proc", Long.toString(pid), "root", "tmp"));
            assertEquals(1, copies.size(), () -> "the agent jar copied into the target's own /tmp: " + copies);
            assertEquals(0, Files.getAttribute(copies.get(0), "unix:uid"), "owned by the target's user, root");
        } finally {
            deleteTree(jarDir);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aJvmUnderIpNetnsExec(String jdk) throws Exception {
        requireRootAnd("ip");
        try (NetNs ns = NetNs.create();
             OtlpReceiver receiver = new OtlpReceiver(ns.hostAddress());
             AttachTarget target = AttachTarget.startUnder(jdk, new String[] {"ip", "netns", "exec", ns.name()})) {
            attachTwiceAndCount(jdk, ChildJvm.agentJar(), target, target.pid(), receiver, "own mounts");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aJvmInItsOwnPidAndMountNamespacesByItsHostPid(String jdk) throws Exception {
        requireRootAnd("unshare");
        requireOutsideTmp(jdk);
        try (OtlpReceiver receiver = new OtlpReceiver();
             AttachTarget target = AttachTarget.startUnder(jdk, launcher(new String[] {"unshare", "--pid", "--fork",
                     "--kill-child", "--mount", "--propagation", "private", "--"}, PRIVATE_TMP))) {
            long pid = target.jvmPid();
            assertTrue(new String(Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "status")))
                    .matches("(?s).*\nNStgid:\\s+" + pid + "\\s+1\n.*"), "the JVM is pid 1 in its namespace");
            attachTwiceAndCount(jdk, ChildJvm.agentJar(), target, pid, receiver, "container (pid 1)");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void anotherUsersJvmAttachedByRoot(String jdk) throws Exception {
        requireRootAnd("setpriv");
        // The command's jar where only root can read it: the command copies it into /tmp for the
        // target's user, owned by that user.
        Path privateDir = Files.createTempDirectory("portwatch-attach-private");
        Path jar = Files.copy(ChildJvm.agentJar(), privateDir.resolve("portwatch-agent.jar"));
        Path classes = readableCopyOf(Paths.get(AttachWorkload.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        try (TestUser user = TestUser.ensure();
             OtlpReceiver receiver = new OtlpReceiver();
             AttachTarget target = AttachTarget.startUnder(jdk, user.runAs(), classes)) {
            String copyOfUser = "-" + user.uid + ".jar";
            for (Path leftover : agentCopies(Paths.get("/tmp"))) {
                if (leftover.toString().endsWith(copyOfUser)) Files.delete(leftover); // of an interrupted run
            }
            assertEquals((int) user.uid, Files.getAttribute(Paths.get("/proc", Long.toString(target.pid())), "unix:uid"));
            attachTwiceAndCount(jdk, jar, target, target.pid(), receiver, "host");
            List<Path> copies = agentCopies(Paths.get("/tmp"));
            copies.removeIf(c -> !c.toString().endsWith(copyOfUser));
            try {
                assertEquals(1, copies.size(), () -> "the agent jar copied into /tmp for the target's user: " + copies);
                assertEquals((int) user.uid, Files.getAttribute(copies.get(0), "unix:uid"), "owned by the target's user");
                assertEquals((int) user.gid, Files.getAttribute(copies.get(0), "unix:gid"), "and group");
            } finally {
                target.close(); // before the copy goes: the JVM reads classes from it while it runs
                for (Path c : copies) Files.deleteIfExists(c);
            }
        } finally {
            deleteTree(privateDir);
            deleteTree(classes);
        }
    }

    /**
     * {@code list} shows the JVM as attachable, living {@code where}; the attach loads the agent;
     * 10 connections then are 10 spans; a second attach says "already running", and 5 more are 5
     * more spans (nothing instrumented twice); {@code list} then shows portwatch in it.
     */
    private static void attachTwiceAndCount(String jdk, Path jar, AttachTarget target, long pid, OtlpReceiver receiver,
                                            String where) throws Exception {
        Row before = Row.of(PortwatchCommand.runJar(jdk, jar, "list"), pid);
        assertEquals(where, before.where, before::toString);
        assertEquals("yes", before.attach, before::toString);
        assertEquals("no", before.portwatch, before::toString);

        ChildJvm.Result first = PortwatchCommand.runJar(jdk, jar, "attach", Long.toString(pid), "spans=all",
                "otel.exporter.otlp.endpoint=" + receiver.endpoint(), "otel.bsp.schedule.delay=200",
                "otel.service.name=attach-anywhere");
        assertEquals(0, first.exitCode, () -> first + "\n" + target);
        assertTrue(first.stdout.contains("tracking every TCP connection opened from now on"), first::toString);
        assertNoTriggerLeft(pid);
        target.command("burst 10", "burst done");
        assertEquals(10, receiver.awaitSpans(s -> outgoingTo(s, target.burstPort), 10, AttachTarget.WAIT).size(),
                () -> "spans: " + receiver.spans() + "\n" + target);

        ChildJvm.Result second = PortwatchCommand.runJar(jdk, jar, "attach", Long.toString(pid));
        assertEquals(0, second.exitCode, second::toString);
        assertTrue(second.stdout.contains("already running"), second::toString);
        target.command("burst 5", "burst done");
        assertEquals(15, receiver.awaitSpans(s -> outgoingTo(s, target.burstPort), 15, AttachTarget.WAIT).size(),
                "the second attach instrumented nothing twice: one span per connection");
        assertTrue(receiver.spans().stream().filter(s -> outgoingTo(s, target.burstPort))
                .allMatch(s -> "attach-anywhere".equals(s.service)), "the exporter settings came from the attach");

        Row after = Row.of(PortwatchCommand.runJar(jdk, jar, "list"), pid);
        assertEquals("yes", after.portwatch, after::toString);
    }

    private static boolean outgoingTo(ReceivedSpan s, int port) {
        return s.name.equals("tcp.connection") && "outgoing".equals(s.str("portwatch.direction"))
                && Long.valueOf(port).equals(s.num("network.peer.port"));
    }

    /** The trigger file is gone from both places the JVM looks: its /tmp and its working directory. */
    private static void assertNoTriggerLeft(long pid) throws IOException {
        String status = new String(Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "status")));
        String[] nstgid = status.replaceAll("(?s).*\nNStgid:\\s*([^\n]*)\n.*", "$1").trim().split("\\s+");
        String trigger = ".attach_pid" + nstgid[nstgid.length - 1];
        for (String dir : new String[] {"root/tmp", "cwd"}) {
            Path file = Paths.get("/proc", Long.toString(pid), dir, trigger);
            assertFalse(Files.exists(file), "left behind: " + file);
        }
    }

    /** One row of {@code list}, cut at the header's columns. */
    private static final class Row {
        final String line;
        final String portwatch;
        final String where;
        final String attach;

        private Row(String header, String line) {
            this.line = line;
            this.portwatch = column(header, line, "PORTWATCH", "WHERE");
            this.where = column(header, line, "WHERE", "ATTACH");
            this.attach = column(header, line, "ATTACH", "MAIN");
        }

        static Row of(ChildJvm.Result list, long pid) {
            assertEquals(0, list.exitCode, list::toString);
            String[] lines = list.stdout.split("\n");
            for (String l : lines) {
                if (l.startsWith(pid + " ")) return new Row(lines[0], l);
            }
            throw new AssertionError("pid " + pid + " not listed: " + list);
        }

        private static String column(String header, String line, String name, String next) {
            return line.substring(header.indexOf(name), Math.min(line.length(), header.indexOf(next))).trim();
        }

        @Override
        public String toString() {
            return line;
        }
    }

    private static String[] launcher(String[] first, String[] then) {
        List<String> words = new ArrayList<>(Arrays.asList(first));
        words.addAll(Arrays.asList(then));
        return words.toArray(new String[0]);
    }

    private static void requireRootAnd(String tool) throws Exception {
        assumeTrue("0".equals(NetNs.run(10, "id", "-u").output.trim()),
                "needs root, to create namespaces and users (CI runs as root)");
        assumeTrue(NetNs.run(10, "sh", "-c", "command -v " + tool).exitCode == 0, "needs " + tool + " (util-linux, iproute2)");
    }

    /** A private /tmp hides what lies under the host's /tmp: the target's JDK and classes must not. */
    private static void requireOutsideTmp(String jdk) throws Exception {
        for (Path p : new Path[] {Paths.get(jdk), Paths.get(AttachWorkload.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI()), ChildJvm.agentJar()}) {
            assumeFalse(p.toAbsolutePath().normalize().startsWith("/tmp"),
                    "needs the JDK and the build outside /tmp, which a private /tmp hides: " + p);
        }
    }

    /** The agent jars that the command copied into a /tmp ({@code portwatch-agent-SIZE-TIME-UID.jar}). */
    private static List<Path> agentCopies(Path tmp) throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(p -> p.getFileName().toString().matches("portwatch-agent-\\d+-\\d+-\\d+\\.jar"))
                    .collect(Collectors.toCollection(ArrayList::new));
        }
    }

    /** A folder in the host's /tmp holding a copy of the agent jar. */
    private static Path agentJarInTheHostsTmp() throws IOException {
        Path dir = Files.createTempDirectory("portwatch-attach-jar", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.copy(ChildJvm.agentJar(), dir.resolve("portwatch-agent.jar"));
        return dir;
    }

    /** A copy of a folder of classes that every user can read (the build's own folders may not let them). */
    private static Path readableCopyOf(Path classes) throws IOException {
        Path copy = Files.createTempDirectory("portwatch-attach-classes");
        try (Stream<Path> all = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path to = copy.resolve(classes.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to);
                Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return copy;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                new File(p.toString()).delete();
            }
        }
    }
}
