package io.portwatch.bench;

import io.portwatch.sample.EmbeddedDatabase;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a collector that is down, hangs or is slow costs the application, against the same
 * workload with no agent (issue #8 asks for 0.90 or more): loopback connect + close on one thread
 * (the agent's worst case) and the founding incident's JDBC churn (a new Connector/J connection
 * per insert, 8 threads, embedded MariaDB on the same machine), both from {@link SlicedChurn}.
 *
 * <p>Four child JVMs (no agent; portwatch with a refusing, a hanging and a slow collector) take
 * turns of one slice each per round, in an order that rotates round by round, the others stopped
 * (SIGSTOP) meanwhile. So the machine's other load falls on all of them alike (back-to-back runs
 * of identical JVMs differ by 20% on two shared cores; adjacent slices by about 2% when the
 * machine is calm), each child runs as long as the others (warm-up lasts tens of seconds and must
 * not favour the one that runs most), and an agent's deferred work (its threads' draining, kernel
 * reads, exports) runs in its own turn, never in another child's. The agent is charged somewhat
 * more than in a continuous run: its time-driven work (a kernel read is due at least every second)
 * falls due at the start of nearly every turn. The first rounds warm up and are not counted; each
 * counted slice with the agent is set against the no-agent slice of its round. Prints a table per
 * workload: each setup's median rate and the median (min..max) of its ratios to no agent.
 * Linux only (SIGSTOP, /proc). Usage:
 * {@code CollectorFaultBench PORTWATCH_JAR SAMPLE_APP_JAR [rounds] [warm-up rounds] [slice ms]}.
 */
public final class CollectorFaultBench {

    /** A slow collector's delay per answer. */
    private static final long SLOW_MILLIS = 2_000;
    private static final long REPLY_TIMEOUT_MILLIS = 60_000;
    private static final int JDBC_THREADS = 8;

    /** How a measured child runs. */
    enum Setup {
        NONE("no agent"),
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
            System.err.println("usage: CollectorFaultBench PORTWATCH_JAR SAMPLE_APP_JAR [rounds] [warm-up rounds] [slice ms]");
            System.exit(2);
        }
        Variant.Jars jars = new Variant.Jars(new File(args[0]).getAbsolutePath(), null);
        String sampleJar = new File(args[1]).getAbsolutePath();
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        int warmUpRounds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        long sliceMillis = args.length > 4 ? Long.parseLong(args[4]) : 1_500;
        String classPath = ChildJvm.ownClassPath() + File.pathSeparator + sampleJar;
        System.out.printf(Locale.ROOT, "JDK %s, %d cores; slices of %d ms, %d rounds counted after %d of warm-up (%.0f s per child)%n%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), sliceMillis, rounds,
                warmUpRounds, warmUpRounds * sliceMillis / 1000.0);
        String jdk = System.getProperty("java.home");
        try (FaultyCollectors collectors = new FaultyCollectors()) {
            try (Rounds loopback = new Rounds(jdk, jars, collectors.endpoints, sliceMillis)
                    .start("-cp", classPath, SlicedChurn.class.getName(), "loopback")) {
                System.out.println(loopback.play(warmUpRounds, false).play(rounds, true)
                        .table("loopback connect + close/s, 1 thread"));
            }
            try (EmbeddedDatabase db = EmbeddedDatabase.start();
                 Rounds jdbc = new Rounds(jdk, jars, collectors.endpoints, sliceMillis)
                         .start("-cp", classPath, SlicedChurn.class.getName(), "jdbc",
                                 db.target().url() + "?sslMode=DISABLED", EmbeddedDatabase.USER, db.target().password(),
                                 String.valueOf(JDBC_THREADS))) {
                System.out.println();
                System.out.println(jdbc.play(warmUpRounds, false).play(rounds, true)
                        .table("JDBC churn writes/s, " + JDBC_THREADS + " threads"));
            }
        }
    }

    /** A collector of each fault, listening on loopback until closed, and the endpoints to give the children. */
    static final class FaultyCollectors implements AutoCloseable {
        final Map<Setup, String> endpoints = new EnumMap<>(Setup.class);
        private final OtlpSink slow;
        private final HangingCollector hanging;

        FaultyCollectors() throws IOException {
            slow = new OtlpSink(SLOW_MILLIS);
            try {
                hanging = new HangingCollector();
            } catch (IOException e) {
                slow.close();
                throw e;
            }
            endpoints.put(Setup.REFUSED, refusedEndpoint());
            endpoints.put(Setup.HANGING, hanging.endpoint());
            endpoints.put(Setup.SLOW, slow.endpoint());
        }

        @Override
        public void close() throws IOException {
            try {
                hanging.close();
            } finally {
                slow.close();
            }
        }
    }

    /**
     * The four setups' children over one workload, taking their turns round after round, and the
     * rates of the counted rounds. The order rotates by one every round, counted or not.
     */
    static final class Rounds implements AutoCloseable {
        private final String javaHome;
        private final Variant.Jars jars;
        private final Map<Setup, String> endpoints;
        private final long sliceMillis;
        private final Map<Setup, Sliced> children = new EnumMap<>(Setup.class);
        private final Map<Setup, List<Double>> rates = new EnumMap<>(Setup.class);
        private int played;

        /** Children on the JDK at {@code javaHome}; {@code endpoints}: each faulty setup's collector. */
        Rounds(String javaHome, Variant.Jars jars, Map<Setup, String> endpoints, long sliceMillis) {
            this.javaHome = javaHome;
            this.jars = jars;
            this.endpoints = endpoints;
            this.sliceMillis = sliceMillis;
            for (Setup s : Setup.values()) rates.put(s, new ArrayList<>());
        }

        /**
         * Starts a child per setup running {@code command} (java's arguments after the agent's), all
         * stopped; if one cannot start, ends those that did.
         */
        Rounds start(String... command) throws Exception {
            try {
                for (Setup s : Setup.values()) children.put(s, new Sliced(s, javaHome, jars, endpoints.get(s), command));
            } catch (Exception e) {
                close();
                throw e;
            }
            return this;
        }

        /** Plays {@code n} rounds, a slice for each child; {@code counted}: their rates are kept. */
        Rounds play(int n, boolean counted) throws Exception {
            for (int i = 0; i < n; i++, played++) {
                List<Setup> order = new ArrayList<>(List.of(Setup.values()));
                Collections.rotate(order, played);
                for (Setup s : order) {
                    double rate = children.get(s).churn(sliceMillis);
                    if (counted) rates.get(s).add(rate);
                }
            }
            return this;
        }

        @Override
        public void close() throws Exception {
            for (Sliced c : children.values()) c.close();
        }

        /** Each counted round's rate of {@code setup} over that of no agent. */
        List<Double> ratios(Setup setup) {
            List<Double> mine = rates.get(setup);
            List<Double> none = rates.get(Setup.NONE);
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < mine.size(); i++) ratios.add(mine.get(i) / none.get(i));
            return ratios;
        }

        String table(String what) {
            StringBuilder sb = new StringBuilder("| " + what + " | median | vs no agent: median of the rounds' ratios (min..max) |\n|---|---|---|");
            for (Setup s : Setup.values()) {
                List<Double> ratios = ratios(s);
                sb.append(String.format(Locale.ROOT, "%n| %s | %.0f | %.3f (%.3f..%.3f) |", s.label, Comparison.median(rates.get(s)),
                        Comparison.median(ratios), Collections.min(ratios), Collections.max(ratios)));
            }
            sb.append("\n\nper slice, no agent: ").append(rounded(rates.get(Setup.NONE)));
            return sb.toString();
        }

        private static List<Long> rounded(List<Double> values) {
            List<Long> out = new ArrayList<>();
            for (double v : values) out.add(Math.round(v));
            return out;
        }
    }

    /** A child running {@link SlicedChurn}, stopped but while it churns a slice. */
    static final class Sliced implements AutoCloseable {
        private final Setup setup;
        private final Process process;
        private final BufferedReader replies;
        private final Writer commands;

        Sliced(Setup setup, String javaHome, Variant.Jars jars, String endpoint, String... command) throws Exception {
            this.setup = setup;
            this.process = new ChildJvm(javaHome, jars, endpoint, "collector-fault-bench", REPLY_TIMEOUT_MILLIS / 1000)
                    .startPiped(setup == Setup.NONE ? Variant.NONE : Variant.PORTWATCH, command);
            this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            String ready = reply();
            if (!"ready".equals(ready)) throw new IOException(this + ": expected ready, got " + ready);
            stop();
        }

        /** Lets the child churn for {@code millis}, then stops it again; its connections a second. */
        double churn(long millis) throws Exception {
            signal("CONT");
            commands.write("churn " + millis + "\n");
            commands.flush();
            String[] words = reply().split(" "); // churned N in NANOS
            stop();
            return Long.parseLong(words[1]) / (Long.parseLong(words[3]) / 1e9);
        }

        private String reply() throws Exception {
            long deadline = System.currentTimeMillis() + REPLY_TIMEOUT_MILLIS;
            while (!replies.ready()) {
                if (!process.isAlive() || System.currentTimeMillis() > deadline) throw new IOException(this + " gave no answer");
                Thread.sleep(1);
            }
            String line = replies.readLine();
            return line != null && line.startsWith("[") ? reply() : line; // the JVM's own log lines
        }

        /** Stops the child, and waits until every thread of it is stopped. */
        private void stop() throws Exception {
            signal("STOP");
            long deadline = System.currentTimeMillis() + REPLY_TIMEOUT_MILLIS;
            while (!allStopped()) {
                if (System.currentTimeMillis() > deadline) throw new IOException(this + " did not stop");
                Thread.sleep(1);
            }
        }

        private boolean allStopped() throws IOException {
            for (String stat : ProcStat.threads(process.pid())) {
                if (ProcStat.state(stat) != 'T') return false;
            }
            return true;
        }

        private void signal(String name) throws Exception {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) throw new IOException("kill -" + name + " failed");
        }

        @Override
        public void close() throws Exception {
            try {
                signal("CONT");
                commands.write("exit\n");
                commands.flush();
            } catch (IOException gone) {
                // it ended already
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        }

        @Override
        public String toString() {
            return "child (" + setup.label + ")";
        }
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
