package io.portwatch.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time of another process, and of the threads an agent started in it, from {@code /proc}
 * (Linux): what a JVM that is not this one spent, the kernel's time included, read while it runs.
 */
final class ProcCpu {

    /** /proc counts CPU time in USER_HZ ticks, 100 a second on every architecture Linux has. */
    private static final double MICROS_PER_TICK = 10_000;

    private ProcCpu() {
    }

    /** User and system CPU of process {@code pid} so far, all its threads, µs; NaN once it is gone. */
    static double processMicros(long pid) {
        return ticks(Paths.get("/proc", String.valueOf(pid), "stat")) * MICROS_PER_TICK;
    }

    /**
     * User and system CPU so far of the threads of {@code pid} that an agent started
     * ({@link Variant#isAgentThreadKernelName}), µs; NaN once it is gone.
     */
    static double agentThreadsMicros(long pid) {
        long sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks) {
                String stat = read(task.resolve("stat"));
                if (stat == null || !Variant.isAgentThreadKernelName(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')))) continue;
                sum += ticks(stat);
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return sum * MICROS_PER_TICK;
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

    private static double ticks(Path stat) {
        String text = read(stat);
        return text == null ? Double.NaN : ticks(text);
    }

    /** utime + stime: the 14th and 15th fields, counted after the name in parentheses (which may hold anything). */
    static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null; // the thread or process ended meanwhile
        }
    }
}
