package io.portwatch.sample;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One run of the sample: options, database (given or embedded), the load with its progress lines,
 * the summary. Returns an exit code instead of exiting, so tests can call it.
 */
public final class SampleApp {
    public static final String NAME = "sample-app";
    public static final int EXIT_OK = 0;
    public static final int EXIT_DATABASE = 1;
    public static final int EXIT_USAGE = 2;

    private final PrintStream out;
    private final PrintStream err;
    private final long progressIntervalMillis;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile LoadRunner runner;

    SampleApp(PrintStream out, PrintStream err, long progressIntervalMillis) {
        this.out = out;
        this.err = err;
        this.progressIntervalMillis = progressIntervalMillis;
    }

    /** Runs the sample with a shutdown hook that lets Ctrl-C end the load cleanly; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return new SampleApp(out, err, ProgressReporter.DEFAULT_INTERVAL_MILLIS).runWithShutdownHook(args);
    }

    int runWithShutdownHook(String[] args) {
        Thread hook = new Thread(this::onShutdown, NAME + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return execute(args);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is already running
            }
        }
    }

    /** Ctrl-C: stop starting writes, then give the main thread time for the summary and the clean-up. */
    private void onShutdown() {
        stopRequested = true;
        LoadRunner current = runner;
        if (current != null) {
            current.stop();
        }
        try {
            finished.await(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    int execute(String[] args) {
        Options options;
        try {
            options = OptionsParser.parse(args);
        } catch (UsageException e) {
            err.println(NAME + ": " + e.getMessage() + " (try --help)");
            return EXIT_USAGE;
        }
        if (options.help()) {
            out.println(OptionsParser.usage());
            return EXIT_OK;
        }
        if (options.embedded()) {
            return withEmbeddedDatabase(options);
        }
        return load(options, DatabaseTarget.fromOptions(options));
    }

    private int withEmbeddedDatabase(Options options) {
        out.println("starting embedded MariaDB " + EmbeddedDatabase.MARIADB_VERSION + " on 127.0.0.1 ...");
        out.flush();
        EmbeddedDatabase db;
        try {
            db = EmbeddedDatabase.start();
        } catch (Exception e) {
            err.println(NAME + ": cannot start the embedded MariaDB: " + Failures.rootMessage(e));
            return EXIT_DATABASE;
        }
        try {
            out.println(String.format(Locale.ROOT, "embedded MariaDB ready on 127.0.0.1:%d in %.1f s",
                    db.port(), db.startMillis() / 1000.0));
            return load(options, db.target().withParams(options.jdbcParams()));
        } finally {
            db.close();
        }
    }

    private int load(Options options, DatabaseTarget target) {
        ServerProbe before;
        try (Connection connection = target.connect()) {
            try {
                SampleTable.create(connection);
            } catch (SQLException e) {
                err.println(NAME + ": cannot create table " + SampleTable.NAME + " at " + target.redactedUrl() + ": "
                        + Failures.rootMessage(e));
                return EXIT_DATABASE;
            }
            before = probeQuietly(connection);
        } catch (SQLException e) {
            err.println(NAME + ": cannot connect to " + target.redactedUrl() + ": " + Failures.rootMessage(e));
            return EXIT_DATABASE;
        }
        printBanner(options, target, before);

        ConnectionSource source;
        try {
            source = ConnectionSource.forMode(options.mode(), target, options.threads());
        } catch (RuntimeException e) {
            err.println(NAME + ": cannot connect to " + target.redactedUrl() + ": " + Failures.rootMessage(e));
            return EXIT_DATABASE;
        }
        out.println("connections: " + source.describe());
        out.flush();

        String runId = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        Stats stats = new Stats();
        LoadRunner load = new LoadRunner(options, source, stats, runId, out);
        runner = load;
        if (stopRequested) {
            load.stop();
        }
        double elapsed;
        try (ProgressReporter reporter = ProgressReporter.start(stats, out, progressIntervalMillis)) {
            load.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            load.stop();
        } finally {
            elapsed = stats.elapsedSeconds();
            source.close();
        }
        ProgressReporter.printSummary(out, summarize(options, target, stats, elapsed, load.stopped(), runId, before,
                source.summaryNote()));
        return EXIT_OK;
    }

    private void printBanner(Options options, DatabaseTarget target, ServerProbe probe) {
        StringBuilder bounds = new StringBuilder();
        if (options.writes() > 0) {
            bounds.append(options.writes()).append(" writes");
        }
        if (options.durationSeconds() > 0) {
            bounds.append(bounds.length() > 0 ? " or " : "").append(format(options.durationSeconds())).append(" s");
        }
        String rate = options.rate() > 0 ? format(options.rate()) + " writes/s" : "as fast as possible";
        out.println(NAME + ": mode " + options.mode().cliName() + ", " + options.threads() + " threads, " + bounds
                + ", " + rate);
        String server = probe == null ? "" : " (" + probe.version() + ", "
                + (probe.tls().isEmpty() ? "no TLS" : probe.tls()) + ")";
        out.println("database: " + target.redactedUrl() + server);
    }

    private ProgressReporter.Summary summarize(Options options, DatabaseTarget target, Stats stats, double elapsed,
            boolean interrupted, String runId, ServerProbe before, String note) {
        long rows = -1;
        long newConnections = -1;
        long newAborted = -1;
        String probeError = null;
        try (Connection connection = target.connect()) {
            rows = SampleTable.countRows(connection, runId);
            ServerProbe after = probeQuietly(connection);
            if (before != null && after != null && before.connections() >= 0 && after.connections() >= 0) {
                // minus 1: the connection this probe runs on
                newConnections = after.connections() - before.connections() - 1;
                newAborted = after.abortedClients() - before.abortedClients();
            }
        } catch (SQLException | RuntimeException e) {
            // out of ports, or the database is gone (Ctrl-C stops the embedded one): summarize without it
            probeError = Failures.describe(e);
        }
        String notes = note;
        if (probeError != null) {
            notes = (note.isEmpty() ? "" : note + System.lineSeparator() + "  ")
                    + "rows and server counters unavailable: " + probeError;
        }
        return new ProgressReporter.Summary(options.mode(), options.threads(), stats, elapsed, interrupted,
                rows, newConnections, newAborted, notes);
    }

    private static ServerProbe probeQuietly(Connection connection) {
        try {
            return ServerProbe.read(connection);
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    private static String format(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
