package io.portwatch.bench;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;

/**
 * What an agent costs the classes an application loads once it runs: the 4,600 classes of the
 * sample app's jar (Spring Core, Connector/J, Commons, protobuf, HikariCP; a JDBC driver is declared
 * in it, so portwatch's library instrumentation is installed at start), loaded in child JVMs with
 * no agent, with portwatch and with the OpenTelemetry Java agent ({@link Variant}), after a wait
 * that lets both agents finish starting. Every class an agent's transformer is shown costs the
 * loading thread; this is the cost a large application pays at start-up, class by class. Prints
 * a table and writes {@code benchmarks/target/class-loading.json}. Usage:
 * {@code ClassLoadingBench PORTWATCH_JAR OTEL_JAVAAGENT_JAR SAMPLE_APP_JAR [rounds]}.
 */
public final class ClassLoadingBench {

    private static final long CHILD_TIMEOUT_SECONDS = 300;
    /** Long enough for portwatch to build its export and install Byte Buddy on two busy cores. */
    private static final String WAIT_MILLIS = "4000";

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: ClassLoadingBench PORTWATCH_JAR OTEL_JAVAAGENT_JAR SAMPLE_APP_JAR [rounds]");
            System.exit(2);
        }
        Variant.Jars jars = new Variant.Jars(new File(args[0]).getAbsolutePath(), new File(args[1]).getAbsolutePath());
        String sampleJar = new File(args[2]).getAbsolutePath();
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        try (OtlpSink sink = new OtlpSink()) {
            System.out.printf(Locale.ROOT, "JDK %s, %d cores, %d rounds, the classes of %s%n%n",
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), rounds, sampleJar);
            ChildJvm child = new ChildJvm(jars, sink.endpoint(), "class-loading-bench", CHILD_TIMEOUT_SECONDS);
            String classPath = ChildJvm.ownClassPath() + File.pathSeparator + sampleJar;
            Comparison cpu = new Comparison("class_loading_cpu_ms", "CPU of the thread loading the sample app's classes, ms");
            Comparison wall = new Comparison("class_loading_wall_ms", "time to load them, ms");
            for (int r = 0; r < rounds; r++) {
                for (Variant v : Variant.orderOfRound(r)) {
                    String out = child.run(v, Collections.emptyList(), "-cp", classPath,
                            "io.portwatch.bench.ClassLoading", WAIT_MILLIS, sampleJar);
                    cpu.add(v, AgentCostBench.field(out, "cpuMillis"));
                    wall.add(v, AgentCostBench.field(out, "wallMillis"));
                }
            }
            System.out.println(Comparison.header());
            System.out.println(cpu.row(true));
            System.out.println(wall.row(true));
            Path out = Paths.get("benchmarks", "target", "class-loading.json");
            Comparison.writeJson(out, String.format(Locale.ROOT, "\"java\": \"%s\", \"cores\": %d, \"rounds\": %d",
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), rounds),
                    Arrays.asList(cpu, wall));
            System.out.println("\nwritten: " + out);
        }
    }
}
