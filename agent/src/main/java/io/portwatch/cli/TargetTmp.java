package io.portwatch.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A process's /tmp seen from here, through {@code /proc/PID/root/tmp}: its own /tmp whatever mount
 * namespace it has (a private /tmp, a container), which is where a JVM keeps its attach socket
 * ({@code .java_pid<NSPID>}, HotSpot always uses /tmp on Linux) and where the agent writes what
 * it has to say to the command. Reaching it needs root or the process's own user.
 */
final class TargetTmp {

    /** The file-type bits of {@code st_mode}, and their value for a socket. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final JavaProcess target;
    private final Path dir;

    TargetTmp(Path proc, JavaProcess target) {
        this.target = target;
        this.dir = proc.resolve(Long.toString(target.pid)).resolve("root").resolve("tmp");
    }

    /** The target's /tmp, as a path from here. */
    Path dir() {
        return dir;
    }

    /** A file in the target's /tmp: {@code /tmp/NAME} there. */
    Path resolve(String name) {
        return dir.resolve(name);
    }

    /** The JVM's attach socket, once its attach listener runs. */
    Path socket() {
        return dir.resolve(".java_pid" + target.nspid);
    }

    /** The trigger that makes the JVM start its attach listener on SIGQUIT, in its /tmp. */
    Path trigger() {
        return dir.resolve(".attach_pid" + target.nspid);
    }

    /**
     * Whether the attach socket is there and the target's: a socket file owned by the target's
     * user. One owned by anybody else is not trusted (in a shared /tmp another user could have
     * put it there to receive the agent's arguments).
     */
    boolean listening() {
        try {
            Map<String, Object> a = Files.readAttributes(socket(), "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
            return ((Integer) a.get("mode") & S_IFMT) == S_IFSOCK && ((Number) a.get("uid")).longValue() == target.uid;
        } catch (IOException | RuntimeException none) {
            return false;
        }
    }

    /** The owner's uid of a file (not following a link), -1 if it cannot be read. */
    static long ownerOf(Path file) {
        try {
            return ((Number) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
        } catch (IOException | RuntimeException unknown) {
            return -1;
        }
    }

    /** Whether a file here is a plain file of the target's user, as what the agent writes is. */
    boolean writtenByTarget(Path file) {
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && ownerOf(file) == target.uid;
    }

    /**
     * The lines of a file the agent wrote here, which is then deleted; null if there is none, or
     * if it is not a plain file of the target's user (then it is not the agent's).
     */
    List<String> readAndDelete(String name) throws IOException {
        Path file = resolve(name);
        try {
            return writtenByTarget(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : null;
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
