package io.portwatch.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;

/**
 * portwatch's own client of HotSpot's attach protocol (the one {@code jcmd} and jattach speak),
 * which reaches a JVM in any mount or pid namespace: every file is taken through
 * {@code /proc/PID/root} or {@code /proc/PID/cwd}, and every name uses the pid the JVM knows
 * itself by ({@link JavaProcess#nspid}). The steps:
 * <ol>
 *   <li>if the JVM's attach socket is not there yet, create the trigger file
 *       {@code .attach_pid<NSPID>} where the JVM looks for it and send it SIGQUIT: its signal
 *       handler sees the file and starts the attach listener, which creates the socket;</li>
 *   <li>connect to {@code /tmp/.java_pid<NSPID>} (its /tmp), as root or as the JVM's own user
 *       and group, the only peers the listener accepts;</li>
 *   <li>send protocol version 1, the command and exactly three arguments, each NUL-terminated;</li>
 *   <li>read to the end: the command's status on the first line, then its output.</li>
 * </ol>
 */
final class HotSpotAttach {

    /** What a {@code load} answered. */
    static final class Reply {
        /** The attach command's status: 0 when the listener ran the command. */
        final int status;
        /** Everything after the status line. */
        final String text;

        Reply(int status, String text) {
            this.status = status;
            this.text = text;
        }

        /**
         * Why the JVM did not load the agent {@code jar}, in one line; null when it did. The
         * listener's status says whether it ran the command; then, since Java 9, the command's
         * output says {@code return code: N}, N being what the agent's loader returned
         * ({@code java.lang.instrument}'s codes, which the JDK's own client translates the same way).
         */
        String loadFailure(String jar) {
            if (status != 0) {
                return "the JVM refused the agent (status " + status + ")" + (text.isEmpty() ? "" : ": " + oneLine(text));
            }
            String code = text.startsWith("return code:") ? text.substring("return code:".length()).trim() : text;
            int rc;
            try {
                rc = Integer.parseInt(code.split("\\s+")[0]);
            } catch (NumberFormatException e) {
                return text.isEmpty() ? null : "the JVM answered: " + oneLine(text);
            }
            switch (rc) {
                case 0:
                    return null;
                case 100:
                    return "the JVM could not open the agent jar " + jar + " (not found, unreadable, or no Agent-Class)";
                case 101:
                    return "the JVM could not add the agent jar " + jar + " to its class path";
                case 102:
                    return "the agent was loaded but failed to start; see that process's stderr";
                case -4:
                    return "the JVM ran out of memory loading the agent";
                default:
                    return "the JVM could not load the agent (return code " + rc + ")";
            }
        }
    }

    /** An attach that did not get as far as an answer; the message is the reason, in one line. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message);
        }
    }

    /** HotSpot reads each argument into a fixed buffer of this many bytes (protocol version 1). */
    static final int MAX_ARGUMENT_BYTES = 1024;

    private final Path proc;
    private final JavaProcess target;
    private final TargetTmp tmp;
    private final Signals signals;
    private final Duration listenerWait;
    private final Duration replyWait;

    HotSpotAttach(Path proc, JavaProcess target, TargetTmp tmp, Signals signals, Duration listenerWait, Duration replyWait) {
        this.proc = proc;
        this.target = target;
        this.tmp = tmp;
        this.signals = signals;
        this.listenerWait = listenerWait;
        this.replyWait = replyWait;
    }

    /**
     * {@code load instrument false JAR=OPTIONS}: the JVM loads the Java agent {@code jar} (a path
     * as the JVM sees it) and runs its {@code agentmain} with {@code options} before it answers.
     */
    Reply loadAgent(String jar, String options) throws Failure, IOException {
        String agent = jar + "=" + options;
        int bytes = agent.getBytes(StandardCharsets.UTF_8).length;
        if (bytes >= MAX_ARGUMENT_BYTES) {
            throw new Failure("the agent's path and arguments take " + bytes + " bytes; the attach protocol allows "
                    + (MAX_ARGUMENT_BYTES - 1));
        }
        try (SocketChannel channel = connect()) {
            channel.write(ByteBuffer.wrap(request("load", "instrument", "false", agent)));
            return parse(readToEnd(channel));
        }
    }

    /** The request: version 1, the command, and three arguments (empty ones to make three), each ending in NUL. */
    static byte[] request(String command, String... args) {
        if (args.length > 3) throw new IllegalArgumentException("at most 3 arguments");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String s : new String[] {"1", command}) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        for (int i = 0; i < 3; i++) {
            if (i < args.length) out.writeBytes(args[i].getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    /** The status line and the rest; a reply that does not start with a number is a protocol failure. */
    static Reply parse(String reply) throws Failure {
        int eol = reply.indexOf('\n');
        String first = (eol < 0 ? reply : reply.substring(0, eol)).trim();
        try {
            return new Reply(Integer.parseInt(first), eol < 0 ? "" : reply.substring(eol + 1).trim());
        } catch (NumberFormatException e) {
            throw new Failure(reply.isEmpty() ? "the JVM closed the attach connection without an answer"
                    : "the JVM answered something other than the attach protocol: " + oneLine(reply));
        }
    }

    private SocketChannel connect() throws Failure, IOException {
        if (tmp.listening()) {
            try {
                return UnixSockets.connect(tmp.socket());
            } catch (IOException stale) {
                // A socket left by an earlier JVM with the same pid (a container's pid 1): the
                // listener is started below, and replaces it.
            }
        }
        if (!target.handlesSigquit) {
            throw new Failure("pid " + target.pid + " has no SIGQUIT handler and its attach listener does not answer");
        }
        Path trigger = createTrigger();
        try {
            signals.quit(target.pid);
            return awaitListener();
        } finally {
            Files.deleteIfExists(trigger);
        }
    }

    /**
     * The trigger file, owned by this user (root, or the JVM's own user: the JVM ignores a
     * trigger of anybody else). In the JVM's /tmp first, where it changes nothing the application
     * sees; in its working directory, the other place HotSpot looks, when /tmp will not do.
     */
    private Path createTrigger() throws Failure {
        Path cwd = proc.resolve(Long.toString(target.pid)).resolve("cwd").resolve(".attach_pid" + target.nspid);
        String why = null;
        for (Path trigger : new Path[] {tmp.trigger(), cwd}) {
            try {
                Files.createFile(trigger);
            } catch (FileAlreadyExistsException e) {
                // Left by an attach that was interrupted: still a trigger the JVM accepts if it is
                // root's or the JVM user's, and removed with ours below.
                if (Files.isRegularFile(trigger, LinkOption.NOFOLLOW_LINKS) && trusted(TargetTmp.ownerOf(trigger))) {
                    return trigger;
                }
                why = trigger + " exists already, and is not root's nor the JVM user's";
                continue;
            } catch (IOException | RuntimeException e) {
                why = "cannot create " + trigger + " (" + e.getMessage() + ")";
                continue;
            }
            long owner = TargetTmp.ownerOf(trigger);
            if (trusted(owner)) return trigger;
            // A file system that maps owners (NFS root squash...) made it somebody else's.
            why = trigger + " belongs to uid " + owner + ", not to root nor to the JVM's user";
            try {
                Files.deleteIfExists(trigger);
            } catch (IOException ignored) {
                // said above; the JVM ignores such a file
            }
        }
        throw new Failure("cannot start pid " + target.pid + "'s attach listener: " + why);
    }

    /** Whether the JVM accepts a trigger file of this owner: root's or its own user's. */
    private boolean trusted(long owner) {
        return owner == 0 || owner == target.uid;
    }

    /** Connects as soon as the listener answers: the socket file appears, or replaces a stale one. */
    private SocketChannel awaitListener() throws Failure {
        long deadline = System.nanoTime() + listenerWait.toNanos();
        long pause = 20;
        IOException last = null;
        while (true) {
            if (tmp.listening()) {
                try {
                    return UnixSockets.connect(tmp.socket());
                } catch (IOException e) {
                    last = e;
                }
            }
            if (System.nanoTime() > deadline) break;
            sleep(pause);
            pause = Math.min(pause * 2, 200);
        }
        throw new Failure("pid " + target.pid + " did not start its attach listener within " + listenerWait.getSeconds()
                + " s (no socket " + tmp.socket() + (last == null ? "" : ", or it refused: " + last.getMessage())
                + "); a JVM busy in a long pause or a safepoint answers later: try again");
    }

    /** Everything the listener writes until it closes the connection, within {@link #replyWait}. */
    private String readToEnd(SocketChannel channel) throws Failure, IOException {
        channel.configureBlocking(false);
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        long deadline = System.nanoTime() + replyWait.toNanos();
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new Failure("pid " + target.pid + " did not answer within " + replyWait.getSeconds()
                            + " s; the agent may still be starting: see that process's stderr ([portwatch] lines)");
                }
                selector.select(left);
                selector.selectedKeys().clear();
                int n;
                while ((n = channel.read(buf)) > 0) {
                    reply.write(buf.array(), 0, n);
                    buf.clear();
                }
                if (n < 0) return new String(reply.toByteArray(), StandardCharsets.UTF_8);
            }
        }
    }

    private static String oneLine(String text) {
        String line = text.replace('\n', ' ').trim();
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    private static void sleep(long millis) throws Failure {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        }
    }
}
