package io.portwatch.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The agent jar where the target JVM can read it, and its path as the JVM sees it: this jar's own
 * path when the JVM sees this very file there and its user may read it; else a copy in the JVM's
 * own /tmp, made through {@code /proc/PID/root/tmp}, owned by the JVM's user and group.
 *
 * <p>The copy stays: the JVM reads classes and resources from the jar for as long as it runs.
 * Its name holds the jar's size and time and the user's uid, so that attaching again, or to
 * another JVM of the same user and /tmp, reuses it instead of adding one.
 */
final class TargetJar {

    private TargetJar() {}

    /** The path the JVM is to load the agent from, after making a copy there if it needs one. */
    static String pathFor(JavaProcess target, TargetTmp tmp, Path agentJar, Path targetRoot, long myUid) throws IOException {
        Path jar = agentJar.toAbsolutePath();
        boolean readable = target.uid == myUid || worldReadable(jar);
        // '=' would end the path early: the JVM splits "JAR=OPTIONS" at the first one.
        if (readable && !jar.toString().contains("=") && seenThere(jar, targetRoot)) {
            return jar.toString();
        }
        String name = "portwatch-agent-" + Files.size(jar) + "-" + Files.getLastModifiedTime(jar).toMillis()
                + "-" + target.uid + ".jar";
        Path copy = tmp.resolve(name);
        if (!isCopyOf(copy, jar, target.uid)) {
            copyInto(jar, copy, "rw-r--r--", myUid == 0 ? target.uid : -1, myUid == 0 ? target.gid : -1);
        }
        return "/tmp/" + name;
    }

    /** Whether the file at this path in the target's root is this very file (same device and inode). */
    private static boolean seenThere(Path jar, Path targetRoot) {
        try {
            return Files.isSameFile(jar, targetRoot.resolve(jar.toString().substring(1)));
        } catch (IOException | RuntimeException notThere) {
            return false;
        }
    }

    /** A copy left by an earlier attach: a plain file of the target's user with the same size. */
    private static boolean isCopyOf(Path copy, Path jar, long uid) {
        try {
            return Files.isRegularFile(copy, LinkOption.NOFOLLOW_LINKS) && TargetTmp.ownerOf(copy) == uid
                    && Files.size(copy) == Files.size(jar);
        } catch (IOException | RuntimeException unknown) {
            return false;
        }
    }

    /**
     * Copies {@code from} to {@code to} through a new file beside it that has {@code permissions}
     * (and the owner {@code uid}:{@code gid}, unless -1) before any byte is written, then moves it
     * into place: {@code to} is never half written, nor readable by others for a moment when it
     * should not be.
     */
    static void copyInto(Path from, Path to, String permissions, long uid, long gid) throws IOException {
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString(permissions);
        Path partial = Files.createTempFile(to.toAbsolutePath().getParent(), "." + to.getFileName(), ".partial",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            if (uid >= 0) Files.setAttribute(partial, "unix:uid", (int) uid);
            if (gid >= 0) Files.setAttribute(partial, "unix:gid", (int) gid);
            Files.setPosixFilePermissions(partial, perms); // what the umask may take away at creation
            try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.TRUNCATE_EXISTING)) {
                Files.copy(from, out);
            }
            Files.move(partial, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Whether the jar and every folder above it let any user read it. */
    private static boolean worldReadable(Path jar) {
        try {
            if (!PosixFilePermissions.toString(Files.getPosixFilePermissions(jar)).substring(6).startsWith("r")) {
                return false;
            }
            for (Path dir = jar.getParent(); dir != null; dir = dir.getParent()) {
                if (PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)).charAt(8) != 'x') return false;
            }
            return true;
        } catch (IOException | RuntimeException unknown) {
            return false;
        }
    }
}
