package io.portwatch.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code list} and {@code attach} learn from a fake /proc. */
class JavaProcessTest {

    @TempDir
    Path proc;

    private void process(long pid, long uid, String cmdline, String maps) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.write(dir.resolve("status"), ("Name:\tx\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n")
                .getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("cmdline"), cmdline.replace(' ', '\0').getBytes(StandardCharsets.UTF_8));
        if (maps != null) Files.write(dir.resolve("maps"), maps.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aJvmIsKnownByItsLibjvm() throws IOException {
        process(10, 1000, "/opt/jdk/bin/java -Xmx1g -cp a.jar:b.jar com.example.Main --port 8080",
                "7f00-7f01 r-xp 0 08:01 1 /opt/jdk/lib/server/libjvm.so\n");
        JavaProcess p = JavaProcess.read(proc, 10);
        assertTrue(p.jvm);
        assertEquals(1000, p.uid);
        assertEquals("com.example.Main", p.main);
        assertFalse(p.attachDisabled);
        assertFalse(p.portwatchLoaded);
    }

    @Test
    void anythingElseIsNotAJvm() throws IOException {
        process(11, 0, "sleep 60", "5500-5501 r-xp 0 08:01 1 /usr/bin/sleep\n");
        assertFalse(JavaProcess.read(proc, 11).jvm);
        assertNull(JavaProcess.read(proc, 12), "no such pid");
    }

    @Test
    void unreadableMapsFallBackToTheCommandName() throws IOException {
        process(13, 1000, "/usr/bin/java -jar app.jar", null);
        JavaProcess p = JavaProcess.read(proc, 13);
        assertTrue(p.jvm);
        assertEquals("-jar app.jar", p.main);
    }

    @Test
    void attachDisabledAndAgentPresentAreSeenOnTheCommandLine() throws IOException {
        process(14, 0, "java -XX:+DisableAttachMechanism -javaagent:/opt/portwatch-agent.jar=debug=true Main", null);
        JavaProcess p = JavaProcess.read(proc, 14);
        assertTrue(p.attachDisabled);
        assertTrue(p.portwatchLoaded);
    }

    @Test
    void listKeepsOnlyJvmsInPidOrder() throws IOException {
        process(30, 0, "java B", null);
        process(4, 0, "java A", null);
        process(7, 0, "bash", null);
        Files.createDirectories(proc.resolve("self"));
        List<JavaProcess> jvms = JavaProcess.all(proc);
        assertEquals(Arrays.asList(4L, 30L), Arrays.asList(jvms.get(0).pid, jvms.get(1).pid));
    }

    @Test
    void idsAndSignalsFromTheStatus() throws IOException {
        process(15, 0, "java Main", null);
        Files.write(proc.resolve("15/status"), ("Name:\tjava\nNStgid:\t15\t7\t1\nUid:\t1000\t1001\t1001\t1001\n"
                + "Gid:\t100\t101\t101\t101\nSigIgn:\t0000000000000000\nSigCgt:\t2000000181005ccf\n")
                .getBytes(StandardCharsets.UTF_8));
        JavaProcess p = JavaProcess.read(proc, 15);
        assertEquals(1, p.nspid, "the innermost namespace's pid");
        assertEquals(1001, p.uid, "effective");
        assertEquals(101, p.gid, "effective");
        assertTrue(p.handlesSigquit);
        assertTrue(JavaProcess.catchesSigquit("SigCgt:\t0000000000000004\n"));
        assertFalse(JavaProcess.catchesSigquit("SigCgt:\t0000000000000002\n"));
        process(16, 0, "java Main", null);
        assertEquals(16, JavaProcess.read(proc, 16).nspid, "no NStgid line: the pid itself");
    }

    /**
     * The JVM's performance-data file, found through its memory map and its own root, tells what
     * its command line may not: attach disabled in an options file, the Java version.
     */
    @Test
    void theJvmsOwnPerformanceDataSaysAttachIsDisabled() throws IOException {
        process(17, 0, "/usr/bin/java @options Main",
                "7f00-7f08 rw-s 00000000 fe:00 12 /tmp/hsperfdata_app/1\n");
        Path root = Files.createDirectories(proc.resolve("17-root"));
        Files.createSymbolicLink(proc.resolve("17/root"), root);
        Files.createDirectories(root.resolve("tmp/hsperfdata_app"));
        Files.write(root.resolve("tmp/hsperfdata_app/1"),
                PerfDataTest.perfData(PerfData.CAPABILITIES, "0100", PerfData.SPEC_VERSION, "1.8").array());
        JavaProcess p = JavaProcess.read(proc, 17);
        assertTrue(p.jvm, "its memory map has a performance-data file");
        assertTrue(p.attachDisabled);
        assertEquals(8, p.javaVersion);
    }

    @Test
    void mainSkipsOptionsAndTheirValues() {
        assertEquals("m/com.x.Main", mainOf("java --add-opens java.base/java.lang=ALL-UNNAMED -p mods -m m/com.x.Main")
                .substring(3));
        assertEquals("org.Main", mainOf("java -Dx=1 -classpath lib/* org.Main arg"));
        assertEquals("?", mainOf("java -version"));
    }

    private static String mainOf(String cmd) {
        return JavaProcess.main(Arrays.asList(cmd.split(" ")));
    }

    @Test
    void featureVersionFromTheReleaseFile() {
        assertEquals(17, JavaProcess.featureVersion("IMPLEMENTOR=\"Debian\"\nJAVA_VERSION=\"17.0.15\"\n"));
        assertEquals(25, JavaProcess.featureVersion("JAVA_VERSION=\"25\"\n"));
        assertEquals(8, JavaProcess.featureVersion("JAVA_VERSION=\"1.8.0_402\"\n"));
        assertEquals(0, JavaProcess.featureVersion("no version here\n"));
    }
}
