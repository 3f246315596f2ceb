package io.portwatch.sample;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives the writes: N threads, each taking the next write number, pacing to the rate, and
 * writing one row through the mode's {@link ConnectionSource}. Bounded by the write count and/or
 * the duration, and stoppable at any time (Ctrl-C). Failed writes are counted, never fatal.
 */
public final class LoadRunner {
    /** Stands for "no time limit" in nanoTime arithmetic without overflowing (100 years). */
    private static final long FOREVER_NANOS = 100L * 365 * 24 * 3600 * 1_000_000_000L;

    private final Options options;
    private final ConnectionSource source;
    private final BatchPlan plan;
    private final Stats stats;
    private final String runId;
    private final PrintStream out;
    private final CountDownLatch stop = new CountDownLatch(1);

    public LoadRunner(Options options, ConnectionSource source, Stats stats, String runId, PrintStream out) {
        this.options = options;
        this.source = source;
        this.plan = BatchPlan.forMode(options.mode());
        this.stats = stats;
        this.runId = runId;
        this.out = out;
    }

    /** Asks the run to end soon: no new writes start; writes under way finish. */
    public void stop() {
        stop.countDown();
    }

    public boolean stopped() {
        return stop.getCount() == 0;
    }

    /** Runs until the writes are done, the duration is up, or {@link #stop()}. */
    public void run() throws InterruptedException {
        long start = System.nanoTime();
        long end = options.durationSeconds() > 0
                ? start + (long) (options.durationSeconds() * 1e9) : start + FOREVER_NANOS;
        long remaining = options.writes() > 0 ? options.writes() : Long.MAX_VALUE;
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "sample-writer-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            long seqBase = 0;
            while (remaining > 0 && !stopped() && System.nanoTime() - end < 0) {
                if (plan.pauseMillis() > 0 && !pause(end)) {
                    break;
                }
                long batchStart = System.nanoTime();
                long batchEnd = plan.maxMillis() == Long.MAX_VALUE ? end
                        : earlier(end, batchStart + TimeUnit.MILLISECONDS.toNanos(plan.maxMillis()));
                long batchWrites = Math.min(remaining, plan.maxWrites());
                long done = runBatch(workers, seqBase, batchWrites, batchStart, batchEnd);
                remaining -= done;
                seqBase += done;
                if (plan.pauseMillis() == 0) {
                    break; // a single batch: it ran until its writes or the time ran out
                }
            }
        } finally {
            workers.shutdownNow();
            workers.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /** Idles before a batch; false when stopped or out of time meanwhile. */
    private boolean pause(long end) throws InterruptedException {
        long pauseNanos = TimeUnit.MILLISECONDS.toNanos(plan.pauseMillis());
        long left = end - System.nanoTime();
        if (left <= pauseNanos) {
            return false; // no time left for a batch after the pause
        }
        out.printf("idle %.1f s (longer than wait_timeout=%d s): the server closes the pool's idle connections%n",
                plan.pauseMillis() / 1000.0, BatchPlan.WAIT_TIMEOUT_SECONDS);
        return !stop.await(pauseNanos, TimeUnit.NANOSECONDS);
    }

    private long runBatch(ExecutorService workers, long seqBase, long batchWrites, long batchStart, long batchEnd)
            throws InterruptedException {
        AtomicLong tickets = new AtomicLong();
        AtomicLong attempted = new AtomicLong();
        Pacer pacer = new Pacer(options.rate(), batchStart);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 1; w <= options.threads(); w++) {
            int worker = w;
            futures.add(workers.submit(() -> {
                while (!stopped()) {
                    long n = tickets.getAndIncrement();
                    if (n >= batchWrites || !pacer.await(n, batchEnd, this::stopped)
                            || System.nanoTime() - batchEnd >= 0) {
                        return;
                    }
                    attempted.incrementAndGet();
                    writeOne(worker, seqBase + n);
                }
            }));
        }
        for (Future<?> future : futures) {
            try {
                future.get();
            } catch (ExecutionException e) {
                stats.recordFailure(e.getCause()); // an Error in a writer; keep going
            }
        }
        return attempted.get();
    }

    private void writeOne(int worker, long seq) {
        Connection connection = null;
        try {
            connection = source.acquire();
            SampleTable.insert(connection, runId, options.mode(), worker, seq);
            Connection done = connection;
            connection = null;
            source.release(done);
            stats.recordOk();
        } catch (SQLException | RuntimeException e) {
            stats.recordFailure(e);
            if (connection != null) {
                source.releaseQuietly(connection);
            }
        }
    }

    private static long earlier(long a, long b) {
        return a - b <= 0 ? a : b;
    }
}
