package io.portwatch.export;

import io.portwatch.otlp.OtlpLog;
import io.portwatch.otlp.OtlpMetric;
import io.portwatch.otlp.OtlpSpan;
import io.portwatch.track.AgentThreads;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The one thread that exports, in place of the OpenTelemetry SDK's batch processors and periodic
 * metric reader (a thread each): spans every span delay, or as soon as a batch is full; log
 * records every log delay, or as soon as a batch is full; the metrics every metric interval, one
 * {@link MetricRegistry#collect} each. The signals take turns, so a sink that is slow (a collector
 * retried for seconds) holds up the others: a price worth one thread instead of three, for the few
 * items portwatch exports.
 *
 * <p>The thread sleeps ({@link LockSupport#parkNanos}) until the next export is due; a queue that
 * reaches a full batch, or a {@link #flush}, wakes it. It is a daemon in the agent's thread group,
 * so its sockets go untracked, and a sink that blocks for good costs a thread left behind, never
 * the application's exit: {@link #flush} and {@link #shutdown} wait at most their timeout.
 *
 * <p>Configured ({@code export...}) before {@link #start}; then used from any thread.
 */
public final class ExportLoop {

    /** Where a batch goes: an exporter, which sends it and says whether it was accepted. */
    public interface Sink<T> {
        /**
         * Sends {@code batch} (the loop does not touch it afterwards); true when it was delivered.
         * Called on the loop's thread; a throw counts as not delivered.
         */
        boolean export(List<T> batch);
    }

    private final Consumer<String> problems;
    private SignalExport<OtlpSpan> spans;
    private SignalExport<OtlpLog> logs;
    private SignalExport<OtlpMetric> metrics;
    private MetricRegistry registry;

    private final Object lock = new Object();
    /** Guarded by {@link #lock}: flushes asked for and done, by number; whether to stop, and whether stopped. */
    private long flushRequested;
    private long flushDone;
    private boolean stopRequested;
    private boolean ended;
    private Thread thread;

    /** {@code problems}: where failures are said, one line each, now and then. */
    public ExportLoop(Consumer<String> problems) {
        this.problems = problems;
    }

    /** Exports the spans of {@code queue}: every {@code delayMillis}, or at once when {@code maxBatch} wait. */
    public SignalExport<OtlpSpan> exportSpans(BatchQueue<OtlpSpan> queue, Sink<OtlpSpan> sink, long delayMillis,
                                              int maxBatch) {
        beforeStart();
        spans = new SignalExport<>("spans", sink, queue, TimeUnit.MILLISECONDS.toNanos(delayMillis), maxBatch, problems);
        return spans;
    }

    /** Exports the log records of {@code queue}: every {@code delayMillis}, or at once when {@code maxBatch} wait. */
    public SignalExport<OtlpLog> exportLogs(BatchQueue<OtlpLog> queue, Sink<OtlpLog> sink, long delayMillis,
                                            int maxBatch) {
        beforeStart();
        logs = new SignalExport<>("log records", sink, queue, TimeUnit.MILLISECONDS.toNanos(delayMillis), maxBatch,
                problems);
        return logs;
    }

    /** Collects {@code registry} every {@code intervalMillis} and exports the metrics, all in one batch. */
    public SignalExport<OtlpMetric> exportMetrics(MetricRegistry registry, Sink<OtlpMetric> sink, long intervalMillis) {
        beforeStart();
        this.registry = registry;
        metrics = new SignalExport<>("metrics", sink, null, TimeUnit.MILLISECONDS.toNanos(intervalMillis), 1, problems);
        return metrics;
    }

    private void beforeStart() {
        synchronized (lock) {
            if (thread != null) throw new IllegalStateException("the export loop is already started");
        }
    }

    /** The accounting of spans, or null when they are not exported. */
    public SignalExport<OtlpSpan> spans() {
        return spans;
    }

    /** The accounting of log records, or null when they are not exported. */
    public SignalExport<OtlpLog> logs() {
        return logs;
    }

    /** The accounting of metrics, or null when they are not exported. */
    public SignalExport<OtlpMetric> metrics() {
        return metrics;
    }

    /** Starts the thread; again, nothing. */
    public void start() {
        synchronized (lock) {
            if (thread != null) return;
            thread = AgentThreads.newThread("export", new Runnable() {
                @Override
                public void run() {
                    loop();
                }
            });
            thread.start();
        }
    }

    /**
     * Exports everything queued now and one collection of metrics, waiting at most
     * {@code timeoutMillis}; whether that was done in time. False at once on the loop's own thread
     * (a sink or an observer that flushes), and once the loop has shut down. Starts the loop if it
     * was not.
     */
    public boolean flush(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        return await(request(false), deadline);
    }

    /**
     * {@link #flush}, then the thread ends; waits at most {@code timeoutMillis}, whatever a sink
     * does (a thread stuck in one is left behind, a daemon). Whether everything was done in time;
     * true when the loop had shut down already. Starts the loop if it was not, so that what was
     * queued goes out. Callable from a JVM shutdown hook.
     */
    public boolean shutdown(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (lock) {
            if (ended) return true;
        }
        if (!await(request(true), deadline)) return false;
        Thread t;
        synchronized (lock) {
            t = thread;
        }
        try {
            // Done: the thread ends right after saying so.
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    /** Asks for a flush (and a stop), starting the loop if need be; the flush's number. */
    private long request(boolean stop) {
        start();
        Thread t;
        long ticket;
        synchronized (lock) {
            if (stop) stopRequested = true;
            ticket = ++flushRequested;
            t = thread;
        }
        LockSupport.unpark(t);
        return ticket;
    }

    /** Waits until flush {@code ticket} is done, or {@code deadline}; whether it was done. */
    private boolean await(long ticket, long deadline) {
        synchronized (lock) {
            if (Thread.currentThread() == thread) return false; // the loop cannot wait for itself
            while (flushDone < ticket && !ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return flushDone >= ticket;
        }
    }

    /** The thread's body: export what is due, say which flush is done, sleep until the next. */
    private void loop() {
        long now = System.nanoTime();
        if (spans != null) spans.due = now + spans.delayNanos;
        if (logs != null) logs.due = now + logs.delayNanos;
        if (metrics != null) metrics.due = now + metrics.delayNanos;
        if (spans != null) spans.queue.wakeAt(spans.maxBatch, Thread.currentThread());
        if (logs != null) logs.queue.wakeAt(logs.maxBatch, Thread.currentThread());
        long done = 0;
        for (;;) {
            long ticket;
            boolean stop;
            synchronized (lock) {
                ticket = flushRequested;
                stop = stopRequested;
            }
            boolean flushing = ticket != done;
            exportDue(flushing);
            if (flushing) {
                done = ticket;
                synchronized (lock) {
                    flushDone = ticket;
                    lock.notifyAll();
                }
            }
            // A stop is asked for with a flush, under the lock: the flush just done included it.
            if (stop) {
                synchronized (lock) {
                    ended = true;
                    lock.notifyAll();
                }
                return;
            }
            long sleep = untilNextDue(done);
            if (sleep > 0) LockSupport.parkNanos(this, sleep);
            Thread.interrupted(); // an interrupt would make every park return at once
        }
    }

    /** One turn: each signal that is due (or full, or flushed) is exported. */
    private void exportDue(boolean flushing) {
        try {
            if (spans != null) spans.exportQueued(System.nanoTime(), flushing);
            if (logs != null) logs.exportQueued(System.nanoTime(), flushing);
            if (metrics != null && (flushing || System.nanoTime() - metrics.due >= 0)) {
                metrics.due = System.nanoTime() + metrics.delayNanos;
                List<OtlpMetric> collected = registry.collect(registry.epochNanos());
                // As the SDK's metric reader: an empty collection is not sent.
                if (!collected.isEmpty()) metrics.deliver(collected);
            }
        } catch (Throwable e) {
            // Not a sink's failure (counted where it happens): a bug; the loop must go on all the same.
            try {
                problems.accept("exporting failed: " + e);
            } catch (RuntimeException ignored) {
                // Nowhere left to say it.
            }
        }
    }

    /**
     * Nanoseconds until the next export is due: 0 when a flush other than {@code done} is asked
     * for or a queue holds a full batch already. Checked, not left to the wake-up alone: a sink
     * that waits on a lock of its own parks too, and may take the wake-up meant for the loop.
     */
    private long untilNextDue(long done) {
        synchronized (lock) {
            if (flushRequested != done) return 0;
        }
        long now = System.nanoTime();
        long sleep = Long.MAX_VALUE;
        sleep = Math.min(sleep, until(spans, now));
        sleep = Math.min(sleep, until(logs, now));
        if (metrics != null) sleep = Math.min(sleep, metrics.due - now);
        return sleep;
    }

    private static long until(SignalExport<?> s, long now) {
        if (s == null) return Long.MAX_VALUE;
        if (s.queue.size() >= s.maxBatch) return 0;
        return s.due - now;
    }
}
