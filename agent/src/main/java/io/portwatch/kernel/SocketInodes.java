package io.portwatch.kernel;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The socket inodes a process holds open: each {@code /proc/PID/fd/N} that links to
 * {@code socket:[INODE]}. A table row whose {@code inode} is in the set belongs to that process
 * (this attributes ESTABLISHED and CLOSE_WAIT rows; TIME_WAIT rows have inode 0,
 * {@code Documentation/networking/proc_net_tcp.rst}).
 */
public final class SocketInodes {

    private static final String PREFIX = "socket:[";

    private SocketInodes() {}

    /**
     * Reads a {@code fd} directory. Descriptors closed while it is read are skipped.
     *
     * @return the socket inodes, sorted ascending, without duplicates
     */
    public static long[] read(Path fdDir) throws IOException {
        long[] inodes = new long[64];
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                long inode = inodeOf(fd);
                if (inode < 0) {
                    continue;
                }
                if (n == inodes.length) {
                    inodes = Arrays.copyOf(inodes, n * 2);
                }
                inodes[n++] = inode;
            }
        }
        Arrays.sort(inodes, 0, n);
        int unique = 0;
        for (int i = 0; i < n; i++) {
            if (unique == 0 || inodes[unique - 1] != inodes[i]) {
                inodes[unique++] = inodes[i];
            }
        }
        return Arrays.copyOf(inodes, unique);
    }

    /** True when {@code inode} is in a set returned by {@link #read}. */
    public static boolean contains(long[] sortedInodes, long inode) {
        return Arrays.binarySearch(sortedInodes, inode) >= 0;
    }

    /** The inode a {@code socket:[N]} link names, or -1 for any other descriptor or a vanished one. */
    static long inodeOf(Path fd) {
        String target;
        try {
            target = Files.readSymbolicLink(fd).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
        return parseSocketLink(target);
    }

    /** {@code socket:[12345]} gives 12345; anything else -1. */
    static long parseSocketLink(String target) {
        if (!target.startsWith(PREFIX) || !target.endsWith("]") || target.length() < PREFIX.length() + 2) {
            return -1;
        }
        long v = 0;
        for (int i = PREFIX.length(); i < target.length() - 1; i++) {
            char c = target.charAt(i);
            if (c < '0' || c > '9' || i - PREFIX.length() >= 19) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
