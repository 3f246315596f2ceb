package io.portwatch.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap the agent keeps per tracked open connection. A child JVM ({@link HeapHold}) reads the
 * heap used after full collections, opens N loopback connections, holds them open and reads it
 * again once the agent has handled them: {@code (heap with N open - heap before) / N} is the heap
 * per open connection. Each connection is two sockets in the child (client and accepted), and the
 * agent tracks both: the figures are given per connection and per socket (= per tracked record).
 *
 * <p>Three variants, in an order rotated by one every round: no agent, portwatch with no
 * exporter, and portwatch exporting to {@link OtlpSink}. The agent's cost is each agent variant's
 * figure minus no agent's of the same round. The class histograms ({@code GC.class_histogram}) of
 * the last round are diffed the same way, (agent held - agent before) - (none held - none before),
 * to show which objects the agent keeps per connection.
 *
 * <p>Prints a table, writes {@code benchmarks/target/heap-per-connection.json} and keeps the last
 * round's histograms in {@code benchmarks/target/heap-histograms/}. Usage:
 * {@code HeapPerConnectionBench PORTWATCH_JAR [rounds] [connections]} (defaults 3, 5000).
 */
public final class HeapPerConnectionBench {

    private static final long CHILD_TIMEOUT_SECONDS = 180;
    /** A fixed heap size, so that every child sizes its heap and its G1 regions alike. */
    private static final List<String> CHILD_JVM_ARGS = List.of("-Xmx512m", "-XX:+UseG1GC");
    private static final int TOP_CLASSES = 15;

    /** The ways a child runs here; portwatch's with and without an exporter. */
    private enum Kind {
        NONE("none"), PORTWATCH("portwatch"), PORTWATCH_OTLP("portwatch+otlp");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** One child's result: the heap before and with the connections open, and the histograms of both. */
    private static final class Run {
        final long heapBaseline;
        final long heapHeld;
        final boolean stable;
        final String line;
        final Map<String, long[]> baseline;
        final Map<String, long[]> held;

        Run(String line, Map<String, long[]> baseline, Map<String, long[]> held) {
            this.heapBaseline = (long) AgentCostBench.field(line, "heapBaseline");
            this.heapHeld = (long) AgentCostBench.field(line, "heapHeld");
            this.stable = line.contains("stable=true");
            this.line = line;
            this.baseline = baseline;
            this.held = held;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: HeapPerConnectionBench PORTWATCH_JAR [rounds] [connections]");
            System.exit(2);
        }
        String jar = new File(args[0]).getAbsolutePath();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 5000;
        Object os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean) {
            // the children inherit this limit; each connection is two descriptors in the child
            long limit = ((com.sun.management.UnixOperatingSystemMXBean) os).getMaxFileDescriptorCount();
            if (2L * n + HeapHold.SPARE_FDS > limit) {
                System.err.printf("%d connections need %d file descriptors, ulimit -n is %d: use at most %d%n",
                        n, 2L * n + HeapHold.SPARE_FDS, limit, (limit - HeapHold.SPARE_FDS) / 2);
                System.exit(2);
            }
        }
        Variant.Jars jars = new Variant.Jars(jar, null);
        try (OtlpSink sink = new OtlpSink()) {
            ChildJvm quiet = new ChildJvm(jars, null, "heap-bench", CHILD_TIMEOUT_SECONDS);
            ChildJvm exporting = new ChildJvm(jars, sink.endpoint(), "heap-bench", CHILD_TIMEOUT_SECONDS);
            new HeapPerConnectionBench().run(quiet, exporting, ChildJvm.ownClassPath(), rounds, n);
            System.out.println("OTLP receiver: " + sink.received());
        }
    }

    private void run(ChildJvm quiet, ChildJvm exporting, String classPath, int rounds, int n) throws Exception {
        System.out.printf(Locale.ROOT, "JDK %s, %d cores, %d rounds, %d open connections (%d sockets) per run, child heap %s%n%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), rounds, n, 2 * n,
                CHILD_JVM_ARGS);
        Path histDir = Paths.get("benchmarks", "target", "heap-histograms");
        Files.createDirectories(histDir);
        Map<Kind, List<Double>> perConnection = new HashMap<>();
        Map<Kind, List<Double>> extra = new HashMap<>();
        Map<Kind, Run> lastRound = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (Kind k : Kind.values()) {
            perConnection.put(k, new ArrayList<>());
            extra.put(k, new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            List<Kind> order = new ArrayList<>(List.of(Kind.values()));
            Collections.rotate(order, -(r % order.size()));
            Map<Kind, Double> thisRound = new HashMap<>();
            for (Kind k : order) {
                Path hist = histDir.resolve(k.label);
                Run run = child(k == Kind.PORTWATCH_OTLP ? exporting : quiet, k, classPath, n, hist);
                check(k, n, run, problems);
                double per = (run.heapHeld - run.heapBaseline) / (double) n;
                thisRound.put(k, per);
                perConnection.get(k).add(per);
                lastRound.put(k, run);
                System.out.printf(Locale.ROOT, "round %d %-15s heap before=%,d with %d open=%,d -> %.1f B per connection%n",
                        r + 1, k.label, run.heapBaseline, n, run.heapHeld, per);
            }
            for (Kind k : Kind.values()) {
                extra.get(k).add(thisRound.get(k) - thisRound.get(Kind.NONE));
            }
        }

        System.out.println();
        System.out.println("| variant | heap per open connection (2 sockets), B | per socket, B | agent's extra per connection, B | per socket (tracked record), B |");
        System.out.println("|---|---|---|---|---|");
        for (Kind k : Kind.values()) {
            List<Double> p = perConnection.get(k);
            List<Double> e = extra.get(k);
            System.out.printf(Locale.ROOT, "| %s | %.0f (%.0f..%.0f) | %.0f | %s | %s |%n", k.label,
                    Comparison.median(p), Collections.min(p), Collections.max(p), Comparison.median(p) / 2,
                    k == Kind.NONE ? "" : String.format(Locale.ROOT, "%.0f (%.0f..%.0f)", Comparison.median(e),
                            Collections.min(e), Collections.max(e)),
                    k == Kind.NONE ? "" : String.format(Locale.ROOT, "%.0f (%.0f..%.0f)", Comparison.median(e) / 2,
                            Collections.min(e) / 2, Collections.max(e) / 2));
        }

        StringBuilder json = new StringBuilder();
        json.append(String.format(Locale.ROOT,
                "{\n  \"java\": \"%s\", \"cores\": %d, \"rounds\": %d, \"connections\": %d, \"sockets_per_connection\": 2, \"jvm_args\": \"%s\"",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), rounds, n,
                String.join(" ", CHILD_JVM_ARGS)));
        for (Kind k : Kind.values()) {
            json.append(",\n  \"").append(k.label).append("\": {");
            json.append(stats("bytes_per_connection", perConnection.get(k)));
            if (k != Kind.NONE) {
                json.append(", ").append(stats("agent_bytes_per_connection", extra.get(k)));
                json.append(String.format(Locale.ROOT, ", \"agent_bytes_per_socket_median\": %.1f",
                        Comparison.median(extra.get(k)) / 2));
            }
            json.append("}");
        }
        for (Kind k : new Kind[]{Kind.PORTWATCH, Kind.PORTWATCH_OTLP}) {
            List<String[]> top = histogramDiff(lastRound.get(Kind.NONE), lastRound.get(k), n);
            if (k == Kind.PORTWATCH) {
                System.out.printf(Locale.ROOT, "%nWhat %s keeps per open connection (last round's class histograms,"
                        + " (agent with %d open - agent before) - (none with %d open - none before), per connection):%n",
                        k.label, n, n);
                System.out.println("| class | instances | bytes |");
                System.out.println("|---|---|---|");
                for (String[] row : top) {
                    System.out.printf("| %s | %s | %s |%n", row[0], row[1].equals("null") ? "" : row[1], row[2]);
                }
            }
            json.append(",\n  \"histogram_").append(k.label).append("\": [");
            for (int i = 0; i < top.size(); i++) {
                json.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT,
                        "{\"class\": \"%s\", \"instances_per_connection\": %s, \"bytes_per_connection\": %s}",
                        top.get(i)[0].replace("\\", "\\\\").replace("\"", "\\\""), top.get(i)[1], top.get(i)[2]));
            }
            json.append("]");
        }
        json.append(",\n  \"problems\": [");
        for (int i = 0; i < problems.size(); i++) {
            json.append(i == 0 ? "" : ", ").append('"').append(problems.get(i).replace("\"", "'")).append('"');
        }
        json.append("]\n}\n");
        if (!problems.isEmpty()) {
            System.out.println("\nProblems (the figures above may be off):");
            problems.forEach(p -> System.out.println("  " + p));
        }
        Path out = Paths.get("benchmarks", "target", "heap-per-connection.json");
        Files.write(out, json.toString().getBytes(StandardCharsets.UTF_8));
        System.out.println("\nwritten: " + out + ", histograms of the last round in " + histDir);
    }

    private static Run child(ChildJvm child, Kind k, String classPath, int count, Path histPrefix)
            throws IOException, InterruptedException {
        List<String> jvmArgs = new ArrayList<>(CHILD_JVM_ARGS);
        Variant v = k == Kind.NONE ? Variant.NONE : Variant.PORTWATCH;
        String out = child.run(v, jvmArgs, "-cp", classPath, "io.portwatch.bench.HeapHold", String.valueOf(count),
                histPrefix.toAbsolutePath().toString());
        String line = null;
        for (String l : out.split("\n")) {
            if (l.startsWith("connections=")) line = l.trim();
        }
        if (line == null) {
            throw new IOException("no result line from HeapHold: " + out);
        }
        return new Run(line, parseHistogram(Paths.get(histPrefix + "-baseline.txt")),
                parseHistogram(Paths.get(histPrefix + "-held.txt")));
    }

    /** A run that did not settle, or whose agent lost or missed connections, is said, not hidden. */
    private static void check(Kind k, int count, Run run, List<String> problems) {
        if (!run.stable) {
            problems.add(k.label + " at " + count + ": heap did not settle: " + run.line);
        }
        if (k != Kind.NONE) {
            boolean ok = run.line.contains("tracked=" + count + " ") && run.line.contains("dropped=0 ")
                    && run.line.contains("untracked=0 ");
            if (!ok) {
                problems.add(k.label + " at " + count + ": the agent did not track every connection: " + run.line);
            }
        }
    }

    private static String stats(String name, List<Double> values) {
        StringBuilder runs = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            runs.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", values.get(i)));
        }
        return String.format(Locale.ROOT, "\"%s\": {\"median\": %.1f, \"min\": %.1f, \"max\": %.1f, \"runs\": [%s]}",
                name, Comparison.median(values), Collections.min(values), Collections.max(values), runs);
    }

    private static final Pattern HISTOGRAM_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    /** Lambda and hidden classes get a new number or address in every JVM. */
    private static final Pattern VOLATILE_NAME = Pattern.compile("(\\$\\$Lambda\\$)\\d+|/0x[0-9a-f]+");

    /** Class name → {instances, bytes}. */
    static Map<String, long[]> parseHistogram(Path file) throws IOException {
        Map<String, long[]> out = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Matcher m = HISTOGRAM_ROW.matcher(line);
            if (m.find()) {
                String name = VOLATILE_NAME.matcher(m.group(3)).replaceAll("$1");
                long[] row = out.computeIfAbsent(name, x -> new long[2]);
                row[0] += Long.parseLong(m.group(1));
                row[1] += Long.parseLong(m.group(2));
            }
        }
        return out;
    }

    /** The classes that grow most with the agent, per connection: {class, instances, bytes}, and a total row. */
    static List<String[]> histogramDiff(Run none, Run agent, int n) {
        Set<String> names = new HashSet<>();
        for (Run r : new Run[]{none, agent}) {
            names.addAll(r.baseline.keySet());
            names.addAll(r.held.keySet());
        }
        List<Object[]> rows = new ArrayList<>();
        long totalBytes = 0;
        for (String c : names) {
            long instances = get(agent.held, c, 0) - get(agent.baseline, c, 0) - get(none.held, c, 0) + get(none.baseline, c, 0);
            long bytes = get(agent.held, c, 1) - get(agent.baseline, c, 1) - get(none.held, c, 1) + get(none.baseline, c, 1);
            totalBytes += bytes;
            rows.add(new Object[]{c, instances, bytes});
        }
        rows.sort((a, b) -> Long.compare(Math.abs((Long) b[2]), Math.abs((Long) a[2])));
        List<String[]> out = new ArrayList<>();
        for (Object[] row : rows.subList(0, Math.min(TOP_CLASSES, rows.size()))) {
            out.add(new String[]{(String) row[0], String.format(Locale.ROOT, "%.2f", (Long) row[1] / (double) n),
                    String.format(Locale.ROOT, "%.1f", (Long) row[2] / (double) n)});
        }
        out.add(new String[]{"(all classes)", "null", String.format(Locale.ROOT, "%.1f", totalBytes / (double) n)});
        return out;
    }

    private static long get(Map<String, long[]> histogram, String c, int i) {
        long[] row = histogram.get(c);
        return row == null ? 0 : row[i];
    }
}
