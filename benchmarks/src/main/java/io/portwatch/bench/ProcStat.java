package io.portwatch.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Another process's {@code /proc/PID/stat} and its threads' (Linux): their state, and the CPU time
 * they spent, the kernel's included, read while the process runs.
 */
final class ProcStat {

    /** /proc counts CPU time in USER_HZ ticks, 100 a second on every architecture Linux has. */
    private static final double MICROS_PER_TICK = 10_000;

    private ProcStat() {
    }

    /** User and system CPU of process {@code pid} so far, all its threads, µs; NaN once it is gone. */
    static double processMicros(long pid) {
        try {
            return ticks(read(Paths.get("/proc", String.valueOf(pid), "stat"))) * MICROS_PER_TICK;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /**
     * User and system CPU so far of the threads of {@code pid} that an agent started
     * ({@link Variant#isAgentThreadKernelName}), µs; NaN once it is gone.
     */
    static double agentThreadsMicros(long pid) {
        long sum = 0;
        try {
            for (String stat : threads(pid)) {
                if (Variant.isAgentThreadKernelName(name(stat))) sum += ticks(stat);
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return sum * MICROS_PER_TICK;
    }

    /** The stat line of each thread of {@code pid}, but those that end while they are read. */
    static List<String> threads(long pid) throws IOException {
        List<String> stats = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    stats.add(read(task.resolve("stat")));
                } catch (NoSuchFileException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return stats;
    }

    /**
     * This JVM's descendant processes whose executable's name is {@code name} (the embedded
     * database's server, {@code mariadbd}); empty where the JDK cannot say.
     */
    static List<Long> descendantsNamed(String name) {
        List<Long> pids = new ArrayList<>();
        ProcessHandle.current().descendants().forEach(p -> {
            Path command = Paths.get(p.info().command().orElse("")).getFileName();
            if (command != null && command.toString().equals(name)) pids.add(p.pid());
        });
        return pids;
    }

    /*
     * A stat line is "pid (name) state ppid ...": the name in parentheses may hold anything, spaces
     * and parentheses too, so the fields are counted from its last ')'.
     */

    /** The thread's or process's name, as the kernel keeps it (15 characters at most). */
    static String name(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    /** Its state: R running, S sleeping, T stopped, ... */
    static char state(String stat) {
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    /** utime + stime: the 14th and 15th fields. */
    static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
    }
}
