package io.portwatch.bench;

import io.portwatch.budget.DestinationCounts;
import io.portwatch.kernel.ProcFs;
import io.portwatch.kernel.Sysctls;
import io.portwatch.kernel.TcpTableReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times reading and aggregating a TCP table with portwatch's reader against {@code cat FILE >
 * /dev/null}, interleaved, and reports medians and their ratio (target: at most 1.2x of cat).
 *
 * <p>Inputs: a synthetic {@code tcp6}-format file of {@code --rows} rows (default 30,000) written
 * to the output directory, and with {@code --live} this process's {@code /proc/net/tcp} and
 * {@code /proc/net/tcp6} (run it inside a network namespace full of TIME_WAITs, see
 * {@code run-netns.sh}). Real /proc reads return about 4 KiB per read() whatever the buffer, so
 * the kernel's formatting dominates there; for a regular file cat is a memory copy.
 *
 * <p>Four timings per round, in rotating order: portwatch read+aggregate, a plain Java read of
 * the bytes (no parsing), cat of the file, and cat of /dev/null (the cost of starting a process).
 * The ratio is portwatch / cat; a second ratio subtracts the process start from cat.
 *
 * <p>Usage: {@code java -cp ... io.portwatch.bench.TcpTableBench [--rows N] [--rounds N] [--live]
 * [--file PATH]... [--out DIR]}. Writes {@code DIR/tcp-table-bench.json}.
 */
public final class TcpTableBench {

    public static void main(String[] args) throws Exception {
        int rows = 30_000;
        int rounds = 15;
        boolean live = false;
        List<Path> files = new ArrayList<>();
        Path out = Paths.get("benchmarks/target");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows": rows = Integer.parseInt(args[++i]); break;
                case "--rounds": rounds = Integer.parseInt(args[++i]); break;
                case "--live": live = true; break;
                case "--file": files.add(Paths.get(args[++i])); break;
                case "--out": out = Paths.get(args[++i]); break;
                default: throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Files.createDirectories(out);
        List<Path> inputs = new ArrayList<>();
        if (rows > 0) {
            inputs.add(SyntheticTable.write(out.resolve("bench-data/tcp6"), rows));
        }
        if (live) {
            inputs.add(Paths.get("/proc/net/tcp"));
            inputs.add(Paths.get("/proc/net/tcp6"));
        }
        inputs.addAll(files);

        Sysctls sysctls = ProcFs.system().sysctls();
        int low = sysctls.hasPortRange() ? sysctls.portLow() : 32768;
        int high = sysctls.hasPortRange() ? sysctls.portHigh() : 60999;
        String machine = machine();
        StringBuilder json = new StringBuilder("[\n");
        System.out.printf(Locale.ROOT, "machine: %s%n%-22s %7s %9s %9s %9s %9s %9s %7s %9s%n", machine,
            "input", "rows", "MiB", "java ms", "raw ms", "cat ms", "spawn ms", "ratio", "vs net");
        for (Path input : inputs) {
            Result r = measure(input, rounds, low, high);
            System.out.printf(Locale.ROOT, "%-22s %7d %9.2f %9.2f %9.2f %9.2f %9.2f %6.2fx %8.2fx%n",
                shortName(input), r.rows, r.bytes / 1048576.0, r.java, r.raw, r.cat, r.spawn, r.java / r.cat,
                r.java / Math.max(0.001, r.cat - r.spawn));
            if (json.length() > 2) {
                json.append(",\n");
            }
            json.append(String.format(Locale.ROOT, "  {\"input\": \"%s\", \"rows\": %d, \"bad_lines\": %d, \"bytes\": %d,"
                    + " \"rounds\": %d, \"java_read_aggregate_ms\": %.3f, \"java_raw_read_ms\": %.3f, \"cat_ms\": %.3f,"
                    + " \"process_start_ms\": %.3f, \"ratio_vs_cat\": %.3f, \"ratio_vs_cat_minus_start\": %.3f,"
                    + " \"machine\": \"%s\", \"java\": \"%s\"}",
                input, r.rows, r.bad, r.bytes, rounds, r.java, r.raw, r.cat, r.spawn, r.java / r.cat,
                r.java / Math.max(0.001, r.cat - r.spawn), machine, System.getProperty("java.vm.version")));
        }
        json.append("\n]\n");
        Path result = out.resolve("tcp-table-bench.json");
        try (Writer w = Files.newBufferedWriter(result, StandardCharsets.UTF_8)) {
            w.write(json.toString());
        }
        System.out.println("wrote " + result);
    }

    static final class Result {
        long rows;
        long bad;
        long bytes;
        double java;
        double raw;
        double cat;
        double spawn;
    }

    static Result measure(Path input, int rounds, int low, int high) throws Exception {
        TcpTableReader reader = new TcpTableReader();
        DestinationCounts counts = new DestinationCounts(low, high);
        byte[] rawBuf = new byte[64 * 1024];
        Result r = new Result();
        long warmUntil = System.nanoTime() + 2_000_000_000L; // let the JIT compile the parser: 2 s, 50 reads at least
        for (int i = 0; i < 50 || System.nanoTime() < warmUntil; i++) {
            readAndAggregate(reader, counts, input, low, high);
        }
        for (int i = 0; i < 3; i++) {
            cat(input.toString());
        }
        double[] java = new double[rounds];
        double[] raw = new double[rounds];
        double[] cat = new double[rounds];
        double[] spawn = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < 4; k++) {
                switch ((round + k) % 4) {
                    case 0: {
                        reader.resetCounts();
                        long t = System.nanoTime();
                        readAndAggregate(reader, counts, input, low, high);
                        java[round] = ms(System.nanoTime() - t);
                        r.rows = reader.rows();
                        r.bad = reader.badLines();
                        break;
                    }
                    case 1: {
                        long t = System.nanoTime();
                        r.bytes = rawRead(input, rawBuf);
                        raw[round] = ms(System.nanoTime() - t);
                        break;
                    }
                    case 2:
                        cat[round] = cat(input.toString());
                        break;
                    default:
                        spawn[round] = cat("/dev/null");
                        break;
                }
            }
        }
        r.java = median(java);
        r.raw = median(raw);
        r.cat = median(cat);
        r.spawn = median(spawn);
        return r;
    }

    static void readAndAggregate(TcpTableReader reader, DestinationCounts counts, Path input, int low, int high)
        throws IOException {
        counts.beginSnapshot(low, high);
        reader.read(input, counts);
        if (counts.top(10).size() > 10) { // the top list is part of a sample's work
            throw new AssertionError();
        }
    }

    /** Reads the bytes as the reader does (8 KiB reads), without parsing. */
    static long rawRead(Path input, byte[] buf) throws IOException {
        long n = 0;
        try (FileInputStream in = new FileInputStream(input.toFile())) {
            int r;
            while ((r = in.read(buf, 0, 8192)) > 0) {
                n += r;
            }
        }
        return n;
    }

    /** Wall time of {@code cat FILE > /dev/null}, process start included, in ms. */
    static double cat(String file) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("cat", file)
            .redirectOutput(new File("/dev/null"))
            .redirectError(ProcessBuilder.Redirect.INHERIT);
        long t = System.nanoTime();
        int status = pb.start().waitFor();
        double elapsed = ms(System.nanoTime() - t);
        if (status != 0) {
            throw new IOException("cat " + file + " exited " + status);
        }
        return elapsed;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    static String shortName(Path p) {
        String s = p.toString();
        return s.length() <= 22 ? s : "..." + s.substring(s.length() - 19);
    }

    static String machine() {
        String cpu = "unknown cpu";
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException ignored) {
            // not Linux: keep "unknown cpu"
        }
        return String.format(Locale.ROOT, "%s, %d cpus, %s %s, Java %s", cpu,
            Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
            System.getProperty("os.version"), System.getProperty("java.version"));
    }
}
