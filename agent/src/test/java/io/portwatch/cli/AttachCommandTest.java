package io.portwatch.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The attach command's refusals, against a fake /proc: each one line, none of them attaching. */
class AttachCommandTest {

    @TempDir
    Path proc;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int attach(long myUid, String... args) {
        return command(myUid, true).run(args, new PrintStream(out, true), new PrintStream(err, true));
    }

    /** The command of user {@code myUid} (group the same number), on a Java with or without Unix-domain sockets. */
    private AttachCommand command(long myUid, boolean unixSockets) {
        return new AttachCommand(proc, Paths.get("/opt/portwatch-agent.jar"), myUid, myUid, unixSockets, pid -> {
            throw new AssertionError("no signal is sent on a refusal");
        });
    }

    private String err() {
        return new String(err.toByteArray(), StandardCharsets.UTF_8).trim();
    }

    private void jvm(long pid, long uid, String cmdline, String release) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.write(dir.resolve("status"), ("Uid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n").getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("cmdline"), cmdline.replace(' ', '\0').getBytes(StandardCharsets.UTF_8));
        if (release != null) {
            Path home = Files.createDirectories(proc.resolve("jdk/bin"));
            Files.write(proc.resolve("jdk/release"), release.getBytes(StandardCharsets.UTF_8));
            Files.createSymbolicLink(dir.resolve("exe"), home.resolve("java"));
            Files.createSymbolicLink(dir.resolve("root"), Paths.get("/"));
        }
    }

    @Test
    void usageErrors() {
        assertEquals(AttachCommand.USAGE, attach(0));
        assertEquals(AttachCommand.USAGE, attach(0, "abc"));
        assertTrue(err().contains("'abc' is not a process id"), err());
    }

    @Test
    void settingsMustBeKeyValueWithoutCommas() throws IOException {
        jvm(5, 0, "java Main", null);
        assertEquals(AttachCommand.USAGE, attach(0, "5", "debug=true,kernel=false"));
        assertTrue(err().contains("without commas"), err());
    }

    @Test
    void noSuchProcess() {
        assertEquals(AttachCommand.FAILED, attach(0, "42"));
        assertEquals("portwatch: no process with pid 42", err());
    }

    @Test
    void notAJvm() throws IOException {
        jvm(6, 0, "/usr/bin/python3 serve.py", null);
        Files.write(proc.resolve("6/maps"), "1-2 r-xp 0 0:0 1 /usr/bin/python3\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(AttachCommand.FAILED, attach(0, "6"));
        assertEquals("portwatch: pid 6 is not a Java process (/usr/bin/python3 serve.py)", err());
    }

    @Test
    void attachDisabled() throws IOException {
        jvm(7, 0, "java -XX:+DisableAttachMechanism Main", null);
        assertEquals(AttachCommand.FAILED, attach(0, "7"));
        assertTrue(err().contains("-XX:+DisableAttachMechanism and cannot be attached to;"
                + " restart it with -javaagent:/opt/portwatch-agent.jar instead"), err());
    }

    @Test
    void anotherUsersJvmUnlessRoot() throws IOException {
        jvm(8, 1001, "java Main", null);
        assertEquals(AttachCommand.FAILED, attach(1000, "8"));
        assertTrue(err().startsWith("portwatch: pid 8 belongs to another user (uid 1001)"), err());
        assertTrue(err().contains("sudo -u '#1001'"), err());
    }

    @Test
    void tooOldAJava() throws IOException {
        jvm(9, 0, "java Main", "JAVA_VERSION=\"1.8.0_402\"\n");
        assertEquals(AttachCommand.FAILED, attach(0, "9"));
        assertEquals("portwatch: pid 9 runs Java 8; portwatch needs Java 11 or later", err());
    }

    @Test
    void anotherGroupUnlessRoot() throws IOException {
        jvm(10, 1000, "java Main", null);
        Files.write(proc.resolve("10/status"), "Uid:\t1000\t1000\t1000\t1000\nGid:\t50\t50\t50\t50\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(AttachCommand.FAILED, attach(1000, "10"));
        assertEquals("portwatch: pid 10 runs with group 50 and this command with group 1000; the JVM only accepts an attach"
                + " from its own user and group, or root: run this command with its group (sg '#50' ...) or as root", err());
        assertEquals("no: another group's", command(1000, true).label(JavaProcess.read(proc, 10)));
        assertEquals("yes", command(0, true).label(JavaProcess.read(proc, 10)));
    }

    @Test
    void aJvmThatSigquitWouldEnd() throws IOException {
        jvm(11, 0, "java -Xrs Main", null);
        Files.write(proc.resolve("11/status"), "Uid:\t0\t0\t0\t0\nSigCgt:\t0000000000000000\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(AttachCommand.FAILED, attach(0, "11"));
        assertTrue(err().startsWith("portwatch: pid 11 has no SIGQUIT handler (started with -Xrs?) and no attach listener"
                + " running; SIGQUIT would end it"), err());
        assertEquals("no: no SIGQUIT handler", command(0, true).label(JavaProcess.read(proc, 11)));
    }

    /**
     * Another mount namespace in our pid namespace: portwatch's own client reaches it; without
     * Unix-domain sockets (Java before 16 runs the command) the JDK's attach API cannot, and the
     * refusal says why and the ways round.
     */
    @Test
    void anotherMountNamespaceNeedsJava16ToRunTheCommand() throws IOException {
        jvm(12, 0, "java Main", null);
        Files.createDirectories(proc.resolve("self/ns"));
        Files.createDirectories(proc.resolve("12/ns"));
        Files.createSymbolicLink(proc.resolve("self/ns/mnt"), Paths.get("mnt:[4026531841]"));
        Files.createSymbolicLink(proc.resolve("12/ns/mnt"), Paths.get("mnt:[4026532000]"));
        Files.createSymbolicLink(proc.resolve("self/ns/pid"), Paths.get("pid:[4026531836]"));
        Files.createSymbolicLink(proc.resolve("12/ns/pid"), Paths.get("pid:[4026531836]"));
        JavaProcess p = JavaProcess.read(proc, 12);
        assertEquals("yes", command(0, true).label(p));
        assertEquals("no: needs Java 16+ here", command(0, false).label(p));
        assertEquals(AttachCommand.FAILED, command(0, false).run(new String[] {"12"}, new PrintStream(out, true),
                new PrintStream(err, true)));
        assertTrue(err().startsWith("portwatch: pid 12 has its own mount namespace, which only Java 16 or later can reach"
                + " from here (Unix-domain sockets)"), err());
        assertTrue(err().endsWith("nsenter -t 12 -m java -jar /opt/portwatch-agent.jar attach 12"), err());
    }

    @Test
    void copyIntoReplacesTheTargetWithTheGivenPermissionsAndLeavesNoPartialFile() throws IOException {
        Path from = Files.write(proc.resolve("page.html"), "<svg/>".getBytes(StandardCharsets.UTF_8));
        Path to = Files.write(proc.resolve("report.html"), "old".getBytes(StandardCharsets.UTF_8));
        TargetJar.copyInto(from, to, "rw-------", -1, -1);
        assertEquals("<svg/>", new String(Files.readAllBytes(to), StandardCharsets.UTF_8));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(to)));
        TargetJar.copyInto(from, proc.resolve("agent.jar"), "rw-r--r--", -1, -1);
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(proc.resolve("agent.jar"))));
        try (java.util.stream.Stream<Path> left = Files.list(proc)) {
            assertEquals(0, left.filter(p -> p.toString().endsWith(".partial")).count());
        }
    }
}
