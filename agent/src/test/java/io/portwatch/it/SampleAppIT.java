package io.portwatch.it;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import io.portwatch.it.OtlpReceiver.ReceivedSpan;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The sample app itself ({@code sample-app.jar}, each mode against the embedded MariaDB it starts)
 * with the agent attached: the spans the OTLP receiver gets carry each mode's signature, and
 * {@code portwatch.time_wait} and {@code portwatch.closed_by} agree, connection by connection,
 * with the kernel's TCP tables read right after the child exits (a TIME_WAIT lasts 60 s, so every
 * one the run left is still there; those older than the run are left out, see {@link KernelRow}).
 */
class SampleAppIT {

    private static final Duration WAIT = Duration.ofSeconds(15);
    /** Besides one connection per write, the app opens one to create the table and one for its summary. */
    private static final int EXTRA_CONNECTIONS = 2;
    /** {@code PooledConnections.MAX_POOL_SIZE}: the pool never holds more, whatever the thread count. */
    private static final int MAX_POOL_SIZE = 4;
    private static final String POOL_NAME = "sample-pool";
    private static final String PLAIN = "sslMode=DISABLED";
    private static final Pattern READY = Pattern.compile("embedded MariaDB ready on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern DATABASE_LINE = Pattern.compile("(?m)^database: (\\S+) \\(");
    private static final String CALL_SITE = "io.portwatch.sample.DatabaseTarget.connect(";
    /** The alphabet of {@code EmbeddedDatabase.randomPassword()}: 24 characters drawn from it. */
    private static final String PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int PASSWORD_LENGTH = 24;
    private static final int TCP_TIME_WAIT = 0x06;

    /** A private copy of sample-app.jar: other builds may rewrite the original while a child runs. */
    private static Path sampleJar;

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    @BeforeAll
    static void copySampleJar() throws Exception {
        Path original = builtSampleJar();
        for (int attempt = 1; ; attempt++) {
            Path copy = Files.createTempFile("sample-app-it-", ".jar");
            Files.copy(original, copy, StandardCopyOption.REPLACE_EXISTING);
            try (JarFile jar = new JarFile(copy.toFile())) {
                if (jar.getManifest().getMainAttributes().getValue("Main-Class") != null
                        && jar.getEntry("io/portwatch/sample/Main.class") != null) {
                    sampleJar = copy;
                    return;
                }
            } catch (IOException | RuntimeException e) {
                // copied while being rewritten: again
            }
            Files.deleteIfExists(copy);
            if (attempt == 5) throw new IllegalStateException("no usable copy of " + original);
            Thread.sleep(2000);
        }
    }

    @AfterAll
    static void deleteSampleJar() throws IOException {
        if (sampleJar != null) Files.deleteIfExists(sampleJar);
    }

    private static Path sampleJar() {
        return sampleJar;
    }

    // ---------------------------------------------------------------------------------------------
    // churn

    @ParameterizedTest
    @MethodSource("jdks")
    void churnWithoutTlsLeavesClientTimeWaitsTheSpansCount(String jdk) throws Exception {
        int writes = 60;
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            SampleRun run = SampleRun.start(jdk, receiver, "--mode", "churn", "--writes", "" + writes,
                    "--threads", "4", "--jdbc-params", PLAIN);
            run.assertExit(0);
            int expected = writes + EXTRA_CONNECTIONS;
            run.awaitSpans(receiver, expected, expected);
            run.assertJoinedOneSocketEach();
            for (ReceivedSpan j : run.jdbc) {
                assertEquals(false, j.attributes.get("portwatch.pooled"), j::toString);
                assertNull(j.str("portwatch.pool"), j::toString);
                assertEquals("closed", j.str("portwatch.end"), j::toString);
                assertTrue(j.str("portwatch.call_site").startsWith(CALL_SITE), j::toString);
            }
            // With COM_QUIT and no TLS the closers race: the client's close() (its FIN first: a
            // TIME_WAIT here) against the server's close on COM_QUIT (the server's TIME_WAIT).
            // The kernel settles each one; the spans must say what it shows.
            for (ReceivedSpan t : run.tcp) {
                assertEquals("kernel", t.str("portwatch.closed_by.source"), t::toString);
                assertTrue(Arrays.asList("local", "peer").contains(t.str("portwatch.closed_by")), t::toString);
            }
            run.assertClosersAgreeWithKernel();
            run.assertTimeWaitAgreesWithKernel();
            run.report("churn " + PLAIN);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void churnWithTlsLeavesNoTimeWaitOnEitherSide(String jdk) throws Exception {
        int writes = 30;
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            SampleRun run = SampleRun.start(jdk, receiver, "--mode", "churn", "--writes", "" + writes,
                    "--threads", "4");
            run.assertExit(0);
            assertTrue(run.stdout().contains(", TLSv1."), () -> "TLS is the default: " + run);
            int expected = writes + EXTRA_CONNECTIONS;
            run.awaitSpans(receiver, expected, expected);
            run.assertJoinedOneSocketEach();
            // TLS close (measured with tcpdump): the client sends COM_QUIT, then close_notify and its
            // FIN; the server closes on COM_QUIT. Whichever FIN goes first (it races: 3 server-first,
            // 2 client-first in one 5-connection run), the server's socket ends with RST, because the
            // close_notify reaches it unread or after its close. The RST removes both ends, so
            // neither side keeps a TIME_WAIT and "reset" describes them; now and then (1 in 30
            // under a loaded CI machine) the RST comes too late for one and a TIME_WAIT stays. The
            // spans must say what the kernel shows either way.
            int leftOver = run.clientTimeWait().size() + run.serverTimeWait().size();
            assertTrue(leftOver <= expected / 10, () -> "TIME_WAITs left: " + run.kernelSummary());
            long resets = run.tcp.stream().filter(t -> "reset".equals(t.str("portwatch.closed_by"))).count();
            assertTrue(resets >= run.tcp.size() - leftOver, () -> resets + " of " + run.tcp.size() + " spans reset, "
                    + run.kernelSummary());
            for (ReceivedSpan t : run.tcp) {
                assertEquals("kernel", t.str("portwatch.closed_by.source"), t::toString);
            }
            run.assertClosersAgreeWithKernel();
            for (ReceivedSpan j : run.jdbc) {
                assertEquals("closed", j.str("portwatch.end"), j::toString);
                assertEquals(false, j.attributes.get("portwatch.pooled"), j::toString);
            }
            run.assertTimeWaitAgreesWithKernel();
            run.report("churn TLS");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // pooled

    @ParameterizedTest
    @MethodSource("jdks")
    void pooledShowsOnlyThePoolsPhysicalConnections(String jdk) throws Exception {
        int writes = 60;
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            SampleRun run = SampleRun.start(jdk, receiver, "--mode", "pooled", "--writes", "" + writes,
                    "--threads", "4", "--jdbc-params", PLAIN);
            run.assertExit(0);
            // The pool holds 4 (= --threads, at most MAX_POOL_SIZE); its adder thread may still be
            // filling it when the 60 writes are done, so 1..4 physical connections, never one per write.
            run.awaitSpans(receiver, EXTRA_CONNECTIONS + 1, EXTRA_CONNECTIONS + MAX_POOL_SIZE);
            run.assertJoinedOneSocketEach();
            List<ReceivedSpan> pooled = filter(run.jdbc, j -> Boolean.TRUE.equals(j.attributes.get("portwatch.pooled")));
            List<ReceivedSpan> direct = filter(run.jdbc, j -> Boolean.FALSE.equals(j.attributes.get("portwatch.pooled")));
            assertEquals(EXTRA_CONNECTIONS, direct.size(), () -> "table + summary, through DriverManager: " + run.jdbc);
            assertTrue(pooled.size() >= 1 && pooled.size() <= MAX_POOL_SIZE, () -> "a pool of 4: " + run.jdbc);
            assertEquals(run.jdbc.size(), pooled.size() + direct.size());
            int named = 0;
            for (ReceivedSpan j : pooled) {
                assertEquals("hikari", j.str("portwatch.pool"), j::toString);
                assertEquals("closed", j.str("portwatch.end"), () -> "the pool closes it at shutdown: " + j);
                String name = j.str("db.client.connection.pool.name");
                String thread = j.str("thread.name");
                if (thread != null && thread.startsWith(POOL_NAME + ":connection-adder")) {
                    // HikariCP's adder thread carries the pool's name, so the agent can tell it
                    assertEquals(POOL_NAME, name, j::toString);
                }
                if (name != null) {
                    assertEquals(POOL_NAME, name, j::toString);
                    named++;
                }
            }
            int namedCount = named;
            assertTrue(namedCount >= 1, () -> "at least one from the adder thread, named: " + pooled);
            for (ReceivedSpan j : direct) {
                assertNull(j.str("portwatch.pool"), j::toString);
                assertNull(j.str("db.client.connection.pool.name"), j::toString);
            }
            run.assertTimeWaitAgreesWithKernel();
            run.report("pooled " + PLAIN + " (" + pooled.size() + " pooled, " + namedCount + " named)");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // abort

    @ParameterizedTest
    @MethodSource("jdks")
    void abortEndsEveryWriteAbortedAndClosedLocally(String jdk) throws Exception {
        // Paced (4 aborts/s, as a pool giving up on connections now and then): the agent's kernel
        // check runs about once a second, so most aborts come when nothing else waits for it.
        int writes = 16;
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            SampleRun run = SampleRun.start(jdk, receiver, "--mode", "abort", "--writes", "" + writes,
                    "--threads", "2", "--rate", "4", "--jdbc-params", PLAIN);
            run.assertExit(0);
            int expected = writes + EXTRA_CONNECTIONS;
            run.awaitSpans(receiver, expected, expected);
            List<ReceivedSpan> aborted = filter(run.jdbc, j -> "aborted".equals(j.str("portwatch.end")));
            List<ReceivedSpan> closed = filter(run.jdbc, j -> "closed".equals(j.str("portwatch.end")));
            assertEquals(writes, aborted.size(), () -> "one Connection.abort per write: " + run.jdbc);
            assertEquals(EXTRA_CONNECTIONS, closed.size(), () -> "table + summary are closed: " + run.jdbc);
            Map<String, ReceivedSpan> socketOf = run.socketByParent();
            List<String> wrongJdbcCloser = new ArrayList<>();
            for (ReceivedSpan j : aborted) {
                ReceivedSpan t = socketOf.get(j.spanId);
                assertNotNull(t, () -> "no socket under " + j);
                // abort skips COM_QUIT: Connector/J shuts the socket down itself (FIN first from
                // the client), the server only answers; the client keeps the TIME_WAIT.
                assertEquals("local", t.str("portwatch.closed_by"), t::toString);
                assertEquals("kernel", t.str("portwatch.closed_by.source"), t::toString);
                assertEquals(true, t.attributes.get("portwatch.time_wait"), t::toString);
                assertEquals(false, j.attributes.get("portwatch.pooled"), j::toString);
                if (!"local".equals(j.str("portwatch.closed_by"))) {
                    wrongJdbcCloser.add(j.str("portwatch.closed_by"));
                }
            }
            // The jdbc.connection's closer is its socket's. Connection.abort(executor) only hands
            // the close to the executor, so the socket ends just after the jdbc.connection does:
            // the span must still wait for it.
            assertTrue(wrongJdbcCloser.isEmpty(), () -> wrongJdbcCloser.size() + " of " + writes
                    + " aborted jdbc.connection spans say closed_by=" + new HashSet<>(wrongJdbcCloser)
                    + " while their tcp.connection (kernel-confirmed) says local: the jdbc.connection went out"
                    + " before its socket had ended (abort closes it later, on the executor)");
            run.assertJoinedOneSocketEach();
            run.assertClosersAgreeWithKernel();
            run.assertTimeWaitAgreesWithKernel();
            run.report("abort " + PLAIN);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // idle-timeout

    @ParameterizedTest
    @MethodSource("jdks")
    void idleTimeoutConnectionsAreResetByTheServer(String jdk) throws Exception {
        int writes = 20;
        int poolSize = 2;
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            SampleRun run = SampleRun.start(jdk, receiver, "--mode", "idle-timeout", "--writes", "" + writes,
                    "--threads", "" + poolSize, "--jdbc-params", PLAIN);
            run.assertExit(0);
            assertTrue(run.stdout().contains("idle 3.5 s"), run::toString);
            // the first pool of 2 (killed by wait_timeout), its 1..2 replacements, table + summary
            run.awaitSpans(receiver, EXTRA_CONNECTIONS + poolSize + 1, EXTRA_CONNECTIONS + 2 * poolSize);
            run.assertJoinedOneSocketEach();
            Map<String, ReceivedSpan> socketOf = run.socketByParent();
            List<ReceivedSpan> pooled = filter(run.jdbc, j -> Boolean.TRUE.equals(j.attributes.get("portwatch.pooled")));
            pooled.sort(Comparator.comparingLong(j -> j.startNanos));
            assertEquals(run.jdbc.size() - EXTRA_CONNECTIONS, pooled.size(), () -> "spans: " + run.jdbc);
            // On wait_timeout MariaDB 11.4 ends the idle connection with a bare RST, no FIN (measured
            // with tcpdump: "127.0.0.1.<db> > 127.0.0.1.<client>: Flags [R.]" 2 s after the last
            // packet; `ss -tan` shows both ends vanish at that moment, no CLOSE_WAIT, no TIME_WAIT).
            // So the server closed these, but with a reset: closed_by=reset (never local), no
            // TIME_WAIT on either side. HikariCP only notices when it validates them after the pause.
            List<ReceivedSpan> firstPool = pooled.subList(0, poolSize);
            for (ReceivedSpan j : firstPool) {
                ReceivedSpan t = socketOf.get(j.spanId);
                assertEquals("reset", t.str("portwatch.closed_by"), () -> t + "\nkernel: " + run.kernelSummary());
                assertEquals("kernel", t.str("portwatch.closed_by.source"), t::toString);
                assertEquals(false, t.attributes.get("portwatch.time_wait"), t::toString);
                assertEquals("reset", j.str("portwatch.closed_by"), j::toString);
                int port = t.num("network.local.port").intValue();
                assertFalse(run.clientTimeWait().contains(port) || run.serverTimeWait().contains(port),
                        () -> "a reset leaves no TIME_WAIT: " + t + "\nkernel: " + run.kernelSummary());
                // it ended when the pool validated it, after the pause, not at the reset
                assertTrue(t.endNanos - t.startNanos > TimeUnit.MILLISECONDS.toNanos(3000), t::toString);
            }
            // The replacements live through the batch and are closed by the pool at shutdown, with
            // COM_QUIT: the same local/peer race as churn, settled by the kernel.
            for (ReceivedSpan j : pooled.subList(poolSize, pooled.size())) {
                ReceivedSpan t = socketOf.get(j.spanId);
                assertTrue(Arrays.asList("local", "peer").contains(t.str("portwatch.closed_by")), t::toString);
            }
            for (ReceivedSpan j : pooled) {
                assertEquals("hikari", j.str("portwatch.pool"), j::toString);
                assertEquals("closed", j.str("portwatch.end"), j::toString);
            }
            run.assertClosersAgreeWithKernel();
            run.assertTimeWaitAgreesWithKernel();
            run.report("idle-timeout " + PLAIN + " (" + pooled.size() + " pooled)");
        }
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
            ChildJvm child = new ChildJvm(jdk).exportTo(receiver).jar(sampleJar(), "--mode", "idle-timeout",
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
                ordered.sort(Comparator.comparingInt(SampleAppIT::classChanges).reversed());
                int tried = 0;
                for (String candidate : ordered) {
                    tried++;
                    if (acceptedAsPassword(port, candidate)) {
                        password = candidate;
                        break;
                    }
                }
                System.out.printf(Locale.ROOT, "[SampleAppIT] %s password: %d candidates in the heap dump, "
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

    // ---------------------------------------------------------------------------------------------
    // command-line errors

    @ParameterizedTest
    @MethodSource("jdks")
    void aBadOptionIsOneLineAndExitCode2(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            long t0 = System.nanoTime();
            ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver).jar(sampleJar(), "--foo").timeoutSeconds(60).run();
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(2, r.exitCode, r::toString);
            assertEquals("", r.stdout.trim(), r::toString);
            assertEquals(Arrays.asList("sample-app: unknown option --foo (try --help)"), appLines(r.stderr), r::toString);
            assertTrue(receiver.spans().isEmpty(), () -> "no connection, no span: " + receiver.spans());
            assertTrue(seconds < 20, "exits promptly with the agent attached: " + seconds + " s");
            System.out.printf(Locale.ROOT, "[SampleAppIT] %s: --foo -> exit 2 in %.1f s%n", jdkName(jdk), seconds);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void anUnreachableDatabaseIsOneLineAndExitCode1(String jdk) throws Exception {
        int port = closedLoopbackPort();
        String secret = "Unreachable-" + UUID.randomUUID();
        String url = "jdbc:mysql://127.0.0.1:" + port + "/portwatch";
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver).timeoutSeconds(60)
                    .jar(sampleJar(), "--jdbc-url", url, "--user", "sample", "--password", secret).run();
            assertEquals(1, r.exitCode, r::toString);
            assertEquals("", r.stdout.trim(), r::toString);
            assertEquals(Arrays.asList("sample-app: cannot connect to " + url + ": Connection refused"),
                    appLines(r.stderr), r::toString);
            // The refused connect is a tcp.connection. Its jdbc.connection (error, end=failed) is
            // there if the JDBC instrumentation was in place: it installs on an agent thread as the
            // JVM starts (the driver is on the class path), and this connect comes first thing.
            List<ReceivedSpan> tcp = receiver.awaitSpans(s -> s.name.equals("tcp.connection"), 1, WAIT);
            List<ReceivedSpan> jdbc = receiver.awaitSpans(s -> s.name.equals("jdbc.connection"), 1, Duration.ofSeconds(2));
            assertFalse(tcp.isEmpty(), () -> "spans: " + receiver.spans());
            assertTrue(jdbc.size() <= 1, () -> "spans: " + receiver.spans());
            for (ReceivedSpan t : tcp) {
                assertEquals(StatusCode.STATUS_CODE_ERROR, t.status, t::toString);
                assertEquals("ECONNREFUSED", t.str("error.type"), t::toString);
                assertEquals((long) port, t.num("network.peer.port"), t::toString);
            }
            for (ReceivedSpan j : jdbc) {
                assertEquals(StatusCode.STATUS_CODE_ERROR, j.status, j::toString);
                assertEquals("failed", j.str("portwatch.end"), j::toString);
                assertEquals((long) port, j.num("server.port"), j::toString);
                assertEquals(url, j.str("portwatch.jdbc.url"), j::toString);
                for (ReceivedSpan t : tcp) {
                    assertEquals(j.spanId, t.parentSpanId, t::toString);
                }
            }
            assertNoSecret(secret, receiver, r.stdout, r.stderr);
            System.out.printf(Locale.ROOT, "[SampleAppIT] %s: unreachable --jdbc-url -> exit 1, %d refused tcp.connection,"
                    + " jdbc.connection %s%n", jdkName(jdk), tcp.size(),
                    jdbc.isEmpty() ? "missing (the connect came before the JDBC instrumentation)" : jdbc.get(0).str("error.type"));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // one run of the sample app

    /** A finished child with the agent, its spans toward the database, and the kernel's rows right after it. */
    private static final class SampleRun {
        final String jdk;
        final ChildJvm.Result result;
        final int dbPort;
        final String url;
        final List<KernelRow> kernel;
        final double seconds;
        List<ReceivedSpan> jdbc = new ArrayList<>();
        List<ReceivedSpan> tcp = new ArrayList<>();

        private SampleRun(String jdk, ChildJvm.Result result, List<KernelRow> kernel, double seconds) {
            this.jdk = jdk;
            this.result = result;
            this.kernel = kernel;
            this.seconds = seconds;
            this.dbPort = result.exitCode == 0 ? dbPort(result.stdout) : -1;
            Matcher m = DATABASE_LINE.matcher(result.stdout);
            this.url = m.find() ? m.group(1) : null;
        }

        static SampleRun start(String jdk, OtlpReceiver receiver, String... args) throws Exception {
            long t0 = System.nanoTime();
            ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver).timeoutSeconds(90).jar(sampleJar(), args).run();
            long took = System.nanoTime() - t0;
            return new SampleRun(jdk, r, KernelRow.readAll(TimeUnit.NANOSECONDS.toMillis(took)), took / 1e9);
        }

        String stdout() {
            return result.stdout;
        }

        void assertExit(int code) {
            assertEquals(code, result.exitCode, this::toString);
            assertTrue(dbPort > 0, this::toString);
        }

        /** Waits for the spans (all are sent before the child exits) and checks their count. */
        void awaitSpans(OtlpReceiver receiver, int min, int max) throws InterruptedException {
            Long port = (long) dbPort;
            jdbc = receiver.awaitSpans(s -> s.name.equals("jdbc.connection"), min, WAIT);
            tcp = receiver.awaitSpans(s -> s.name.equals("tcp.connection"), min, WAIT);
            // every span the agent sent is about the database: its own exporter is never tracked
            for (ReceivedSpan s : receiver.spans()) {
                assertTrue(s.name.equals("jdbc.connection") || s.name.equals("tcp.connection"), s::toString);
                assertEquals(port, s.num("server.port"), s::toString);
            }
            assertTrue(jdbc.size() >= min && jdbc.size() <= max,
                    () -> "expected " + min + ".." + max + " jdbc.connection spans, got " + jdbc.size() + ": " + jdbc
                            + "\n" + this);
            assertEquals(jdbc.size(), tcp.size(), () -> "one socket per physical connection: " + tcp);
        }

        /** Each tcp.connection is the child of one jdbc.connection; each jdbc.connection has one. */
        void assertJoinedOneSocketEach() {
            Map<String, ReceivedSpan> bySpanId = new HashMap<>();
            for (ReceivedSpan j : jdbc) {
                assertEquals(SpanKind.SPAN_KIND_CLIENT, j.kind, j::toString);
                assertEquals(StatusCode.STATUS_CODE_UNSET, j.status, j::toString);
                assertEquals("mysql", j.str("db.system.name"), j::toString);
                assertEquals("portwatch", j.str("db.namespace"), j::toString);
                assertEquals("127.0.0.1", j.str("server.address"), j::toString);
                assertEquals((long) dbPort, j.num("server.port"), j::toString);
                assertEquals(url, j.str("portwatch.jdbc.url"), () -> "the URL the app printed: " + j);
                assertEquals("com.mysql.cj.jdbc.Driver", j.str("portwatch.jdbc.driver"), j::toString);
                assertEquals(1L, j.num("portwatch.sockets"), j::toString);
                bySpanId.put(j.spanId, j);
            }
            Set<String> parents = new HashSet<>();
            for (ReceivedSpan t : tcp) {
                assertEquals(SpanKind.SPAN_KIND_CLIENT, t.kind, t::toString);
                assertEquals(StatusCode.STATUS_CODE_UNSET, t.status, t::toString);
                assertEquals("tcp", t.str("network.transport"), t::toString);
                assertEquals((long) dbPort, t.num("network.peer.port"), t::toString);
                assertEquals("closed", t.str("portwatch.end"), t::toString);
                assertNotNull(t.num("network.local.port"), t::toString);
                ReceivedSpan parent = bySpanId.get(t.parentSpanId);
                assertNotNull(parent, () -> "tcp.connection without its jdbc.connection parent: " + t);
                assertEquals(parent.traceId, t.traceId);
                assertTrue(parents.add(t.parentSpanId), () -> "two sockets under one jdbc.connection: " + t);
                // the jdbc span's closer is its socket's
                assertEquals(t.str("portwatch.closed_by"), parent.str("portwatch.closed_by"),
                        () -> "the jdbc.connection's closer is its socket's:\n" + parent + "\n" + t);
                assertTrue(parent.startNanos <= t.startNanos, () -> "the socket starts inside its connection: " + parent + "\n" + t);
                if (!"aborted".equals(parent.str("portwatch.end"))) {
                    // (Connection.abort(executor) returns at once; the executor closes the socket later)
                    assertTrue(t.endNanos <= parent.endNanos, () -> "the socket ends inside its connection: " + parent + "\n" + t);
                }
            }
        }

        Map<String, ReceivedSpan> socketByParent() {
            return tcp.stream().collect(Collectors.toMap(t -> t.parentSpanId, t -> t));
        }

        /** Local ports of this run's client-side TIME_WAITs: local port → the database's port. */
        Set<Integer> clientTimeWait() {
            Set<Integer> ports = new HashSet<>();
            for (KernelRow r : kernel) {
                if (r.state == TCP_TIME_WAIT && r.remotePort == dbPort && r.loopback()) ports.add(r.localPort);
            }
            return ports;
        }

        /** Client ports of the server-side TIME_WAITs: the database's port → client port. */
        Set<Integer> serverTimeWait() {
            Set<Integer> ports = new HashSet<>();
            for (KernelRow r : kernel) {
                if (r.state == TCP_TIME_WAIT && r.localPort == dbPort && r.loopback()) ports.add(r.remotePort);
            }
            return ports;
        }

        /**
         * {@code portwatch.time_wait} is exactly the kernel's word: true for each connection whose
         * 4-tuple sits in TIME_WAIT on the client side, false for every other; and the count of
         * true equals the count of client-side TIME_WAITs toward the database (none unaccounted for).
         */
        void assertTimeWaitAgreesWithKernel() {
            Set<Integer> tw = clientTimeWait();
            List<String> disagree = new ArrayList<>();
            int trueCount = 0;
            for (ReceivedSpan t : tcp) {
                Object timeWait = t.attributes.get("portwatch.time_wait");
                assertNotNull(timeWait, () -> "kernel-checked: " + t);
                boolean kernelSays = tw.contains(t.num("network.local.port").intValue());
                if (Boolean.TRUE.equals(timeWait)) trueCount++;
                if (!timeWait.equals(kernelSays)) disagree.add(t + " kernel TIME_WAIT=" + kernelSays);
            }
            int count = trueCount;
            assertTrue(disagree.isEmpty(), () -> disagree.size() + " spans disagree with the kernel:\n"
                    + String.join("\n", disagree) + "\nkernel: " + kernelSummary());
            assertEquals(tw.size(), count, () -> "time_wait=true spans vs client-side TIME_WAIT rows: " + kernelSummary());
        }

        /**
         * Kernel-confirmed closers agree with the rows: {@code local} holds the client's TIME_WAIT;
         * {@code peer} does not, and the server holds it instead.
         */
        void assertClosersAgreeWithKernel() {
            Set<Integer> client = clientTimeWait();
            Set<Integer> server = serverTimeWait();
            for (ReceivedSpan t : tcp) {
                if (!"kernel".equals(t.str("portwatch.closed_by.source"))) continue;
                int port = t.num("network.local.port").intValue();
                switch (t.str("portwatch.closed_by")) {
                    case "local":
                        assertTrue(client.contains(port), () -> t + "\nkernel: " + kernelSummary());
                        break;
                    case "peer":
                        assertTrue(server.contains(port) && !client.contains(port), () -> t + "\nkernel: " + kernelSummary());
                        break;
                    case "reset":
                        assertFalse(server.contains(port) || client.contains(port), () -> t + "\nkernel: " + kernelSummary());
                        break;
                    default:
                        break;
                }
            }
        }

        String kernelSummary() {
            return "client-side TIME_WAIT " + clientTimeWait().size() + ", server-side " + serverTimeWait().size()
                    + " (db port " + dbPort + ")";
        }

        void report(String what) {
            Map<String, Long> closers = tcp.stream().collect(Collectors.groupingBy(
                    t -> t.str("portwatch.closed_by") + "/" + t.str("portwatch.closed_by.source"), Collectors.counting()));
            long tw = tcp.stream().filter(t -> Boolean.TRUE.equals(t.attributes.get("portwatch.time_wait"))).count();
            System.out.printf(Locale.ROOT, "[SampleAppIT] %s %s: %.1f s, %d jdbc / %d tcp spans, closed_by %s, "
                            + "time_wait=true %d; kernel: %s%n",
                    jdkName(jdk), what, seconds, jdbc.size(), tcp.size(), closers, tw, kernelSummary());
        }

        @Override
        public String toString() {
            return result.toString();
        }
    }

    /**
     * A row of {@code /proc/net/tcp[6]}. The database's port is random per run, but a port an
     * earlier test listened on comes round again, and its TIME_WAITs toward it outlive that test by
     * up to 60 s (CI once counted 23 client-side TIME_WAITs toward the port after a run whose spans
     * and the kernel agreed on 17, one by one). So TIME_WAITs older than the
     * run are left out: the row's timer says how long it has left of its 60 s.
     */
    private static final class KernelRow {
        /** TCP_TIMEWAIT_LEN, in the centiseconds (USER_HZ) the tables print the timer in. */
        private static final long TIME_WAIT_CENTIS = 6000;

        final String localAddress;
        final int localPort;
        final String remoteAddress;
        final int remotePort;
        final int state;

        KernelRow(String localAddress, int localPort, String remoteAddress, int remotePort, int state) {
            this.localAddress = localAddress;
            this.localPort = localPort;
            this.remoteAddress = remoteAddress;
            this.remotePort = remotePort;
            this.state = state;
        }

        boolean loopback() {
            return isLoopback(localAddress) && isLoopback(remoteAddress);
        }

        /** 127.0.0.1 as /proc prints it, in tcp (one little-endian word) or tcp6 (IPv4-mapped). */
        private static boolean isLoopback(String hex) {
            return hex.equals("0100007F") || hex.equals("0000000000000000FFFF00000100007F");
        }

        /** The rows now, without the TIME_WAITs that began more than {@code runMillis} ago. */
        static List<KernelRow> readAll(long runMillis) throws IOException {
            List<KernelRow> rows = new ArrayList<>();
            for (String file : new String[]{"/proc/net/tcp", "/proc/net/tcp6"}) {
                Path p = Paths.get(file);
                if (!Files.isReadable(p)) continue;
                List<String> lines = Files.readAllLines(p, StandardCharsets.US_ASCII);
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length < 6) continue;
                    String[] local = f[1].split(":");
                    String[] remote = f[2].split(":");
                    int state = Integer.parseInt(f[3], 16);
                    if (state == TCP_TIME_WAIT && timeWaitAgeMillis(f[5]) > runMillis) continue;
                    rows.add(new KernelRow(local[0], Integer.parseInt(local[1], 16), remote[0],
                            Integer.parseInt(remote[1], 16), state));
                }
            }
            return rows;
        }

        /** From the {@code tr:when} column, {@code 03:<centiseconds left, hex>} for a TIME_WAIT. */
        private static long timeWaitAgeMillis(String timer) {
            long left = Long.parseUnsignedLong(timer.substring(timer.indexOf(':') + 1), 16);
            // a timer already due prints as a negative number: the row is as old as it gets
            return (TIME_WAIT_CENTIS - Math.max(0, left)) * 10;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // helpers

    /**
     * The executable sample-app jar: {@code -Dsample.jar}, else the jar the test class path has the
     * sample's classes from (the shaded one, after package), else the module's build output.
     */
    static Path builtSampleJar() throws IOException {
        String property = System.getProperty("sample.jar");
        if (property != null) return Paths.get(property);
        try {
            Path source = Paths.get(io.portwatch.sample.Main.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI());
            if (Files.isRegularFile(source)) {
                try (JarFile jar = new JarFile(source.toFile())) {
                    if (jar.getManifest() != null
                            && jar.getManifest().getMainAttributes().getValue("Main-Class") != null) {
                        return source;
                    }
                }
            }
        } catch (URISyntaxException e) {
            // fall through to the build output
        }
        Path built = Paths.get("..", "sample-app", "target", "sample-app.jar");
        if (!Files.isRegularFile(built)) {
            throw new IllegalStateException("sample-app.jar not built: " + built.toAbsolutePath());
        }
        return built;
    }

    private static int dbPort(String stdout) {
        Matcher m = READY.matcher(stdout);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** stderr without the agent's own lines (each starts with "[portwatch]"). */
    private static List<String> appLines(String stderr) {
        return Arrays.stream(stderr.split("\\R")).filter(l -> !l.isEmpty() && !l.startsWith("[portwatch]"))
                .collect(Collectors.toList());
    }

    private static void assertNoSecret(String secret, OtlpReceiver receiver, String stdout, String stderr) {
        for (ReceivedSpan s : receiver.spans()) {
            assertFalse(s.toString().contains(secret), () -> "the password in " + s);
        }
        for (OtlpReceiver.ReceivedLog l : receiver.logs()) {
            assertFalse(l.toString().contains(secret), () -> "the password in " + l);
        }
        receiver.metrics().forEach(m -> assertFalse(m.toString().contains(secret), () -> "the password in " + m));
        assertFalse(stdout.contains(secret), "the password on stdout");
        assertFalse(stderr.contains(secret), "the password on stderr");
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

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8) : "";
    }

    private static int closedLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static List<ReceivedSpan> filter(List<ReceivedSpan> spans, Predicate<ReceivedSpan> p) {
        return spans.stream().filter(p).collect(Collectors.toCollection(ArrayList::new));
    }

    private static String jdkName(String jdk) {
        try {
            return "JDK " + ChildJvm.featureVersion(jdk);
        } catch (IOException e) {
            return jdk;
        }
    }
}
