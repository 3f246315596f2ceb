package io.portwatch.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the shaded jar as a child JVM, the way users (and the agent's tests) will. */
class SampleAppJarIT {
    @TempDir
    Path tmp;

    @Test
    void defaultRunStartsTheEmbeddedDatabaseWritesAndCleansUp() throws Exception {
        List<String> before = dataDirectories();
        Result r = java("--writes", "20", "--threads", "2");
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.contains("embedded MariaDB ready on 127.0.0.1:"), r.out);
        assertTrue(r.out.contains("writes ok       20"), r.out);
        assertTrue(r.out.contains("rows in sample_rows for this run: 20"), r.out);
        List<String> left = dataDirectories();
        left.removeAll(before);
        assertEquals(new ArrayList<String>(), left, "the run's data directory is removed");
    }

    /** Per-run data directories of the embedded database under java.io.tmpdir. */
    private static List<String> dataDirectories() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Paths.get(System.getProperty("java.io.tmpdir")))) {
            entries.map(p -> p.getFileName().toString()).filter(n -> n.matches("portwatch-mariadb-\\d+"))
                    .forEach(names::add);
        }
        return names;
    }

    @Test
    void unreachableDatabaseGivesOneLineOnStderr() throws Exception {
        int port = EmbeddedDatabase.freeLoopbackPort();
        Result r = java("--jdbc-url", "jdbc:mysql://127.0.0.1:" + port + "/x", "--password", "hunter2");
        assertEquals(1, r.code, r.toString());
        assertEquals("sample-app: cannot connect to jdbc:mysql://127.0.0.1:" + port + "/x: Connection refused\n", r.err);
    }

    @Test
    void badOptionAndHelp() throws Exception {
        Result bad = java("--foo");
        assertEquals(2, bad.code, bad.toString());
        assertEquals("sample-app: unknown option --foo (try --help)\n", bad.err);
        Result help = java("--help");
        assertEquals(0, help.code, help.toString());
        assertTrue(help.out.startsWith("Usage: java -jar sample-app.jar"), help.out);
    }

    private Result java(String... args) throws IOException, InterruptedException {
        String jar = System.getProperty("sample.jar", "target/sample-app.jar");
        assertTrue(new File(jar).isFile(), "no jar at " + jar);
        List<String> command = new ArrayList<>(Arrays.asList(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
        command.addAll(Arrays.asList(args));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("sample-app did not finish in 120 s");
        }
        Result r = new Result(p.exitValue(), new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
                new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    private static final class Result {
        final int code;
        final String out;
        final String err;

        Result(int code, String out, String err) {
            this.code = code;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
