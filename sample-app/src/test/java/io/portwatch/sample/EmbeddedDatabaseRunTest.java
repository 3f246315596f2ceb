package io.portwatch.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Runs every mode against a really started embedded MariaDB (one per class) and counts the rows with SQL. */
class EmbeddedDatabaseRunTest {
    private static final Pattern SERVER_LINE =
            Pattern.compile("server: (\\d+) new connections, (\\d+) ended without COM_QUIT");

    private static EmbeddedDatabase db;

    @BeforeAll
    static void startDatabase() throws Exception {
        db = EmbeddedDatabase.start();
    }

    @AfterAll
    static void stopDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void eachModeWritesItsRows(Mode mode) throws SQLException {
        long before = rowsFor(mode);
        Run run = run("--mode", mode.cliName(), "--writes", "20", "--threads", "2");
        assertEquals(SampleApp.EXIT_OK, run.code, run.toString());
        assertEquals(20, rowsFor(mode) - before, run.toString());
        assertTrue(run.out.contains("writes ok       20"), run.out);
        assertTrue(run.out.contains("writes failed   0"), run.out);
        assertTrue(run.out.contains("rows in sample_rows for this run: 20"), run.out);
        assertFalse(run.out.contains(db.target().password()), "password printed");
        long[] server = serverLine(run.out);
        switch (mode) {
            case CHURN:
                assertEquals(20, server[0], run.out);
                break;
            case ABORT:
                assertEquals(20, server[0], run.out);
                assertTrue(server[1] >= 20, "aborted connections end without COM_QUIT: " + run.out);
                break;
            case POOLED:
                assertTrue(server[0] <= 2, "a pool of 2 connections: " + run.out);
                assertEquals(0, server[1], run.out);
                break;
            case IDLE_TIMEOUT:
                assertTrue(server[1] >= 1, "the server should have closed idle pool connections: " + run.out);
                assertTrue(run.out.contains("idle 3.5 s"), run.out);
                assertTrue(run.out.contains("] writes ok "), "progress lines while idling: " + run.out);
                break;
            default:
                break;
        }
    }

    @Test
    void durationAndRateBoundTheRun() {
        long t0 = System.nanoTime();
        Run run = run("--duration", "1", "--rate", "10", "--threads", "2");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(SampleApp.EXIT_OK, run.code, run.toString());
        // Progress lines say "writes ok N" too: the final figure is the last one.
        Matcher ok = Pattern.compile("writes ok\\s+(\\d+)").matcher(run.out);
        long writes = -1;
        while (ok.find()) writes = Long.parseLong(ok.group(1));
        assertTrue(writes >= 0, run.out);
        // The rate is a ceiling, not a promise: a loaded machine may manage fewer, never more.
        assertTrue(writes >= 1 && writes <= 11, "at most about 10 writes in 1 s at 10/s: " + run.out);
        assertTrue(seconds < 10, "took " + seconds + " s");
    }

    @Test
    void tlsCanBeSwitchedOffThroughUrlProperties() {
        Run tls = run("--writes", "2", "--threads", "1");
        assertTrue(tls.out.contains("TLSv1."), tls.out);
        Run plain = run("--writes", "2", "--threads", "1", "--jdbc-params", "sslMode=DISABLED");
        assertEquals(SampleApp.EXIT_OK, plain.code, plain.toString());
        assertTrue(plain.out.contains("no TLS"), plain.out);
    }

    @Test
    void wrongPasswordIsOneLineWithoutThePassword() {
        DatabaseTarget target = db.target();
        Run run = runRaw("--jdbc-url", target.url(), "--user", target.user(), "--password", "not-the-password-42",
                "--writes", "1");
        assertEquals(SampleApp.EXIT_DATABASE, run.code, run.toString());
        assertEquals(1, run.errLines().size(), run.err);
        assertTrue(run.err.startsWith("sample-app: cannot connect to " + target.url() + ": Access denied"), run.err);
        assertFalse(run.err.contains("not-the-password-42"), run.err);
        assertFalse(run.out.contains("not-the-password-42"), run.out);
    }

    @Test
    void unreachableDatabaseIsOneLineAndExitCodeOne() throws Exception {
        int port = EmbeddedDatabase.freeLoopbackPort(); // bound and released: nothing listens there now
        Run run = runRaw("--jdbc-url", "jdbc:mysql://127.0.0.1:" + port + "/x?user=u&password=hunter2");
        assertEquals(SampleApp.EXIT_DATABASE, run.code, run.toString());
        assertEquals(Arrays.asList("sample-app: cannot connect to jdbc:mysql://127.0.0.1:" + port
                + "/x?user=u&password=***: Connection refused"), run.errLines());
        assertFalse(run.out.contains("hunter2"), run.out);
    }

    @Test
    void badOptionIsOneLineAndExitCodeTwo() {
        Run run = runRaw("--foo");
        assertEquals(SampleApp.EXIT_USAGE, run.code);
        assertEquals(Arrays.asList("sample-app: unknown option --foo (try --help)"), run.errLines());
        assertEquals("", run.out);
    }

    @Test
    void helpGoesToStdoutWithExitCodeZero() {
        Run run = runRaw("--help");
        assertEquals(SampleApp.EXIT_OK, run.code);
        assertTrue(run.out.startsWith("Usage: java -jar sample-app.jar"), run.out);
        assertEquals("", run.err);
    }

    /** Runs against the class's database, with its account passed as options. */
    private static Run run(String... args) {
        DatabaseTarget target = db.target();
        List<String> all = new ArrayList<>(Arrays.asList("--jdbc-url", target.url(), "--user", target.user(),
                "--password", target.password()));
        all.addAll(Arrays.asList(args));
        return runRaw(all.toArray(new String[0]));
    }

    private static Run runRaw(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, "UTF-8"); PrintStream e = new PrintStream(err, true, "UTF-8")) {
            code = new SampleApp(o, e, 500).runWithShutdownHook(args);
        } catch (java.io.UnsupportedEncodingException e) {
            throw new AssertionError(e);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static long rowsFor(Mode mode) throws SQLException {
        try (Connection c = db.target().connect()) {
            SampleTable.create(c);
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM sample_rows WHERE mode = ?")) {
                s.setString(1, mode.cliName());
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }
    }

    private static long[] serverLine(String out) {
        Matcher m = SERVER_LINE.matcher(out);
        assertTrue(m.find(), out);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    private static final class Run {
        final int code;
        final String out;
        final String err;

        Run(int code, String out, String err) {
            this.code = code;
            this.out = out;
            this.err = err;
        }

        List<String> errLines() {
            List<String> lines = new ArrayList<>();
            for (String line : err.split("\\R")) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
            return lines;
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
