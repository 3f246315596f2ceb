package io.portwatch.it.support;

import io.portwatch.it.workload.AttachWorkload;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The child JVM of {@link AttachWorkload}, started without the agent (under a launcher that
 * changes its view of the host, if any) and driven through its stdin.
 */
public final class AttachTarget implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(20);

    public final Process process;
    final Path stdout;
    final Path stderr;
    final Writer commands;
    public int heldPort;
    public int serverPort;
    public int burstPort;

    private AttachTarget(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.commands = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    public static AttachTarget start(String jdk, String... jvmArgs) throws Exception {
        return startUnder(jdk, new String[0], jvmArgs);
    }

    public static AttachTarget startUnder(String jdk, String[] launcher, String... jvmArgs) throws Exception {
        return startUnder(jdk, launcher, null, jvmArgs);
    }

    /**
     * With {@code classPathCopy} (a copy of the test classes that the target's user can read, for
     * a JVM of another user) after the test classes on its class path, when not null.
     */
    public static AttachTarget startUnder(String jdk, String[] launcher, Path classPathCopy, String... jvmArgs) throws Exception {
        ChildJvm child = new ChildJvm(jdk).withoutAgent().commandPrefix(launcher);
        for (String a : jvmArgs) child.jvmArg(a);
        if (classPathCopy != null) child.classPath(classPathCopy);
        child.main(AttachWorkload.class, "120");
        Path out = Files.createTempFile("target", ".out");
        Path err = Files.createTempFile("target", ".err");
        AttachTarget t = new AttachTarget(child.start(out, err), out, err);
        String[] ready = t.await("ready ").split(" ");
        t.heldPort = Integer.parseInt(ready[1]);
        t.serverPort = Integer.parseInt(ready[2]);
        t.burstPort = Integer.parseInt(ready[3]);
        return t;
    }

    public long pid() {
        return process.pid();
    }

    /** Asks the workload to exit (its shutdown hooks run) and waits for it. */
    public void exit() throws Exception {
        commands.write("exit\n");
        commands.flush();
        assertTrue(process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS), "exited: " + this);
    }

    public void command(String line, String expectedReply) throws Exception {
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

    /** The JVM: the process started, or its child under a launcher that forks ({@code unshare --fork}). */
    public long jvmPid() {
        return process.children().findFirst().map(ProcessHandle::pid).orElse(process.pid());
    }

    @Override
    public void close() throws Exception {
        // A JVM killed leaves its attach socket; in our /tmp it would stay (a private one goes with its namespace).
        Path socket = null;
        if (process.isAlive() && sharesOurTmp()) {
            socket = Paths.get("/tmp", ".java_pid" + jvmPid());
        }
        // The JVM first: a launcher killed before it may leave it running (in its own pid namespace).
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        if (socket != null) Files.deleteIfExists(socket);
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
    }

    private boolean sharesOurTmp() {
        try {
            return Files.isSameFile(Paths.get("/tmp"), Paths.get("/proc", Long.toString(jvmPid()), "root", "tmp"));
        } catch (IOException | RuntimeException unknown) {
            return false;
        }
    }

    private static String read(Path p) throws IOException {
        return PortwatchCommand.read(p);
    }
}
