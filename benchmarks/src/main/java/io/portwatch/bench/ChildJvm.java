package io.portwatch.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts one measured JVM in a given {@link Variant}: the same java as the harness (or another JDK), a clean
 * environment (no inherited OTEL_ or PORTWATCH_ variables), the variant's agent and exporter. Its
 * standard error is the harness's. Run to its end, its standard output is read on a thread of the
 * harness's while the harness waits for the child, so that a child that hangs is killed at the
 * time limit instead of blocking a read; started piped, the harness bounds its own reads.
 */
final class ChildJvm {

    private final String javaBin;
    private final Variant.Jars jars;
    private final String endpoint;
    private final String serviceName;
    private final long timeoutSeconds;

    /** {@code endpoint} null: the child's agent gets no exporter configuration at all. */
    ChildJvm(Variant.Jars jars, String endpoint, String serviceName, long timeoutSeconds) {
        this(System.getProperty("java.home"), jars, endpoint, serviceName, timeoutSeconds);
    }

    /** A child on the JDK at {@code javaHome}. */
    ChildJvm(String javaHome, Variant.Jars jars, String endpoint, String serviceName, long timeoutSeconds) {
        this.javaBin = Paths.get(javaHome, "bin", "java").toString();
        this.jars = jars;
        this.endpoint = endpoint;
        this.serviceName = serviceName;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** Runs {@code java [variant's agent] [jvmArgs] command...} and returns its standard output. */
    String run(Variant variant, List<String> jvmArgs, String... command) throws IOException, InterruptedException {
        return run(variant, jvmArgs, (pid, line) -> { }, command);
    }

    /** What is told of a running child's output, line by line, with the child's process id. */
    interface LineWatcher {
        void line(long pid, String line);
    }

    /**
     * Runs {@code java [variant's agent] [jvmArgs] command...}, telling {@code watcher} each line
     * of its standard output as it comes, on a thread of the harness's (what the harness measures
     * of the child at the moment it prints a line), and returns that output. The harness waits for
     * the child, not for its output: a child that hangs is killed at the time limit.
     */
    String run(Variant variant, List<String> jvmArgs, LineWatcher watcher, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder pb = processBuilder(variant, jvmArgs, command);
        Process p = pb.start();
        StringBuilder text = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    watcher.line(p.pid(), line);
                    synchronized (text) {
                        text.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // the child was killed at its time limit: the caller says so
            }
        }, "child-output");
        reader.setDaemon(true);
        reader.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IOException("child did not finish in " + timeoutSeconds + " s: " + pb.command());
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        synchronized (text) {
            if (p.exitValue() != 0) {
                throw new IOException("child exited with " + p.exitValue() + ": " + pb.command() + "\n" + text);
            }
            return text.toString();
        }
    }

    /** Starts {@code java [variant's agent] command...} with its stdin and stdout piped to the harness, which drives it. */
    Process startPiped(Variant variant, String... command) throws IOException {
        return processBuilder(variant, Collections.emptyList(), command).start();
    }

    private ProcessBuilder processBuilder(Variant variant, List<String> jvmArgs, String... command) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        cmd.addAll(variant.jvmArgs(jars));
        cmd.addAll(jvmArgs);
        cmd.addAll(Arrays.asList(command));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("PORTWATCH_"));
        if (endpoint != null) {
            variant.exportTo(pb.environment(), endpoint, serviceName);
        }
        return pb;
    }

    /** The class path this harness was started from, for children that run its own classes. */
    static String ownClassPath() throws Exception {
        return new File(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    }
}
