package io.portwatch.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code /proc} says about a process, for {@code list} and {@code attach}: whose it is,
 * whether it is a JVM, what it runs, whether it can be attached to and whether portwatch is
 * already in it. Learned without touching the process: attaching to something that is not a JVM
 * would send it SIGQUIT, which ends most programs. What cannot be read stays unknown.
 */
final class JavaProcess {

    /** Launcher options whose value is the next argument. */
    private static final Set<String> OPTIONS_WITH_VALUE = new HashSet<>(Arrays.asList(
            "-cp", "-classpath", "--class-path", "-p", "--module-path", "--upgrade-module-path",
            "--add-modules", "--limit-modules", "--add-opens", "--add-exports", "--add-reads",
            "--patch-module", "--source", "--enable-native-access"));

    final long pid;
    /** Effective user id, -1 if unknown. */
    final long uid;
    final boolean jvm;
    /** The main class, {@code -jar FILE}, or {@code -m MODULE}; "?" if unknown. */
    final String main;
    final boolean attachDisabled;
    final boolean portwatchLoaded;
    /** The Java feature version (17, 25...), 0 if unknown. */
    final int javaVersion;
    final List<String> commandLine;

    private JavaProcess(long pid, long uid, boolean jvm, String main, boolean attachDisabled,
                        boolean portwatchLoaded, int javaVersion, List<String> commandLine) {
        this.pid = pid;
        this.uid = uid;
        this.jvm = jvm;
        this.main = main;
        this.attachDisabled = attachDisabled;
        this.portwatchLoaded = portwatchLoaded;
        this.javaVersion = javaVersion;
        this.commandLine = commandLine;
    }

    /** The process, or null when there is none with this pid. */
    static JavaProcess read(Path proc, long pid) {
        Path dir = proc.resolve(Long.toString(pid));
        String status = text(dir.resolve("status"));
        if (status == null) {
            return null;
        }
        List<String> cmd = commandLine(dir);
        String maps = text(dir.resolve("maps"));
        boolean jvm = maps != null ? maps.contains("/libjvm.so")
                : !cmd.isEmpty() && (cmd.get(0).equals("java") || cmd.get(0).endsWith("/java"));
        String environ = text(dir.resolve("environ"));
        boolean disabled = cmd.contains("-XX:+DisableAttachMechanism")
                || (environ != null && environ.contains("-XX:+DisableAttachMechanism"));
        return new JavaProcess(pid, effectiveUid(status), jvm, main(cmd), disabled,
                portwatchLoaded(dir, cmd), javaVersion(dir), cmd);
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

    private static long effectiveUid(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("Uid:")) {
                String[] ids = line.substring(4).trim().split("\\s+");
                if (ids.length > 1) return Long.parseLong(ids[1]);
            }
        }
        return -1;
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
