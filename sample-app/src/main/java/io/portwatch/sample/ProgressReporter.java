package io.portwatch.sample;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Prints a progress line every few seconds while the load runs, and the summary at the end. */
public final class ProgressReporter implements AutoCloseable {
    public static final long DEFAULT_INTERVAL_MILLIS = 2000;

    private final Stats stats;
    private final PrintStream out;
    private final ScheduledExecutorService timer;
    private long lastAttempts;
    private double lastSeconds;

    private ProgressReporter(Stats stats, PrintStream out) {
        this.stats = stats;
        this.out = out;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sample-progress");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts printing every {@code intervalMillis}. */
    public static ProgressReporter start(Stats stats, PrintStream out, long intervalMillis) {
        ProgressReporter reporter = new ProgressReporter(stats, out);
        reporter.timer.scheduleAtFixedRate(reporter::printProgress, intervalMillis, intervalMillis,
                TimeUnit.MILLISECONDS);
        return reporter;
    }

    synchronized void printProgress() {
        double seconds = stats.elapsedSeconds();
        long ok = stats.ok();
        long failed = stats.failed();
        long attempts = ok + failed;
        double interval = seconds - lastSeconds;
        double recent = interval > 0 ? (attempts - lastAttempts) / interval : 0;
        lastAttempts = attempts;
        lastSeconds = seconds;
        out.println(String.format(Locale.ROOT, "[%6.1fs] writes ok %d, failed %d, rate %.1f/s (last %.1fs: %.1f/s)",
                seconds, ok, failed, seconds > 0 ? attempts / seconds : 0.0, interval, recent));
        out.flush();
    }

    /** Stops the periodic lines. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The end-of-run summary. */
    public static void printSummary(PrintStream out, Summary summary) {
        Stats stats = summary.stats;
        double seconds = summary.elapsedSeconds;
        out.println(summary.interrupted ? "summary (interrupted):" : "summary:");
        out.println("  mode            " + summary.mode.cliName() + ", " + summary.threads + " threads");
        out.println("  writes ok       " + stats.ok());
        out.println("  writes failed   " + stats.failed());
        out.println(String.format(Locale.ROOT, "  elapsed         %.2f s", seconds));
        out.println(String.format(Locale.ROOT, "  rate            %.1f writes/s",
                seconds > 0 ? stats.attempts() / seconds : 0.0));
        Map<String, Long> failures = stats.failuresByMessage();
        if (!failures.isEmpty()) {
            out.println("  failures by message:");
            for (Map.Entry<String, Long> e : failures.entrySet()) {
                out.println(String.format(Locale.ROOT, "    %8d  %s", e.getValue(), e.getKey()));
            }
        }
        if (summary.rowsInTable >= 0) {
            out.println("  rows in " + SampleTable.NAME + " for this run: " + summary.rowsInTable);
        }
        if (summary.newServerConnections >= 0) {
            out.println("  server: " + summary.newServerConnections + " new connections, " + summary.newAbortedClients
                    + " ended without COM_QUIT or by wait_timeout (Aborted_clients)");
        }
        if (!summary.note.isEmpty()) {
            out.println("  " + summary.note);
        }
        out.flush();
    }

    /** What the summary shows; -1 for what could not be read. */
    public static final class Summary {
        final Mode mode;
        final int threads;
        final Stats stats;
        final double elapsedSeconds;
        final boolean interrupted;
        final long rowsInTable;
        final long newServerConnections;
        final long newAbortedClients;
        final String note;

        public Summary(Mode mode, int threads, Stats stats, double elapsedSeconds, boolean interrupted,
                long rowsInTable, long newServerConnections, long newAbortedClients, String note) {
            this.mode = mode;
            this.threads = threads;
            this.stats = stats;
            this.elapsedSeconds = elapsedSeconds;
            this.interrupted = interrupted;
            this.rowsInTable = rowsInTable;
            this.newServerConnections = newServerConnections;
            this.newAbortedClients = newAbortedClients;
            this.note = note == null ? "" : note;
        }
    }
}
