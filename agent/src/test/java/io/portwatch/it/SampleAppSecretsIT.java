package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.support.SampleApp;
import io.portwatch.it.support.SampleJar;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.portwatch.it.support.SampleApp.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The embedded database's password, random per run and never printed, appears in nothing the agent
 * sends or the sample app prints: found in the child's own heap, then looked for everywhere.
 */
class SampleAppSecretsIT {

    /** The alphabet of {@code EmbeddedDatabase.randomPassword()}: 24 characters drawn from it. */
    private static final String PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int PASSWORD_LENGTH = 24;

    @RegisterExtension
    static final SampleJar sampleJar = new SampleJar();

    static Stream<String> jdks() {
        return SampleApp.jdks();
    }

    // ---------------------------------------------------------------------------------------------
    // secrets

    /**
     * The embedded database's password is random and never printed, so the test takes it from the
     * child itself: a heap dump during idle-timeout's 3.5 s pause yields every 24-character string of
     * the password's alphabet, and the one the database accepts as {@code sample}'s password is it.
     * It must then appear in no span, log record, metric, nor anything the child printed.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void theEmbeddedDatabasePasswordAppearsNowhere(String jdk) throws Exception {
        Path dir = Files.createTempDirectory("sample-app-it-");
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        Path dump = dir.resolve("child.hprof");
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm child = new ChildJvm(jdk).exportTo(receiver).jar(sampleJar.path(), "--mode", "idle-timeout",
                    "--writes", "10", "--threads", "2");
            Process p = child.start(out, err);
            String password = null;
            Set<String> candidates;
            firstRefusal = null;
            try {
                waitForLine(p, out, "idle 3.5 s", Duration.ofSeconds(60));
                int port = dbPort(read(out));
                long t0 = System.nanoTime();
                Process jcmd = new ProcessBuilder(Paths.get(jdk, "bin", "jcmd").toString(), String.valueOf(p.pid()),
                        "GC.heap_dump", dump.toAbsolutePath().toString()).redirectErrorStream(true).start();
                String jcmdOut = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(jcmd.waitFor(30, TimeUnit.SECONDS) && jcmd.exitValue() == 0 && Files.isRegularFile(dump),
                        () -> "jcmd GC.heap_dump: " + jcmdOut);
                candidates = passwordCandidates(dump);
                // most random-looking first (class and method names switch case rarely), so the
                // password is tried while the database is still up
                List<String> ordered = new ArrayList<>(candidates);
                ordered.sort(Comparator.comparingInt(SampleAppSecretsIT::classChanges).reversed());
                int tried = 0;
                for (String candidate : ordered) {
                    tried++;
                    if (acceptedAsPassword(port, candidate)) {
                        password = candidate;
                        break;
                    }
                }
                System.out.printf(Locale.ROOT, "[SampleAppSecretsIT] %s password: %d candidates in the heap dump, "
                                + "accepted: %s after %d tries, %.1f s after the pause began%n", jdkName(jdk),
                        candidates.size(), password != null, tried, (System.nanoTime() - t0) / 1e9);
            } finally {
                if (!p.waitFor(90, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            String stdout = read(out);
            String stderr = read(err);
            String secret = password;
            assertEquals(0, p.exitValue(), () -> stdout + stderr);
            assertNotNull(secret, () -> "no 24-character string in the child's heap is the database's password; "
                    + candidates.size() + " candidates, first refusal: " + firstRefusal + "\n" + stdout);
            List<ReceivedSpan> jdbc = receiver.awaitSpans(s -> s.name.equals("jdbc.connection"), 5, WAIT);
            assertTrue(jdbc.size() >= 5, () -> "spans: " + receiver.spans());
            assertTrue(jdbc.stream().anyMatch(j -> Boolean.TRUE.equals(j.attributes.get("portwatch.pooled")))
                    && jdbc.stream().anyMatch(j -> Boolean.FALSE.equals(j.attributes.get("portwatch.pooled"))),
                    "the password went to both the pool and DriverManager");
            assertNoSecret(secret, receiver, stdout, stderr);
        } finally {
            Files.deleteIfExists(dump);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            Files.deleteIfExists(dir);
        }
    }

    /** Every maximal run of exactly 24 password-alphabet bytes in the heap dump (Latin-1 strings are stored as such). */
    private static Set<String> passwordCandidates(Path heapDump) throws IOException {
        boolean[] inAlphabet = new boolean[256];
        for (char c : PASSWORD_ALPHABET.toCharArray()) inAlphabet[c] = true;
        Set<String> found = new LinkedHashSet<>();
        byte[] run = new byte[PASSWORD_LENGTH];
        int length = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(heapDump), 1 << 16)) {
            int b;
            while ((b = in.read()) >= 0) {
                if (inAlphabet[b]) {
                    if (length < PASSWORD_LENGTH) run[length] = (byte) b;
                    length++;
                } else {
                    if (length == PASSWORD_LENGTH) found.add(new String(run, StandardCharsets.US_ASCII));
                    length = 0;
                }
            }
        }
        return found;
    }

    /** How often the character class (upper, lower, digit) changes along the string. */
    private static int classChanges(String s) {
        int changes = 0;
        for (int i = 1; i < s.length(); i++) {
            if (charClass(s.charAt(i)) != charClass(s.charAt(i - 1))) changes++;
        }
        return changes;
    }

    private static int charClass(char c) {
        return Character.isDigit(c) ? 0 : Character.isUpperCase(c) ? 1 : 2;
    }

    /** Why the most random-looking candidate was refused, for the failure message. */
    private static volatile String firstRefusal;

    private static boolean acceptedAsPassword(int port, String candidate) {
        Properties info = new Properties();
        info.setProperty("user", "sample");
        info.setProperty("password", candidate);
        info.setProperty("sslMode", "DISABLED");
        info.setProperty("connectTimeout", "2000");
        try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/portwatch", info)) {
            return c.isValid(2);
        } catch (SQLException e) {
            if (firstRefusal == null) firstRefusal = candidate + ": " + e;
            return false;
        }
    }

    private static void waitForLine(Process p, Path out, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!read(out).contains(text)) {
            if (!p.isAlive()) {
                fail("the child ended before printing '" + text + "', exit " + p.exitValue() + ":\n" + read(out)
                        + "\n--- stderr\n" + read(out.resolveSibling("stderr")));
            }
            if (System.nanoTime() > deadline) fail("no '" + text + "' within " + timeout + ":\n" + read(out));
            Thread.sleep(20);
        }
    }
}
