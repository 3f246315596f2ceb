package io.portwatch.export;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One signal's way out in the {@link ExportLoop}: its queue (none for metrics), its sink, and what
 * became of its items, which the agent says at exit: handed to the sink ({@link #exported()}),
 * accepted ({@link #delivered()}), refused or failed ({@link #notDelivered()}); what lies between
 * is on its way, in a sink that has not returned. With the queue's counts (offered, dropped when
 * full, not built), that is what the line at exit about lost spans says.
 *
 * <p>Failures are said, not per batch: the first at once, then at most one line every few
 * minutes with the count since, and one line when it works again. So is a full queue. A
 * collector that is down costs the application a few stderr lines.
 *
 * <p>Exports on the loop's thread only; the counts are read from any thread.
 */
public final class SignalExport<T> {

    private static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(5);

    /** What the items are, plural: "spans", "log records", "metrics". */
    final String name;
    final ExportLoop.Sink<T> sink;
    /** Null for metrics, collected rather than queued. */
    final BatchQueue<T> queue;
    final long delayNanos;
    final int maxBatch;
    private final Consumer<String> problems;
    /** When the next timed export is due ({@link System#nanoTime()}); the loop's thread. */
    long due;

    // Written by the loop's thread only: volatile for the readers, no atomic add needed.
    private volatile long exported;
    private volatile long delivered;
    private volatile long notDelivered;
    private volatile boolean lastExportFailed;

    private long failedSinceReport;
    private long failureReportNanos;
    private long lostReported;
    private long lostReportNanos;

    SignalExport(String name, ExportLoop.Sink<T> sink, BatchQueue<T> queue, long delayNanos, int maxBatch,
                 Consumer<String> problems) {
        this.name = name;
        this.sink = sink;
        this.queue = queue;
        this.delayNanos = delayNanos;
        // A batch no larger than the queue: a full one must be possible, or the loop would wait on it.
        this.maxBatch = Math.max(1, queue == null ? maxBatch : Math.min(maxBatch, queue.capacity()));
        this.problems = problems;
    }

    /**
     * Exports the queue: all of it, in batches, when {@code flushing} or due at {@code now}; else
     * its full batches only. Either way only what was there at the start: items that keep coming
     * meanwhile wait for the next turn, so that a busy signal does not hold up the others.
     */
    void exportQueued(long now, boolean flushing) {
        int waiting = queue.size();
        boolean timed = flushing || now - due >= 0;
        // Set first: should anything below throw, the loop is not due again at once, for ever.
        if (timed) due = now + delayNanos;
        while (waiting > 0 && (timed || waiting >= maxBatch)) {
            List<T> batch = new ArrayList<>(Math.min(waiting, maxBatch));
            int n = queue.drain(batch, Math.min(waiting, maxBatch));
            if (n == 0) break;
            waiting -= n;
            deliver(batch);
        }
        reportLosses();
    }

    /** Hands {@code batch} to the sink, counts what came of it, and says a failure or a recovery. */
    void deliver(List<T> batch) {
        int n = batch.size();
        exported += n;
        boolean accepted;
        Throwable why = null;
        try {
            accepted = sink.export(batch);
        } catch (Throwable e) {
            accepted = false;
            why = e;
        }
        boolean wasFailing = lastExportFailed;
        if (accepted) {
            delivered += n;
            lastExportFailed = false;
            if (wasFailing) {
                say("exporting " + name + " works again");
                failedSinceReport = 0;
            }
            return;
        }
        notDelivered += n;
        lastExportFailed = true;
        failedSinceReport += n;
        long now = System.nanoTime();
        if (!wasFailing || now - failureReportNanos > QUIET_NANOS) {
            say("cannot export " + name + " (" + failedSinceReport + " not delivered since the last report)"
                    + (why == null ? "" : ": " + (why.getMessage() != null ? why.getMessage() : why.toString())));
            failedSinceReport = 0;
            failureReportNanos = now;
        }
    }

    /** Says, at most every few minutes, that the queue has been full since the last line. */
    private void reportLosses() {
        long notBuilt = queue.notBuilt();
        long dropped = queue.dropped();
        long lost = notBuilt + dropped;
        long now = System.nanoTime();
        if (lost > lostReported && (lostReported == 0 || now - lostReportNanos > QUIET_NANOS)) {
            say("the queue of " + name + " was full (" + queue.capacity() + "): " + notBuilt + " not built and "
                    + dropped + " dropped so far (a collector down or slow, or more than it takes)");
            lostReported = lost;
            lostReportNanos = now;
        }
    }

    private void say(String line) {
        try {
            problems.accept(line);
        } catch (RuntimeException ignored) {
            // Nowhere left to say it.
        }
    }

    /** The queue, or null for metrics. */
    public BatchQueue<T> queue() {
        return queue;
    }

    /** Items handed to the sink, whatever came of it. */
    public long exported() {
        return exported;
    }

    /** Items the sink took (it returned true). */
    public long delivered() {
        return delivered;
    }

    /** Items the sink refused (it returned false) or failed on (it threw). */
    public long notDelivered() {
        return notDelivered;
    }

    /** Whether the last export that ended failed: the collector is most likely down still. */
    public boolean lastExportFailed() {
        return lastExportFailed;
    }
}
