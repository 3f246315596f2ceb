package io.portwatch.kernel;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Which processes hold given sockets: every {@code /proc/PID/fd/N} that links to
 * {@code socket:[INODE]}, for the inodes asked about. The kernel shows another user's
 * descriptors only to root (or with {@code CAP_SYS_PTRACE}, {@code proc(5)}): a process whose
 * {@code fd} directory cannot be read is skipped and counted, never an error, and so is one that
 * exits while it is read. A socket may be shared by several processes (inherited across
 * {@code fork}); the first found is named.
 *
 * <p>The cost is a {@code readlink} per descriptor of every process, so a scan stops after
 * {@code maxLinks} of them ({@link #complete()} says whether it got through), and stops early once
 * every inode asked about is found.
 */
public final class SocketOwners {

    private final long[] inodes;
    private final int[] pids;
    private final Map<Integer, String> commands = new HashMap<>();
    private int unreadable;
    private boolean complete = true;
    private int linksRead;

    private SocketOwners(long[] sortedInodes) {
        this.inodes = sortedInodes;
        this.pids = new int[sortedInodes.length];
    }

    /**
     * Looks for the owners of {@code sortedInodes} (ascending, no duplicates) among the processes
     * under {@code proc}, leaving out {@code selfPid} (this JVM's own are known already).
     *
     * @throws IOException when the process list itself cannot be read
     */
    public static SocketOwners scan(ProcFs proc, long[] sortedInodes, long selfPid, int maxLinks) throws IOException {
        SocketOwners o = new SocketOwners(sortedInodes);
        if (sortedInodes.length == 0) return o;
        int left = sortedInodes.length;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(proc.proc(""))) {
            for (Path p : all) {
                int pid = pidOf(p.getFileName().toString());
                if (pid <= 0 || pid == selfPid) continue;
                if (o.linksRead >= maxLinks) {
                    o.complete = false;
                    break;
                }
                left -= o.scanProcess(p.resolve("fd"), pid, maxLinks);
                if (left == 0) break;
            }
        }
        for (int pid : o.pids) {
            if (pid > 0 && !o.commands.containsKey(pid)) o.commands.put(pid, proc.command(Integer.toString(pid)));
        }
        return o;
    }

    /** Reads one process's descriptors; returns how many sockets asked about it newly owns. */
    private int scanProcess(Path fdDir, int pid, int maxLinks) {
        int found = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                if (linksRead++ >= maxLinks) {
                    complete = false;
                    break;
                }
                long inode = SocketInodes.inodeOf(fd);
                if (inode < 0) continue;
                int i = Arrays.binarySearch(inodes, inode);
                if (i >= 0 && pids[i] == 0) {
                    pids[i] = pid;
                    found++;
                }
            }
        } catch (IOException | SecurityException | java.nio.file.DirectoryIteratorException e) {
            unreadable++; // another user's process, or one gone meanwhile
        }
        return found;
    }

    /** A {@code /proc} entry's pid, or -1 for anything that is not a process ({@code self}, {@code net}...). */
    static int pidOf(String name) {
        if (name.isEmpty() || name.length() > 9) return -1;
        int v = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** The pid holding {@code inode}, or 0 when none was found (unreadable, gone, or past the bound). */
    public int owner(long inode) {
        int i = Arrays.binarySearch(inodes, inode);
        return i < 0 ? 0 : pids[i];
    }

    /** A found owner's command ({@code /proc/PID/comm}), or null when it could not be read. */
    public String command(int pid) {
        return commands.get(pid);
    }

    /** Processes whose descriptors could not be read. */
    public int unreadable() {
        return unreadable;
    }

    /** False when the scan stopped at its bound before every process was read. */
    public boolean complete() {
        return complete;
    }
}
