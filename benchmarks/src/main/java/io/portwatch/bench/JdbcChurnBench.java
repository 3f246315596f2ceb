package io.portwatch.bench;

import io.portwatch.sample.DatabaseTarget;
import io.portwatch.sample.EmbeddedDatabase;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What an agent costs a JDBC application that opens a new connection per write (the founding
 * incident): the sample app's {@code churn} mode against one embedded MariaDB, started once here
 * and shared by every run, in child JVMs with no agent, with portwatch and with the OpenTelemetry
 * Java agent ({@link Variant}), rotating the order round by round. Every counted run starts on an
 * empty table ({@link #emptyTable}). TLS is off
 * ({@code sslMode=DISABLED}): with it, the handshake's CPU would hide what the agents cost.
 *
 * <p>The database runs on the same machine and takes CPU of its own: the ratios are what this
 * machine shows, not the cost on a machine with a remote database. Over the same last third, the
 * CPU per write of the application's JVM, of the agent's threads in it and of the database,
 * each read from {@code /proc} as the progress line comes ({@link Progress}), say where the time
 * went, with less noise than the rate. Prints a table and writes
 * {@code benchmarks/target/jdbc-churn.json}. Usage:
 * {@code JdbcChurnBench PORTWATCH_JAR OTEL_JAVAAGENT_JAR SAMPLE_APP_JAR [rounds] [writes] [threads]}.
 */
public final class JdbcChurnBench {

    private static final long CHILD_TIMEOUT_SECONDS = 600;

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: JdbcChurnBench PORTWATCH_JAR OTEL_JAVAAGENT_JAR SAMPLE_APP_JAR [rounds] [writes] [threads]");
            System.exit(2);
        }
        Variant.Jars jars = new Variant.Jars(new File(args[0]).getAbsolutePath(), new File(args[1]).getAbsolutePath());
        String sampleJar = new File(args[2]).getAbsolutePath();
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        // 150,000: a run of about 35 s. The JIT compiles the driver's code for the first 12 s with
        // no agent and for 17 to 20 s with an agent (on two cores its one C2 thread shares them with
        // the writers and the database), and the rate rises by half when it is done; the last third
        // of such a run is past that in every variant. At 30,000 writes, "the second half" was
        // still the JIT's warm-up, and read the agents' compilations as a cost per write.
        int writes = args.length > 4 ? Integer.parseInt(args[4]) : 150000;
        int threads = args.length > 5 ? Integer.parseInt(args[5]) : 8;

        try (OtlpSink sink = new OtlpSink(); EmbeddedDatabase db = EmbeddedDatabase.start()) {
            System.out.printf(Locale.ROOT, "JDK %s, %d cores, MariaDB %s on 127.0.0.1:%d, %d rounds of %d writes, %d threads%n%n",
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                    EmbeddedDatabase.MARIADB_VERSION, db.port(), rounds, writes, threads);
            ChildJvm child = new ChildJvm(jars, sink.endpoint(), "jdbc-churn-bench", CHILD_TIMEOUT_SECONDS);
            List<String> app = sampleApp(sampleJar, db.target(), writes, threads);
            // One run first, not counted: the database's first writes (table creation, cold buffers) are slower.
            child.run(Variant.NONE, Collections.emptyList(), sampleApp(sampleJar, db.target(), Math.min(writes, 500), threads)
                    .toArray(new String[0]));

            List<Long> database = ProcStat.descendantsNamed("mariadbd");
            Comparison rate = new Comparison("jdbc_churn", "writes/s over the whole run, new connection per write, "
                    + threads + " threads");
            Comparison steady = new Comparison("jdbc_churn_steady", "writes/s over the last third of the run (warm)");
            Comparison cpu = new Comparison("jdbc_cpu", "CPU of the application's JVM per write over the last third, µs"
                    + " (the agent's threads, the JIT and the GC included)");
            Comparison agentCpu = new Comparison("jdbc_agent_cpu", "CPU of the agent's own threads per write over the last third, µs");
            Comparison databaseCpu = new Comparison("jdbc_database_cpu", "CPU of the database per write over the last third, µs");
            Comparison failed = new Comparison("jdbc_failed", "failed writes per run");
            for (int r = 0; r < rounds; r++) {
                for (Variant v : Variant.orderOfRound(r)) {
                    emptyTable(db.target());
                    Progress.Watch watch = new Progress.Watch(database);
                    String out = child.run(v, Collections.emptyList(), watch, app.toArray(new String[0]));
                    double whole = summaryValue(out, "rate");
                    Progress.Window warm = lastThird(watch.points());
                    rate.add(v, whole);
                    // A run shorter than two progress lines has no last third: its whole rate stands in.
                    steady.add(v, warm == null ? whole : warm.rate());
                    cpu.add(v, warm == null ? Double.NaN : warm.perWrite(p -> p.jvmMicros));
                    agentCpu.add(v, warm == null ? Double.NaN : warm.perWrite(p -> p.agentMicros));
                    databaseCpu.add(v, warm == null ? Double.NaN : warm.perWrite(p -> p.databaseMicros));
                    failed.add(v, summaryValue(out, "writes failed"));
                }
            }
            System.out.println(Comparison.header());
            for (Comparison c : Arrays.asList(rate, steady)) System.out.println(c.row(false));
            for (Comparison c : Arrays.asList(cpu, agentCpu, databaseCpu, failed)) System.out.println(c.row(true));
            Path out = Paths.get("benchmarks", "target", "jdbc-churn.json");
            Comparison.writeJson(out, String.format(Locale.ROOT,
                    "\"java\": \"%s\", \"cores\": %d, \"mariadb\": \"%s\", \"rounds\": %d, \"writes\": %d, \"threads\": %d",
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                    EmbeddedDatabase.MARIADB_VERSION, rounds, writes, threads),
                    Arrays.asList(rate, steady, cpu, agentCpu, databaseCpu, failed));
            System.out.println("\nwritten: " + out);
        }
    }

    /**
     * Empties the sample app's table. With the rows of all the runs before it kept, each round was
     * slower than the one before (no agent: the second half of a run at 3,738 writes/s in the first
     * round, 2,936 in the fifth), a drift that five rounds of three variants in rotation do not
     * share out evenly.
     */
    static void emptyTable(DatabaseTarget target) throws java.sql.SQLException {
        try (java.sql.Connection c = target.connect(); java.sql.Statement s = c.createStatement()) {
            s.execute("TRUNCATE TABLE " + io.portwatch.sample.SampleTable.NAME);
        }
    }

    /** The sample app's command line: churn mode, fixed writes, against the given database, TLS off. */
    static List<String> sampleApp(String jar, DatabaseTarget target, int writes, int threads) {
        return new ArrayList<>(Arrays.asList("-jar", jar, "--mode", "churn",
                "--threads", String.valueOf(threads), "--writes", String.valueOf(writes),
                "--jdbc-url", target.url(), "--user", target.user(), "--password", target.password(),
                "--jdbc-params", "sslMode=DISABLED"));
    }

    /**
     * From the progress line two thirds of the way through the run to the last one ({@code [  20.1s]
     * writes ok 7523, failed 0, ...}, every 2 s): in a run of the default length the JIT has
     * finished compiling by then, in every variant (see {@code writes} in main). Null when the run
     * printed fewer than two lines.
     */
    static Progress.Window lastThird(List<Progress> points) {
        if (points.size() < 2) return null;
        return new Progress.Window(points.get(2 * (points.size() - 1) / 3), points.get(points.size() - 1));
    }

    /** A number from the sample app's summary, e.g. {@code "  rate            612.3 writes/s"} for "rate". */
    static double summaryValue(String output, String label) {
        for (String line : output.split("\n")) {
            String t = line.trim();
            if (t.startsWith(label + " ")) {
                return Double.parseDouble(t.substring(label.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalArgumentException("no '" + label + "' line in the sample app's output:\n" + output);
    }
}
