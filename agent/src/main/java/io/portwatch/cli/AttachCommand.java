package io.portwatch.cli;

import net.bytebuddy.agent.ByteBuddyAgent;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code portwatch attach PID [key=value ...]}: loads the agent into a running JVM, then prints
 * what the agent did there. Before attaching it checks, from {@code /proc}, everything that would
 * otherwise fail obscurely, or harm the process ({@link AttachAccess}): attaching sends SIGQUIT
 * to a JVM that has no attach listener yet, and a program that is not a JVM would die of it.
 *
 * <p>The attach itself is portwatch's own client of HotSpot's attach protocol
 * ({@link HotSpotAttach}), which reaches the JVM through {@code /proc/PID/root} whatever its
 * namespaces; on a Java older than 16, which has no Unix-domain sockets, the JDK's attach API
 * (through byte-buddy-agent) instead. The agent jar is put where the JVM can read it
 * ({@link TargetJar}), and the agent writes its answer to a file in the JVM's /tmp (named in the
 * agent arguments, {@code reply=}), read back here through {@code /proc/PID/root}.
 */
final class AttachCommand {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 3;

    /** How long a JVM may take to start its attach listener after SIGQUIT; the JDK's own client waits as long. */
    private static final Duration LISTENER_WAIT = Duration.ofSeconds(10);
    /** How long the agent may take to start and answer (it retransforms the JDK's socket classes). */
    private static final Duration REPLY_WAIT = Duration.ofSeconds(60);

    private final Path proc;
    private final Path agentJar;
    private final long myUid;
    private final AttachAccess access;
    private final Signals signals;

    AttachCommand(Path proc, Path agentJar, long myUid, long myGid, boolean unixSockets, Signals signals) {
        this.proc = proc;
        this.agentJar = agentJar;
        this.myUid = myUid;
        this.access = new AttachAccess(myUid, myGid, unixSockets, agentJar);
        this.signals = signals;
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
        String refusal = access.refusal(target, pid, target == null ? null : new TargetTmp(proc, target));
        if (refusal != null) {
            err.println("portwatch: " + refusal);
            return null;
        }
        return target;
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
        TargetTmp tmp = targetTmp(target);
        String replyName = "portwatch-attach-" + target.pid + "-" + token() + ".txt";
        String jar = TargetJar.pathFor(target, tmp, agentJar, proc.resolve(Long.toString(target.pid)).resolve("root"), myUid);
        List<String> args = new ArrayList<>(agentArgs);
        args.add("reply=/tmp/" + replyName);
        String failure = access.viaJdkApi() ? loadWithJdkApi(target, jar, String.join(",", args), err)
                : loadWithOwnClient(target, tmp, jar, String.join(",", args));
        if (failure != null) {
            tmp.readAndDelete(replyName);
            err.println("portwatch: attach to pid " + target.pid + " failed: " + failure);
            return null;
        }
        List<String> lines = tmp.readAndDelete(replyName);
        if (lines == null) {
            err.println("portwatch: the agent was loaded into pid " + target.pid
                    + " but wrote no reply; see that process's stderr ([portwatch] lines)");
        }
        return lines;
    }

    /** Through portwatch's own attach client; null when the JVM loaded the agent, else why not. */
    private String loadWithOwnClient(JavaProcess target, TargetTmp tmp, String jar, String options) throws IOException {
        HotSpotAttach.Reply reply;
        try {
            reply = new HotSpotAttach(proc, target, tmp, signals, LISTENER_WAIT, REPLY_WAIT).loadAgent(jar, options);
        } catch (HotSpotAttach.Failure e) {
            return e.getMessage();
        }
        return reply.loadFailure(jar);
    }

    /** Through the JDK's attach API, for a Java without Unix-domain sockets; null when it worked, else why not. */
    private static String loadWithJdkApi(JavaProcess target, String jar, String options, PrintStream err) {
        err.println("portwatch: note: Java " + Runtime.version().feature() + " runs this command, which has no"
                + " Unix-domain sockets (Java 16+): attaching through the JDK's attach API instead");
        try {
            ByteBuddyAgent.attach(new File(jar), Long.toString(target.pid), options);
            return null;
        } catch (RuntimeException | LinkageError e) {
            return rootCause(e);
        }
    }

    /** For {@code list}: whether this command can attach to {@code p}, "yes" or "no: " and why. */
    String label(JavaProcess p) {
        return access.label(p, targetTmp(p));
    }

    /** The target's /tmp, seen from here: through /proc/PID/root, whatever namespaces it has. */
    TargetTmp targetTmp(JavaProcess target) {
        return new TargetTmp(proc, target);
    }

    static String token() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
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
