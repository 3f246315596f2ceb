package io.portwatch.cli;

import net.bytebuddy.agent.ByteBuddyAgent;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code portwatch attach PID [key=value ...]}: loads the agent into a running JVM with the
 * attach mechanism (through byte-buddy-agent, which drives the JDK's {@code jdk.attach}), then
 * prints what the agent did there. Before attaching it checks, from {@code /proc}, everything
 * that would otherwise fail obscurely, or harm the process: attaching sends SIGQUIT to a process
 * that has no attach listener yet, and a program that is not a JVM would die of it.
 *
 * <p>The agent writes its answer to a file in the target's {@code /tmp} (named in the agent
 * arguments, {@code reply=}), read here through {@code /proc/PID/root}, so that it also works for
 * a JVM in a container. For the same reason the agent jar is copied into the target's
 * {@code /tmp} when the target cannot see or read this one.
 */
final class AttachCommand {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 3;

    private final Path proc;
    private final Path agentJar;
    private final long myUid;

    AttachCommand(Path proc, Path agentJar, long myUid) {
        this.proc = proc;
        this.agentJar = agentJar;
        this.myUid = myUid;
    }

    int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println("portwatch: usage: attach PID [key=value ...]");
            return USAGE;
        }
        long pid = pid(args[0], err);
        if (pid < 0) {
            return USAGE;
        }
        List<String> settings = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].indexOf('=') <= 0 || args[i].contains(",")) {
                err.println("portwatch: expected key=value without commas, got '" + args[i] + "'");
                return USAGE;
            }
            settings.add(args[i]);
        }
        JavaProcess target = attachable(pid, err);
        if (target == null) {
            return FAILED;
        }
        try {
            return attach(target, settings, out, err);
        } catch (IOException e) {
            err.println("portwatch: cannot attach to pid " + pid + ": " + e);
            return FAILED;
        }
    }

    /** The pid in {@code text}, or -1 after saying on {@code err} that it is none. */
    static long pid(String text, PrintStream err) {
        try {
            long pid = Long.parseLong(text);
            if (pid > 0) return pid;
        } catch (NumberFormatException e) {
            // said below
        }
        err.println("portwatch: '" + text + "' is not a process id (see: java -jar portwatch-agent.jar list)");
        return -1;
    }

    /** The process, when it may be attached to; else null, after one line on {@code err} saying why. */
    JavaProcess attachable(long pid, PrintStream err) {
        JavaProcess target = JavaProcess.read(proc, pid);
        String refusal = refusal(target, pid);
        if (refusal != null) {
            err.println("portwatch: " + refusal);
            return null;
        }
        return target;
    }

    /** Why this process must not be attached to, or null. */
    String refusal(JavaProcess target, long pid) {
        if (target == null) {
            return "no process with pid " + pid;
        }
        if (!target.jvm) {
            return "pid " + pid + " is not a Java process (" + String.join(" ", target.commandLine) + ")";
        }
        if (target.attachDisabled) {
            return "pid " + pid + " was started with -XX:+DisableAttachMechanism and cannot be attached to;"
                    + " restart it with -javaagent:" + agentJar + " instead";
        }
        if (myUid != 0 && target.uid >= 0 && target.uid != myUid) {
            return "pid " + pid + " belongs to another user (uid " + target.uid + "); the JVM only accepts"
                    + " an attach from its own user: run this command as that user (sudo -u '#" + target.uid
                    + "' java -jar " + agentJar + " attach " + pid + ")";
        }
        if (target.javaVersion > 0 && target.javaVersion < 11) {
            return "pid " + pid + " runs Java " + target.javaVersion + "; portwatch needs Java 11 or later";
        }
        if (!sameNamespace(pid, "mnt") && sameNamespace(pid, "pid")) {
            // The JDK looks for the target's attach socket through /proc/PID/root only when the
            // pid namespaces differ (a container); here it would look in our /tmp and time out.
            return "pid " + pid + " has its own mount namespace but shares our pid namespace, where the JDK's"
                    + " attach cannot find it; run this command inside its mount namespace: nsenter -t " + pid
                    + " -m java -jar " + agentJar + " attach " + pid;
        }
        return null;
    }

    private int attach(JavaProcess target, List<String> settings, PrintStream out, PrintStream err) throws IOException {
        if (target.portwatchLoaded) {
            out.println("portwatch is already in pid " + target.pid + "; attaching again changes nothing");
        }
        List<String> lines = load(target, settings, err);
        if (lines == null) {
            return FAILED;
        }
        out.println("pid " + target.pid + " (" + target.main + "):");
        boolean failed = false;
        for (String line : lines) {
            out.println("  " + line);
            failed |= line.startsWith("error:");
        }
        if (target.javaVersion >= 21 && !target.commandLine.contains("-XX:+EnableDynamicAgentLoading")) {
            out.println("note: Java 21+ prints a warning about a dynamically loaded agent on that process's stderr;"
                    + " -XX:+EnableDynamicAgentLoading at its start silences it (JEP 451)");
        }
        return failed ? FAILED : OK;
    }

    /**
     * Loads the agent into {@code target} with {@code agentArgs} and returns the lines its reply
     * file held, or null after saying on {@code err} why there are none.
     */
    List<String> load(JavaProcess target, List<String> agentArgs, PrintStream err) throws IOException {
        String replyName = "portwatch-attach-" + target.pid + "-" + token() + ".txt";
        String jar = jarForTarget(target, targetTmp(target));
        List<String> args = new ArrayList<>(agentArgs);
        args.add("reply=/tmp/" + replyName);
        try {
            ByteBuddyAgent.attach(new File(jar), Long.toString(target.pid), String.join(",", args));
        } catch (RuntimeException | LinkageError e) {
            err.println("portwatch: attach to pid " + target.pid + " failed: " + rootCause(e));
            return null;
        }
        Path reply = targetTmp(target).resolve(replyName);
        List<String> lines = Files.exists(reply) ? Files.readAllLines(reply, StandardCharsets.UTF_8) : null;
        Files.deleteIfExists(reply);
        if (lines == null) {
            err.println("portwatch: the agent was loaded into pid " + target.pid
                    + " but wrote no reply; see that process's stderr ([portwatch] lines)");
        }
        return lines;
    }

    /** The target's /tmp, seen from here: through /proc/PID/root, which is right in a container too. */
    Path targetTmp(JavaProcess target) {
        return proc.resolve(Long.toString(target.pid)).resolve("root").resolve("tmp");
    }

    static String token() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    /**
     * The path of the agent jar as the target will open it: this one, when the target shares our
     * file system and its user may read it; else a copy in the target's own {@code /tmp}.
     */
    private String jarForTarget(JavaProcess target, Path targetTmp) throws IOException {
        boolean sameFiles = sameNamespace(target.pid, "mnt");
        boolean readable = target.uid == myUid || worldReadable(agentJar);
        if (sameFiles && readable) {
            return agentJar.toString();
        }
        String name = "portwatch-agent-" + Files.size(agentJar) + "-" + agentJar.toFile().lastModified() + ".jar";
        copyInto(agentJar, targetTmp.resolve(name), "rw-r--r--");
        return "/tmp/" + name;
    }

    /**
     * Copies {@code from} to {@code to} through a new file beside it that has {@code permissions}
     * before any byte is written, then moves it into place: {@code to} is never half written, nor
     * readable by others for a moment when it should not be.
     */
    static void copyInto(Path from, Path to, String permissions) throws IOException {
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString(permissions);
        Path partial = Files.createTempFile(to.toAbsolutePath().getParent(), "." + to.getFileName(), ".partial",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.setPosixFilePermissions(partial, perms); // what the umask may take away at creation
            try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.TRUNCATE_EXISTING)) {
                Files.copy(from, out);
            }
            Files.move(partial, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Whether the process shares this one's namespace of a kind ("mnt", "pid"); true if unknown. */
    private boolean sameNamespace(long pid, String kind) {
        try {
            return Files.readSymbolicLink(proc.resolve("self/ns/" + kind))
                    .equals(Files.readSymbolicLink(proc.resolve(pid + "/ns/" + kind)));
        } catch (IOException | RuntimeException unknown) {
            return true;
        }
    }

    /** Whether the jar and every folder above it let any user read it. */
    private static boolean worldReadable(Path jar) {
        try {
            if (!PosixFilePermissions.toString(Files.getPosixFilePermissions(jar)).substring(6).startsWith("r")) {
                return false;
            }
            for (Path dir = jar.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
                if (PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)).charAt(8) != 'x') return false;
            }
            return true;
        } catch (IOException | RuntimeException unknown) {
            return false;
        }
    }

    /** The innermost cause's class and message: what the JDK's attach said, without the wrapping. */
    static String rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        String name = c.getClass().getSimpleName();
        return c.getMessage() == null ? name : name + ": " + c.getMessage();
    }

    static Path thisJar() {
        try {
            return Paths.get(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IllegalStateException("cannot locate the agent jar", e);
        }
    }
}
