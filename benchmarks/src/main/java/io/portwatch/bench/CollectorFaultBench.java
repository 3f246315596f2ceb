package io.portwatch.bench;

import io.portwatch.sample.EmbeddedDatabase;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a collector that is down, hangs or is slow costs the application, against the same run
 * with no agent at all (issue #8: within 10%) and with a working collector: loopback connect +
 * close ({@link ChurnTimer}, one thread) and the sample app's JDBC churn (one connection per
 * write, embedded MariaDB, TLS off). The promise is about an application that runs on while its
 * collector is down, so the rates are taken warm: loopback after a warm-up of 60% as many
 * connections as measured (at 12,000 connections a second, 100,000 measured take 8 s: a shorter
 * window is mostly noise here), JDBC over the second half of each run (as {@link JdbcChurnBench});
 * the JDBC run's whole rate is shown too. The setups rotate round by round. Prints one table per
 * measure: the median rate of each setup, and its ratio to no agent (median, and min..max of the
 * same round's ratios). Usage:
 * {@code CollectorFaultBench PORTWATCH_JAR SAMPLE_APP_JAR [rounds] [connections] [writes]}.
 */
public final class CollectorFaultBench {

    private static final long CHILD_TIMEOUT_SECONDS = 600;
    /** A slow collector's delay per answer. */
    private static final long SLOW_MILLIS = 2_000;

    /** How the measured child runs. */
    enum Setup {
        NONE("no agent"),
        WORKING("portwatch, working collector"),
        REFUSED("portwatch, collector refuses"),
        HANGING("portwatch, collector hangs"),
        SLOW("portwatch, collector answers 2 s late");

        final String label;

        Setup(String label) {
            this.label = label;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: CollectorFaultBench PORTWATCH_JAR SAMPLE_APP_JAR [rounds] [connections] [writes]");
            System.exit(2);
        }
        Variant.Jars jars = new Variant.Jars(new File(args[0]).getAbsolutePath(), null);
        String sampleJar = new File(args[1]).getAbsolutePath();
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int connections = args.length > 3 ? Integer.parseInt(args[3]) : 100000;
        int writes = args.length > 4 ? Integer.parseInt(args[4]) : 5000;
        try (OtlpSink working = new OtlpSink(); OtlpSink slow = new OtlpSink(SLOW_MILLIS);
             HangingCollector hanging = new HangingCollector(); EmbeddedDatabase db = EmbeddedDatabase.start()) {
            Map<Setup, ChildJvm> children = new EnumMap<>(Setup.class);
            children.put(Setup.NONE, new ChildJvm(jars, null, "collector-fault-bench", CHILD_TIMEOUT_SECONDS));
            children.put(Setup.WORKING, new ChildJvm(jars, working.endpoint(), "collector-fault-bench", CHILD_TIMEOUT_SECONDS));
            children.put(Setup.REFUSED, new ChildJvm(jars, refusedEndpoint(), "collector-fault-bench", CHILD_TIMEOUT_SECONDS));
            children.put(Setup.HANGING, new ChildJvm(jars, hanging.endpoint(), "collector-fault-bench", CHILD_TIMEOUT_SECONDS));
            children.put(Setup.SLOW, new ChildJvm(jars, slow.endpoint(), "collector-fault-bench", CHILD_TIMEOUT_SECONDS));
            System.out.printf(Locale.ROOT, "JDK %s, %d cores, %d rounds; loopback: 1 thread, %d connections after %d;"
                            + " JDBC churn: %d writes, 8 threads%n%n", System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(), rounds, connections, warmUp(connections), writes);
            String classPath = ChildJvm.ownClassPath();
            Map<Setup, List<double[]>> loopback = measure(rounds, children, (child, variant) -> new double[] {
                    AgentCostBench.field(child.run(variant, Collections.emptyList(), "-cp", classPath,
                            "io.portwatch.bench.ChurnTimer", "1", String.valueOf(warmUp(connections)),
                            String.valueOf(connections)), "perSecond")});
            List<String> app = JdbcChurnBench.sampleApp(sampleJar, db.target(), writes, 8);
            // Not counted: the database's first writes (table creation, cold buffers) are slower.
            children.get(Setup.NONE).run(Variant.NONE, Collections.emptyList(),
                    JdbcChurnBench.sampleApp(sampleJar, db.target(), 500, 8).toArray(new String[0]));
            Map<Setup, List<double[]>> jdbc = measure(rounds, children, (child, variant) -> {
                String out = child.run(variant, Collections.emptyList(), app.toArray(new String[0]));
                double whole = JdbcChurnBench.summaryValue(out, "rate");
                double second = JdbcChurnBench.secondHalfRate(out);
                return new double[] {Double.isNaN(second) ? whole : second, whole};
            });
            System.out.println(table("loopback connect+close/s, 1 thread, warm", loopback, 0));
            System.out.println();
            System.out.println(table("JDBC churn writes/s, 8 threads, second half of each run", jdbc, 0));
            System.out.println();
            System.out.println(table("JDBC churn writes/s, 8 threads, whole run", jdbc, 1));
            System.out.println("\nexports received: working " + working.received() + "; slow " + slow.received());
        }
    }

    private static int warmUp(int connections) {
        return connections * 3 / 5;
    }

    /** One measured run of a child: its rates. */
    interface Run {
        double[] rates(ChildJvm child, Variant variant) throws Exception;
    }

    private static Map<Setup, List<double[]>> measure(int rounds, Map<Setup, ChildJvm> children, Run run) throws Exception {
        Map<Setup, List<double[]>> rates = new EnumMap<>(Setup.class);
        for (Setup s : Setup.values()) rates.put(s, new ArrayList<>());
        for (int r = 0; r < rounds; r++) {
            List<Setup> order = new ArrayList<>(List.of(Setup.values()));
            Collections.rotate(order, -(r % order.size()));
            for (Setup s : order) {
                rates.get(s).add(run.rates(children.get(s), s == Setup.NONE ? Variant.NONE : Variant.PORTWATCH));
            }
        }
        return rates;
    }

    /** A markdown table of the {@code which}-th rate of each run: each setup's median, and its ratio to no agent. */
    private static String table(String what, Map<Setup, List<double[]>> runs, int which) {
        StringBuilder sb = new StringBuilder("| " + what + " | median | vs no agent: median (min..max of the rounds) |\n|---|---|---|");
        List<Double> none = rates(runs.get(Setup.NONE), which);
        for (Setup s : Setup.values()) {
            List<Double> mine = rates(runs.get(s), which);
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < mine.size(); i++) ratios.add(mine.get(i) / none.get(i));
            sb.append(String.format(Locale.ROOT, "%n| %s | %.1f | %.3f (%.3f..%.3f) |", s.label, Comparison.median(mine),
                    Comparison.median(mine) / Comparison.median(none), Collections.min(ratios), Collections.max(ratios)));
        }
        return sb.toString();
    }

    private static List<Double> rates(List<double[]> runs, int which) {
        List<Double> out = new ArrayList<>();
        for (double[] r : runs) out.add(r[which]);
        return out;
    }

    /** A loopback port with nothing listening: connections to it are refused. */
    private static String refusedEndpoint() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    /** Accepts connections and never answers, holding them open until closed. */
    static final class HangingCollector implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        private final List<Socket> held = Collections.synchronizedList(new ArrayList<>());

        HangingCollector() throws IOException {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        held.add(server.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "hanging-collector");
            t.setDaemon(true);
            t.start();
        }

        String endpoint() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (held) {
                for (Socket s : held) s.close();
            }
        }
    }
}
