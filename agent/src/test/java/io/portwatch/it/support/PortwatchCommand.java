package io.portwatch.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar portwatch-agent.jar ARGS...}, the command line, run to its end by the tests;
 * what it left is a {@link ChildJvm.Result}, like a workload's.
 */
public final class PortwatchCommand {

    private PortwatchCommand() {}

    /** {@code attach PID SETTINGS...} with the built jar, on the given JDK. */
    public static ChildJvm.Result attach(String jdk, long pid, String... settings) throws Exception {
        List<String> args = new ArrayList<>(Arrays.asList("attach", Long.toString(pid)));
        args.addAll(Arrays.asList(settings));
        return run(jdk, args.toArray(new String[0]));
    }

    /** The built jar's command, on the given JDK. */
    public static ChildJvm.Result run(String jdk, String... args) throws Exception {
        return runJar(jdk, ChildJvm.agentJar(), args);
    }

    /** The command of the agent jar at {@code jar} (a copy somewhere else), on the given JDK. */
    public static ChildJvm.Result runJar(String jdk, Path jar, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(Arrays.asList(Paths.get(jdk, "bin", "java").toString(), "-jar",
                jar.toAbsolutePath().toString()));
        cmd.addAll(Arrays.asList(args));
        return exec(cmd);
    }

    /** Any command line, killed past 60 s. */
    public static ChildJvm.Result exec(List<String> cmd) throws Exception {
        Path out = Files.createTempFile("attach", ".out");
        Path err = Files.createTempFile("attach", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("command did not finish within 60 s: " + cmd);
            }
            return new ChildJvm.Result(p.exitValue(), read(out), read(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }
}
