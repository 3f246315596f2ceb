package io.portwatch.bench;

import com.sun.net.httpserver.HttpServer;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the agent costs the application, measured side by side on this machine: child JVMs with and
 * without {@code -javaagent}, run alternately (off, on, on, off, ...) so drift hits both alike.
 * <ul>
 *   <li>loopback connect + close throughput ({@link ChurnTimer}), 1 and 8 threads, the agent
 *       exporting to an OTLP receiver in this process that accepts and discards;</li>
 *   <li>bytes allocated by the client threads per connect + close;</li>
 *   <li>start-up time of a hello-world main, and resident memory after start-up.</li>
 * </ul>
 * Prints a table and writes {@code benchmarks/target/agent-cost.json}. Usage:
 * {@code AgentCostBench AGENT_JAR [rounds] [connections]}.
 */
public final class AgentCostBench {

    private final String javaBin;
    private final String agentJar;
    private final String classPath;
    private final String endpoint;

    private AgentCostBench(String agentJar, String endpoint) throws Exception {
        this.javaBin = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        this.agentJar = agentJar;
        this.classPath = Paths.get(AgentCostBench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        this.endpoint = endpoint;
    }

    public static void main(String[] args) throws Exception {
        String agentJar = new File(args.length > 0 ? args[0] : "agent/target/portwatch-agent.jar").getAbsolutePath();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 20000;
        HttpServer sink = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        sink.createContext("/", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        sink.start();
        if (args.length > 0 && args[0].equals("--sink-only")) {
            System.out.println("OTLP sink on http://127.0.0.1:" + sink.getAddress().getPort() + " (for profiling by hand)");
            Thread.sleep(Long.MAX_VALUE);
        }
        try {
            new AgentCostBench(agentJar, "http://127.0.0.1:" + sink.getAddress().getPort()).run(rounds, connections);
        } finally {
            sink.stop(0);
        }
    }

    private void run(int rounds, int connections) throws Exception {
        StringBuilder json = new StringBuilder("{\n  \"java\": \"" + System.getProperty("java.version") + "\",\n");
        System.out.printf("JDK %s, %d cores, %d rounds, %d connections per run%n%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), rounds, connections);
        System.out.println("| measure | without agent | with agent | ratio (with / without) | ratio min..max over rounds |");
        System.out.println("|---|---|---|---|---|");
        for (int threads : new int[]{1, 8}) {
            List<Double> off = new ArrayList<>();
            List<Double> on = new ArrayList<>();
            List<Double> allocOff = new ArrayList<>();
            List<Double> allocOn = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                boolean agentFirst = r % 2 == 1;
                double[] a = churn(agentFirst, threads, connections);
                double[] b = churn(!agentFirst, threads, connections);
                double[] withAgent = agentFirst ? a : b;
                double[] without = agentFirst ? b : a;
                on.add(withAgent[0]);
                off.add(without[0]);
                allocOn.add(withAgent[1]);
                allocOff.add(without[1]);
                ratios.add(withAgent[0] / without[0]);
            }
            double ratio = median(on) / median(off);
            System.out.printf(Locale.ROOT, "| connect+close/s, %d thread%s | %.0f | %.0f | %.3f | %.3f..%.3f |%n", threads,
                    threads == 1 ? "" : "s", median(off), median(on), ratio, Collections.min(ratios), Collections.max(ratios));
            System.out.printf(Locale.ROOT, "| bytes allocated per connect+close, %d thread%s | %.0f | %.0f | +%.0f bytes |  |%n",
                    threads, threads == 1 ? "" : "s", median(allocOff), median(allocOn), median(allocOn) - median(allocOff));
            json.append(String.format(Locale.ROOT, "  \"churn_%dt\": {\"off\": %.1f, \"on\": %.1f, \"ratio\": %.4f, "
                            + "\"ratio_min\": %.4f, \"ratio_max\": %.4f, \"alloc_off\": %.0f, \"alloc_on\": %.0f},%n",
                    threads, median(off), median(on), ratio, Collections.min(ratios), Collections.max(ratios),
                    median(allocOff), median(allocOn)));
        }
        List<Double> startOff = new ArrayList<>();
        List<Double> startOn = new ArrayList<>();
        for (int r = 0; r < Math.max(rounds, 5) * 2; r++) {
            startOff.add(startMillis(false));
            startOn.add(startMillis(true));
        }
        List<Double> rssOff = new ArrayList<>();
        List<Double> rssOn = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            rssOff.add(rssKb(false));
            rssOn.add(rssKb(true));
        }
        System.out.printf(Locale.ROOT, "| hello-world start to exit, ms | %.0f | %.0f | +%.0f ms |  |%n",
                median(startOff), median(startOn), median(startOn) - median(startOff));
        System.out.printf(Locale.ROOT, "| resident memory after start-up, MB | %.1f | %.1f | +%.1f MB |  |%n",
                median(rssOff) / 1024, median(rssOn) / 1024, (median(rssOn) - median(rssOff)) / 1024);
        json.append(String.format(Locale.ROOT, "  \"startup_ms\": {\"off\": %.1f, \"on\": %.1f},%n  \"rss_kb\": {\"off\": %.0f, \"on\": %.0f}%n}%n",
                median(startOff), median(startOn), median(rssOff), median(rssOn)));
        Path out = Paths.get("benchmarks", "target", "agent-cost.json");
        Files.createDirectories(out.getParent());
        Files.write(out, json.toString().getBytes(StandardCharsets.UTF_8));
        System.out.println("\nwritten: " + out);
    }

    /** {perSecond, clientAllocBytesPerConnection} of one child run. */
    private double[] churn(boolean agent, int threads, int connections) throws Exception {
        String line = runChild(agent, true, "io.portwatch.bench.ChurnTimer", String.valueOf(threads),
                String.valueOf(Math.max(2000, connections / 4)), String.valueOf(connections));
        return new double[]{field(line, "perSecond"), field(line, "clientAllocBytesPerConnection")};
    }

    private double startMillis(boolean agent) throws Exception {
        long t0 = System.nanoTime();
        runChild(agent, false, "io.portwatch.bench.HelloWorld");
        return (System.nanoTime() - t0) / 1e6;
    }

    private double rssKb(boolean agent) throws Exception {
        String out = runChild(agent, false, "io.portwatch.bench.HelloWorld", "2000");
        return Double.parseDouble(out.trim().split(" ")[0]);
    }

    private String runChild(boolean agent, boolean export, String main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(Arrays.asList(javaBin));
        if (agent) cmd.add("-javaagent:" + agentJar + "=summary=off");
        cmd.addAll(Arrays.asList("-cp", classPath, main));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("PORTWATCH_"));
        if (agent && export) {
            pb.environment().put("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
            pb.environment().put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("child failed: " + cmd + "\n" + out);
        }
        return out;
    }

    private static double field(String line, String name) {
        for (String part : line.trim().split(" ")) {
            if (part.startsWith(name + "=")) return Double.parseDouble(part.substring(name.length() + 1));
        }
        throw new IllegalArgumentException("no " + name + " in " + line);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
