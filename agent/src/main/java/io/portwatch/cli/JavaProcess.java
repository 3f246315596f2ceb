package io.portwatch.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code /proc} says about a process, for {@code list} and {@code attach}: whose it is,
 * whether it is a JVM, what it runs, whether it can be attached to, whether portwatch is already
 * in it, and where it lives compared with this process (its mount and pid namespaces, its /tmp).
 * A JVM's own performance-data file, read through {@code /proc/PID/root}, adds what its command
 * line may not show. Learned without touching the process: attaching sends SIGQUIT, which ends a
 * program that has no handler for it. What cannot be read stays unknown.
 */
final class JavaProcess {

    /** Launcher options whose value is the next argument. */
    private static final Set<String> OPTIONS_WITH_VALUE = new HashSet<>(Arrays.asList(
            "-cp", "-classpath", "--class-path", "-p", "--module-path", "--upgrade-module-path",
            "--add-modules", "--limit-modules", "--add-opens", "--add-exports", "--add-reads",
            "--patch-module", "--source", "--enable-native-access"));

    final long pid;
    /** Effective user and group ids, -1 if unknown. */
    final long uid;
    final long gid;
    /**
     * The pid as the process sees it, in its own pid namespace (the last {@code NStgid} field):
     * the number in the names of its attach files. The same as {@link #pid} outside containers.
     */
    final long nspid;
    final boolean jvm;
    /** The main class, {@code -jar FILE}, or {@code -m MODULE}; "?" if unknown. */
    final String main;
    final boolean attachDisabled;
    final boolean portwatchLoaded;
    /** The Java feature version (17, 25...), 0 if unknown. */
    final int javaVersion;
    final List<String> commandLine;
    /**
     * Whether the process has a handler for SIGQUIT, which starts a JVM's attach listener. A
     * process without one dies of it: most programs, and a JVM started with {@code -Xrs} (which
     * starts its attach listener with it instead).
     */
    final boolean handlesSigquit;
    /** Where it lives, compared with this process: its own mount namespace, /tmp, pid namespace. */
    final boolean ownMountNamespace;
    final boolean ownTmp;
    final boolean ownPidNamespace;

    private JavaProcess(Path proc, long pid, String status) {
        Path dir = proc.resolve(Long.toString(pid));
        this.pid = pid;
        this.uid = idField(status, "Uid:");
        this.gid = idField(status, "Gid:");
        long ns = lastField(status, "NStgid:");
        this.nspid = ns > 0 ? ns : pid;
        this.commandLine = commandLine(dir);
        String maps = text(dir.resolve("maps"));
        Path perfFile = perfDataFile(dir, maps);
        Map<String, String> perf = perfFile == null ? new HashMap<>()
                : PerfData.strings(perfFile, new HashSet<>(Arrays.asList(PerfData.CAPABILITIES, PerfData.SPEC_VERSION)));
        this.jvm = maps != null ? maps.contains("/libjvm.so") || perfFile != null
                : !commandLine.isEmpty() && (commandLine.get(0).equals("java") || commandLine.get(0).endsWith("/java"));
        this.main = main(commandLine);
        String environ = text(dir.resolve("environ"));
        String capabilities = perf.get(PerfData.CAPABILITIES);
        this.attachDisabled = commandLine.contains("-XX:+DisableAttachMechanism")
                || (environ != null && environ.contains("-XX:+DisableAttachMechanism"))
                || (capabilities != null && capabilities.startsWith("0"));
        this.portwatchLoaded = portwatchLoaded(dir, commandLine);
        int perfVersion = perf.containsKey(PerfData.SPEC_VERSION) ? featureVersion(
                "JAVA_VERSION=" + perf.get(PerfData.SPEC_VERSION)) : 0;
        this.javaVersion = perfVersion > 0 ? perfVersion : javaVersion(dir);
        this.handlesSigquit = catchesSigquit(status);
        this.ownMountNamespace = !sameLink(proc, pid, "ns/mnt");
        this.ownPidNamespace = !sameLink(proc, pid, "ns/pid");
        this.ownTmp = ownMountNamespace && !sameFile(proc.resolve("self/root/tmp"), dir.resolve("root/tmp"));
    }

    /** The process, or null when there is none with this pid. */
    static JavaProcess read(Path proc, long pid) {
        String status = text(proc.resolve(Long.toString(pid)).resolve("status"));
        return status == null ? null : new JavaProcess(proc, pid, status);
    }

    /** Every JVM in {@code proc}, by pid. */
    static List<JavaProcess> all(Path proc) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) pids.add(Long.parseLong(name));
            }
        }
        Collections.sort(pids);
        List<JavaProcess> jvms = new ArrayList<>();
        for (long pid : pids) {
            JavaProcess p = read(proc, pid);
            if (p != null && p.jvm) jvms.add(p);
        }
        return jvms;
    }

    /** The running class or jar as the launcher was told it: the first argument that is not an option. */
    static String main(List<String> cmd) {
        for (int i = 1; i < cmd.size(); i++) {
            String a = cmd.get(i);
            if (a.equals("-jar") || a.equals("-m") || a.equals("--module")) {
                return i + 1 < cmd.size() ? a + " " + cmd.get(i + 1) : "?";
            }
            if (OPTIONS_WITH_VALUE.contains(a)) {
                i++;
            } else if (!a.startsWith("-")) {
                return a;
            }
        }
        return "?";
    }

    /** The effective id of a {@code Uid:} or {@code Gid:} line (real, effective, saved, fs), -1 if absent. */
    private static long idField(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                String[] ids = line.substring(key.length()).trim().split("\\s+");
                if (ids.length > 1) return Long.parseLong(ids[1]);
            }
        }
        return -1;
    }

    /** The last number of a status line, the innermost namespace's for {@code NStgid:}; -1 if absent. */
    private static long lastField(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                String[] ids = line.substring(key.length()).trim().split("\\s+");
                return ids[ids.length - 1].isEmpty() ? -1 : Long.parseLong(ids[ids.length - 1]);
            }
        }
        return -1;
    }

    /** Whether {@code SigCgt} (the signals with a handler) has SIGQUIT, signal 3, bit 2. */
    static boolean catchesSigquit(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("SigCgt:")) {
                return (new java.math.BigInteger(line.substring(7).trim(), 16).longValue() & (1L << 2)) != 0;
            }
        }
        return true; // no such line (not Linux /proc): unknown, as before this check existed
    }

    /**
     * The JVM's performance-data file, through its own root: the one its memory map names
     * ({@code /tmp/hsperfdata_USER/NSPID}), null without one ({@code -XX:-UsePerfData}).
     */
    private static Path perfDataFile(Path dir, String maps) {
        if (maps == null) return null;
        for (String line : maps.split("\n")) {
            int at = line.indexOf("/hsperfdata_");
            if (at < 0 || line.endsWith("(deleted)")) continue;
            int start = line.lastIndexOf(' ', at) + 1;
            Path file = dir.resolve("root").resolve(line.substring(start + 1).trim());
            if (Files.isRegularFile(file)) return file;
        }
        return null;
    }

    private static boolean sameLink(Path proc, long pid, String link) {
        try {
            return Files.readSymbolicLink(proc.resolve("self").resolve(link))
                    .equals(Files.readSymbolicLink(proc.resolve(Long.toString(pid)).resolve(link)));
        } catch (IOException | RuntimeException unknown) {
            return true;
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException | RuntimeException unknown) {
            return true;
        }
    }

    /** Told by the {@code -javaagent} option, or by a portwatch jar among the open files (attached). */
    private static boolean portwatchLoaded(Path dir, List<String> cmd) {
        for (String a : cmd) {
            if (a.startsWith("-javaagent:") && a.contains("portwatch")) return true;
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(dir.resolve("fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).getFileName().toString();
                } catch (IOException | RuntimeException gone) {
                    continue;
                }
                if (target.startsWith("portwatch") && target.endsWith(".jar")) return true;
            }
        } catch (IOException | RuntimeException unreadable) {
            // another user's process: its descriptors are private
        }
        return false;
    }

    /** From the {@code release} file of the JDK whose {@code bin/java} the process runs. */
    private static int javaVersion(Path dir) {
        try {
            Path exe = Files.readSymbolicLink(dir.resolve("exe"));
            Path home = exe.getParent() == null ? null : exe.getParent().getParent();
            if (home == null) return 0;
            // Through the process's own root: a JVM in a container sees its own file system.
            String release = text(dir.resolve("root").resolve(home.toString().substring(1)).resolve("release"));
            return release == null ? 0 : featureVersion(release);
        } catch (IOException | RuntimeException unknown) {
            return 0;
        }
    }

    /** {@code JAVA_VERSION="17.0.15"} gives 17, {@code "1.8.0_402"} gives 8; 0 if absent. */
    static int featureVersion(String release) {
        for (String line : release.split("\n")) {
            if (!line.startsWith("JAVA_VERSION=")) continue;
            String v = line.substring("JAVA_VERSION=".length()).replace("\"", "").trim();
            if (v.startsWith("1.")) v = v.substring(2);
            int end = 0;
            while (end < v.length() && Character.isDigit(v.charAt(end))) end++;
            return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
        }
        return 0;
    }

    private static List<String> commandLine(Path dir) {
        String raw = text(dir.resolve("cmdline"));
        if (raw == null || raw.isEmpty()) return Collections.emptyList();
        return Arrays.asList(raw.split("\0"));
    }

    private static String text(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
