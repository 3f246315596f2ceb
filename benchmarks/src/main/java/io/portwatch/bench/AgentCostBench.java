package io.portwatch.bench;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What an agent costs the application, measured side by side on this machine: child JVMs with no
 * agent, with portwatch and with the OpenTelemetry Java agent ({@link Variant}), in an order that
 * rotates round by round so that drift hits all three alike. Both agents export to one
 * {@link OtlpSink} in this process.
 * <ul>
 *   <li>loopback connect + close throughput ({@link ChurnTimer}), 1 and 8 threads (8 threads make
 *       {@link #EIGHT_THREAD_SCALE} times as many connections), once the JVM is warm: after
 *       {@link #WARMUP_CONNECTIONS} connections, and the JIT's compilation time over the measured
 *       ones, which says whether it was;</li>
 *   <li>bytes allocated by the client threads per connect + close, as the throughput runs count
 *       them, and in runs of their own without thread-local allocation buffers
 *       ({@link #EXACT_ALLOCATION});</li>
 *   <li>process CPU per connect + close, the agent's threads included, once warm and over the
 *       warm-up's connections (JIT compilation included: what the first seconds cost); and the
 *       agent's own threads' CPU per connect + close;</li>
 *   <li>the peak resident memory of each run, at its end;</li>
 *   <li>start-up time of a hello-world main ({@link HelloWorld}), and its peak resident memory.</li>
 * </ul>
 * Prints a table and writes {@code benchmarks/target/agent-cost.json}. Usage:
 * {@code AgentCostBench PORTWATCH_JAR OTEL_JAVAAGENT_JAR [rounds] [connections]}.
 */
public final class AgentCostBench {

    /** Time limit of one child run: generous, but a hung child must not hang the benchmark. */
    private static final long CHILD_TIMEOUT_SECONDS = 600;

    private final ChildJvm child;
    private final String classPath;

    private AgentCostBench(ChildJvm child, String classPath) {
        this.child = child;
        this.classPath = classPath;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: AgentCostBench PORTWATCH_JAR OTEL_JAVAAGENT_JAR [rounds] [connections]");
            System.exit(2);
        }
        Variant.Jars jars = new Variant.Jars(new File(args[0]).getAbsolutePath(), new File(args[1]).getAbsolutePath());
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int connections = args.length > 3 ? Integer.parseInt(args[3]) : 60000;
        try (OtlpSink sink = new OtlpSink()) {
            ChildJvm child = new ChildJvm(jars, sink.endpoint(), "agent-cost-bench", CHILD_TIMEOUT_SECONDS);
            new AgentCostBench(child, ChildJvm.ownClassPath()).run(rounds, connections);
        }
    }

    /**
     * Connections made before the measured ones, at 1 thread (8 threads make
     * {@link #EIGHT_THREAD_SCALE} times as many): about 8 s. On two cores the JIT compiles the
     * agent's hot code for seconds; the measured window says how much it still compiled
     * ({@code jit_ms}), which shows whether it was warm.
     */
    private static final int WARMUP_CONNECTIONS = 100_000;

    /**
     * JVM options of the runs that count allocation apart: no thread-local allocation buffers, so
     * that every allocation is added to its thread's count as it is made. The throughput runs'
     * count (with the buffers, as applications run) is the target's; this one is shown beside it.
     */
    static final List<String> EXACT_ALLOCATION = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-UseTLAB");

    /** Rounds of the allocation runs: their figure mostly repeats to the byte, run to run. */
    private static final int ALLOCATION_ROUNDS = 3;

    /** Connections measured in an allocation run at 1 thread, after {@link #ALLOCATION_WARMUP}. */
    private static final int ALLOCATION_MEASURED = 20_000;
    private static final int ALLOCATION_WARMUP = 60_000;

    /**
     * How many times the 1-thread run's connections the 8-thread run makes, warm-up and measured
     * alike: on two cores 8 threads connect about three times as fast as one. With the same
     * count, their warm-up lasted 3 s against 7.5 s and their measured window half a second, and
     * the JIT was still compiling portwatch's code during it (0.26 to 0.51 s of compilation over
     * 150,000 connections after 100,000, against 0.03 to 0.08 s with no agent): the row measured
     * when the JIT ran more than what the agent costs. Scaled, both rows get about as long warm
     * and measured.
     */
    private static final int EIGHT_THREAD_SCALE = 3;

    /** Rounds of the hello-world's peak resident memory (see {@link #run}). */
    private static final int RSS_ROUNDS = 10;

    private void run(int rounds, int connections) throws Exception {
        System.out.printf(Locale.ROOT, "JDK %s, %d cores, %d rounds, %d connections measured per 1-thread run after %d,"
                        + " %d per 8-thread run after %d%n%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), rounds, connections,
                WARMUP_CONNECTIONS, EIGHT_THREAD_SCALE * connections, EIGHT_THREAD_SCALE * WARMUP_CONNECTIONS);
        List<Comparison> all = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        // Start-up first, before the churn runs below leave their TIME_WAITs for a minute: about
        // 100,000 of them, on the port of a test server that has closed its listener, which the
        // agent starting counts as that many destinations (+5 MB of peak memory), a cost of the
        // benchmark's own making. Short and noisy: twice as many rounds, at least ten.
        Comparison startup = new Comparison("startup_ms", "hello-world start to exit, ms");
        for (int r = 0; r < Math.max(rounds, 5) * 2; r++) {
            for (Variant v : Variant.orderOfRound(r)) {
                long t0 = System.nanoTime();
                child.run(v, Collections.emptyList(), "-cp", classPath, "io.portwatch.bench.HelloWorld");
                startup.add(v, (System.nanoTime() - t0) / 1e6);
            }
        }
        Comparison rss = new Comparison("peak_rss_kb", "peak resident memory of a hello-world, 2 s after start-up, kB");
        // Ten rounds: with portwatch the figure falls in two modes about 3 MB apart, run to run
        // (Native Memory Tracking puts the difference in the JVM's arena chunks, the JIT's and the
        // class loaders' scratch memory); three rounds could land all in one.
        for (int r = 0; r < RSS_ROUNDS; r++) {
            for (Variant v : Variant.orderOfRound(r)) {
                String out = child.run(v, Collections.emptyList(), "-cp", classPath, "io.portwatch.bench.HelloWorld", "2000");
                rss.add(v, kilobytes(out));
            }
        }
        for (int threads : new int[]{1, 8}) {
            String nThreads = threads == 1 ? "1 thread" : threads + " threads";
            int scale = threads == 1 ? 1 : EIGHT_THREAD_SCALE;
            int measured = scale * connections;
            int warmup = scale * WARMUP_CONNECTIONS;
            Comparison rate = new Comparison("churn_" + threads + "t", "loopback connect+close/s, " + nThreads);
            // At 8 threads a JVM's count falls in one of two modes 56 B apart, agent or not: the
            // JIT scalar-replaces the iterator and the StringBuilder of SocksSocketImpl.connect's
            // proxy lookup in some JVMs and not in others. Their means weigh the modes as they come.
            Comparison exactAlloc = Comparison.modal("alloc_exact_" + threads + "t",
                    "bytes allocated per connect+close on the client threads, counted without allocation buffers (mean), " + nThreads);
            Comparison alloc = Comparison.modal("alloc_" + threads + "t",
                    "bytes allocated per connect+close on the client threads, in the throughput runs (mean), " + nThreads);
            Comparison cpu = new Comparison("cpu_" + threads + "t", "process CPU per connect+close, µs (agent threads included), " + nThreads);
            Comparison agentCpu = new Comparison("agent_cpu_" + threads + "t",
                    "CPU of the agent's own threads per connect+close, µs, " + nThreads);
            Comparison warmupCpu = new Comparison("warmup_cpu_" + threads + "t",
                    "process CPU per connect+close over the first " + warmup + ", µs (JIT included), " + nThreads);
            Comparison jit = new Comparison("jit_ms_" + threads + "t",
                    "JIT compilation during the measured connections, ms (near 0: warm), " + nThreads);
            Comparison churnRss = new Comparison("churn_rss_kb_" + threads + "t",
                    "peak resident memory at the end of the run, kB, " + nThreads);
            for (int r = 0; r < rounds; r++) {
                for (Variant v : Variant.orderOfRound(r)) {
                    String line = churnTimer(v, Collections.emptyList(), threads, warmup, measured);
                    rate.add(v, field(line, "perSecond"));
                    alloc.add(v, field(line, "clientAllocBytesPerConnection"));
                    cpu.add(v, field(line, "processCpuMicrosPerConnection"));
                    agentCpu.add(v, field(line, "agentThreadsCpuMicrosPerConnection"));
                    warmupCpu.add(v, field(line, "warmupProcessCpuMicrosPerConnection"));
                    jit.add(v, field(line, "jitMillis"));
                    churnRss.add(v, field(line, "peakRssKb"));
                }
            }
            for (int r = 0; r < ALLOCATION_ROUNDS; r++) {
                for (Variant v : Variant.orderOfRound(r)) {
                    String line = churnTimer(v, EXACT_ALLOCATION, threads, scale * ALLOCATION_WARMUP, scale * ALLOCATION_MEASURED);
                    exactAlloc.add(v, field(line, "clientAllocBytesPerConnection"));
                }
            }
            for (Comparison c : new Comparison[]{rate, exactAlloc, alloc, cpu, agentCpu, warmupCpu, jit, churnRss}) {
                rows.add(c.row(c != rate));
                all.add(c);
            }
        }
        rows.add(startup.row(true));
        rows.add(rss.row(true));
        all.add(startup);
        all.add(rss);

        System.out.println(Comparison.header());
        rows.forEach(System.out::println);
        Path out = Paths.get("benchmarks", "target", "agent-cost.json");
        Comparison.writeJson(out, String.format(Locale.ROOT,
                "\"java\": \"%s\", \"cores\": %d, \"rounds\": %d, \"connections\": %d",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), rounds, connections), all);
        System.out.println("\nwritten: " + out);
    }

    /** One {@link ChurnTimer} run of variant {@code v} with {@code jvmArgs}: its output line. */
    private String churnTimer(Variant v, List<String> jvmArgs, int threads, int warmup, int measured)
            throws java.io.IOException, InterruptedException {
        return child.run(v, jvmArgs, "-cp", classPath, "io.portwatch.bench.ChurnTimer", String.valueOf(threads),
                String.valueOf(warmup), String.valueOf(measured));
    }

    /** The value of {@code name=value} in a child's output. */
    static double field(String output, String name) {
        for (String part : output.trim().split("\\s+")) {
            if (part.startsWith(name + "=")) return Double.parseDouble(part.substring(name.length() + 1));
        }
        throw new IllegalArgumentException("no " + name + " in: " + output);
    }

    /** The {@code NNN kB} line that {@link HelloWorld} prints (an agent may print lines of its own). */
    private static double kilobytes(String output) {
        for (String line : output.split("\n")) {
            if (line.trim().matches("\\d+ kB")) return Double.parseDouble(line.trim().split(" ")[0]);
        }
        throw new IllegalArgumentException("no resident set size in: " + output);
    }
}
