package io.portwatch.it.support;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real Prometheus, Debian's package ({@code apt-get install prometheus}), started by a test:
 * a configuration of its own that scrapes the given targets every second as job
 * {@code portwatch} and evaluates the given rule files every second, its storage in a temporary
 * directory, its API on 127.0.0.1 at a free port. {@link #close()} stops it and deletes the
 * directory. {@link #binary} skips the test (a JUnit assumption, saying why) when the binary is
 * not installed.
 */
public final class PrometheusServer implements AutoCloseable {

    public static final String JOB = "portwatch";
    private static final Duration READY = Duration.ofSeconds(30);

    private final Process process;
    private final Path dir;
    private final URI api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Process process, Path dir, URI api) {
        this.process = process;
        this.dir = dir;
        this.api = api;
    }

    /** {@code prometheus} or {@code promtool} from PATH; skips the test when it is not there. */
    public static Path binary(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) return p;
        }
        assumeTrue(false, name + " not installed (apt-get install prometheus provides prometheus and promtool;"
                + " .ci/run installs it)");
        return null;
    }

    /** Starts Prometheus scraping {@code targets} (host:port) with {@code ruleFiles}, and waits until it is ready. */
    public static PrometheusServer start(List<String> targets, List<Path> ruleFiles) throws IOException, InterruptedException {
        Path binary = binary("prometheus");
        Path dir = Files.createTempDirectory("portwatch-prometheus");
        int port = ExhaustionRun.freePort();
        StringBuilder config = new StringBuilder()
                .append("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n")
                .append("rule_files:\n");
        for (Path r : ruleFiles) config.append("  - '").append(r.toAbsolutePath()).append("'\n");
        config.append("scrape_configs:\n  - job_name: ").append(JOB).append("\n    static_configs:\n      - targets: [");
        config.append(String.join(", ", targets.stream().map(t -> "'" + t + "'").toArray(String[]::new))).append("]\n");
        Path configFile = Files.writeString(dir.resolve("prometheus.yml"), config.toString());
        Process p = new ProcessBuilder(binary.toString(), "--config.file=" + configFile,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        PrometheusServer server = new PrometheusServer(p, dir, URI.create("http://127.0.0.1:" + port));
        try {
            server.awaitReady();
            return server;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new AssertionError("prometheus exited: " + log());
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(api.resolve("/-/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("prometheus not ready within " + READY + ": " + log());
    }

    /**
     * Waits until Prometheus has tried to scrape every target once (their health is no longer
     * "unknown"): its scrape manager takes up new targets a few seconds after start, and a run
     * started before would go unwatched for those seconds.
     */
    @SuppressWarnings("unchecked")
    public PrometheusServer awaitFirstScrapes() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        List<Map<String, Object>> targets = List.of();
        while (System.nanoTime() < deadline) {
            targets = (List<Map<String, Object>>) get("/api/v1/targets?state=active").get("activeTargets");
            if (targets != null && !targets.isEmpty() && targets.stream().noneMatch(t -> "unknown".equals(t.get("health")))) {
                return this;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("prometheus did not scrape its targets within " + READY + ": " + targets + "\n" + log());
    }

    /**
     * An instant query at {@code epochMillis}: the result list of {@code data.result} (each a map
     * with {@code metric} and {@code value}, or {@code values} for a range vector). Fails the test
     * on any error Prometheus reports, with its message.
     */
    public List<Map<String, Object>> query(String promql, long epochMillis) throws IOException, InterruptedException {
        Map<String, Object> data = get("/api/v1/query?query=" + encode(promql)
                + "&time=" + String.format(Locale.ROOT, "%.3f", epochMillis / 1000.0));
        return results(data);
    }

    /** The alerts Prometheus holds now (pending and firing), each with labels, annotations, state, activeAt. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> alerts() throws IOException, InterruptedException {
        return (List<Map<String, Object>>) get("/api/v1/alerts").get("alerts");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> results(Map<String, Object> data) {
        Object r = data.get("result");
        return r instanceof List ? (List<Map<String, Object>>) r : List.of();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        // JSON is YAML: the test's YAML parser reads Prometheus's answers.
        Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r.body());
        if (r.statusCode() != 200 || !(doc instanceof Map) || !"success".equals(((Map<?, ?>) doc).get("status"))) {
            throw new AssertionError("prometheus " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return (Map<String, Object>) ((Map<?, ?>) doc).get("data");
    }

    /** The raw samples' timestamps (epoch ms) of a range-vector result, e.g. of {@code ALERTS{...}[5m]}, whose value is {@code only}. */
    public static List<Long> sampleTimes(Map<String, Object> rangeResult, java.util.function.DoublePredicate only) {
        List<Long> out = new ArrayList<>();
        for (Object v : (List<?>) rangeResult.get("values")) {
            List<?> sample = (List<?>) v;
            if (only.test(Double.parseDouble(String.valueOf(sample.get(1))))) {
                out.add(Math.round(((Number) sample.get(0)).doubleValue() * 1000));
            }
        }
        return out;
    }

    /** The value of an instant-vector result. */
    public static double value(Map<String, Object> instantResult) {
        return Double.parseDouble(String.valueOf(((List<?>) instantResult.get("value")).get(1)));
    }

    @SuppressWarnings("unchecked")
    public static Map<String, String> labels(Map<String, Object> result) {
        return (Map<String, String>) result.get("metric");
    }

    /** What Prometheus logged, for messages. */
    public String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
