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
        AttachCommand c = new AttachCommand(proc, Paths.get("/opt/portwatch-agent.jar"), myUid);
        return c.run(args, new PrintStream(out, true), new PrintStream(err, true));
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
    void copyIntoReplacesTheTargetWithTheGivenPermissionsAndLeavesNoPartialFile() throws IOException {
        Path from = Files.write(proc.resolve("page.html"), "<svg/>".getBytes(StandardCharsets.UTF_8));
        Path to = Files.write(proc.resolve("report.html"), "old".getBytes(StandardCharsets.UTF_8));
        AttachCommand.copyInto(from, to, "rw-------");
        assertEquals("<svg/>", new String(Files.readAllBytes(to), StandardCharsets.UTF_8));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(to)));
        AttachCommand.copyInto(from, proc.resolve("agent.jar"), "rw-r--r--");
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(proc.resolve("agent.jar"))));
        try (java.util.stream.Stream<Path> left = Files.list(proc)) {
            assertEquals(0, left.filter(p -> p.toString().endsWith(".partial")).count());
        }
    }
}
