package io.portwatch.it.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A child JVM started with {@code -javaagent:} the built jar, running one of the test workloads. */
public final class ChildJvm {

    /** What a finished child left behind. */
    public static final class Result {
        public final int exitCode;
        public final String stdout;
        public final String stderr;

        Result(int exitCode, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private final String javaHome;
    private String agentArgs;
    private boolean withAgent = true;
    private final List<String> jvmArgs = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private final List<String> extraClassPath = new ArrayList<>();
    private List<String> command = new ArrayList<>();
    private long timeoutSeconds = 120;
    /** The child's working directory; null: the test's own. */
    private Path workingDirectory;
    /** Words put before the java command, e.g. {@code ip netns exec NS}; empty by default. */
    private final List<String> commandPrefix = new ArrayList<>();

    public ChildJvm(String javaHome) {
        this.javaHome = javaHome;
    }

    /** The JDKs to run children on: the build's property, else the JDK running the tests. */
    public static List<String> javaHomes() {
        String homes = System.getProperty("portwatch.it.java.homes", System.getProperty("java.home"));
        return Arrays.stream(homes.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toList());
    }

    public static Path agentJar() {
        Path jar = Paths.get(System.getProperty("portwatch.agent.jar", "target/portwatch-agent.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("agent jar not built: " + jar.toAbsolutePath() + " (run mvn package first)");
        }
        return jar;
    }

    /** The Java feature version of a JDK, read from its {@code release} file. */
    public static int featureVersion(String javaHome) throws IOException {
        for (String line : Files.readAllLines(Paths.get(javaHome, "release"))) {
            if (line.startsWith("JAVA_VERSION=")) {
                String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                return Integer.parseInt(v.split("[.+-]")[0]);
            }
        }
        throw new IOException("no JAVA_VERSION in " + javaHome + "/release");
    }

    public ChildJvm agentArgs(String args) {
        this.agentArgs = args;
        return this;
    }

    public ChildJvm withoutAgent() {
        this.withAgent = false;
        return this;
    }

    /**
     * Exports to {@code receiver}, quickly, with a span for every connection ({@code spans=all}):
     * the tests count them. A test of the span policy gives {@code spans=} as an agent argument,
     * which wins over this environment variable.
     */
    public ChildJvm exportTo(OtlpReceiver receiver) {
        env.put("PORTWATCH_SPANS", "all");
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
        env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        env.put("OTEL_BSP_SCHEDULE_DELAY", "200");
        env.put("OTEL_METRIC_EXPORT_INTERVAL", "1000");
        env.put("OTEL_BLRP_SCHEDULE_DELAY", "200");
        env.put("OTEL_SERVICE_NAME", "portwatch-it");
        return this;
    }

    public ChildJvm env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public ChildJvm jvmArg(String arg) {
        jvmArgs.add(arg);
        return this;
    }

    /**
     * Runs the child inside network namespace {@code ns}: the command line becomes
     * {@code ip netns exec NS java ...} (needs root). The environment passes through.
     */
    public ChildJvm inNamespace(String ns) {
        commandPrefix.clear();
        commandPrefix.addAll(Arrays.asList("ip", "netns", "exec", ns));
        return this;
    }

    /** Words put before the java command, e.g. a wrapper that changes the child's view of the host. */
    public ChildJvm commandPrefix(String... words) {
        commandPrefix.clear();
        commandPrefix.addAll(Arrays.asList(words));
        return this;
    }

    public ChildJvm workingDirectory(Path dir) {
        this.workingDirectory = dir;
        return this;
    }

    public ChildJvm timeoutSeconds(long seconds) {
        this.timeoutSeconds = seconds;
        return this;
    }

    /**
     * Runs {@code mainClass} with {@code args}, on a class path of the directory or jar it came
     * from plus {@code extraClassPath}: never the agent's own classes, which must come from the
     * agent jar alone.
     */
    public ChildJvm main(Class<?> mainClass, String... args) {
        command = new ArrayList<>();
        command.add("-cp");
        List<String> cp = new ArrayList<>();
        cp.add(codeSource(mainClass));
        cp.addAll(extraClassPath);
        command.add(String.join(File.pathSeparator, cp));
        command.add(mainClass.getName());
        command.addAll(Arrays.asList(args));
        return this;
    }

    /** Adds the jar or directory {@code type} was loaded from to the child's class path. */
    public ChildJvm classPathOf(Class<?> type) {
        extraClassPath.add(codeSource(type));
        return this;
    }

    /** Adds a jar or directory to the child's class path. */
    public ChildJvm classPath(Path entry) {
        extraClassPath.add(entry.toString());
        return this;
    }

    private static String codeSource(Class<?> type) {
        try {
            return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs an executable jar with {@code args}. */
    public ChildJvm jar(Path jar, String... args) {
        command = new ArrayList<>();
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(Arrays.asList(args));
        return this;
    }

    public List<String> commandLine() {
        List<String> cmd = new ArrayList<>(commandPrefix);
        cmd.add(Paths.get(javaHome, "bin", "java").toString());
        if (withAgent) {
            cmd.add("-javaagent:" + agentJar().toAbsolutePath() + (agentArgs == null ? "" : "=" + agentArgs));
        }
        cmd.addAll(jvmArgs);
        cmd.addAll(command);
        return cmd;
    }

    public Process start(Path stdout, Path stderr) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(commandLine());
        pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("PORTWATCH_"));
        pb.environment().putAll(env);
        if (workingDirectory != null) pb.directory(workingDirectory.toFile());
        pb.redirectOutput(stdout.toFile());
        pb.redirectError(stderr.toFile());
        return pb.start();
    }

    /** Runs the child to its end (killed past the timeout) and returns what it printed. */
    public Result run() throws IOException, InterruptedException {
        File out = File.createTempFile("child", ".out");
        File err = File.createTempFile("child", ".err");
        try {
            Process p = start(out.toPath(), err.toPath());
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                throw new AssertionError("child JVM did not finish within " + timeoutSeconds + " s:\n"
                        + new Result(-1, read(out.toPath()), read(err.toPath())));
            }
            return new Result(p.exitValue(), read(out.toPath()), read(err.toPath()));
        } finally {
            out.delete();
            err.delete();
        }
    }

    private static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }
}
