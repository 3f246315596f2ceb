package io.portwatch.sample;

/**
 * How the load is cut into batches. Every mode but idle-timeout writes in one batch. Idle-timeout
 * lets the pool sit idle longer than the server's wait_timeout before each batch, so the server
 * closes the pooled connections first and the pool only notices when it next hands them out.
 */
public final class BatchPlan {
    /** The session wait_timeout set on every idle-timeout pool connection. */
    public static final int WAIT_TIMEOUT_SECONDS = 2;
    /** Idle time before each idle-timeout batch: comfortably past wait_timeout. */
    public static final long IDLE_PAUSE_MILLIS = WAIT_TIMEOUT_SECONDS * 1000L + 1500;
    /** An idle-timeout batch ends after this many writes or {@link #IDLE_BATCH_MILLIS}, whichever first. */
    public static final long IDLE_BATCH_WRITES = 500;
    public static final long IDLE_BATCH_MILLIS = 3000;

    private static final BatchPlan SINGLE = new BatchPlan(0, Long.MAX_VALUE, Long.MAX_VALUE);
    private static final BatchPlan IDLE = new BatchPlan(IDLE_PAUSE_MILLIS, IDLE_BATCH_WRITES, IDLE_BATCH_MILLIS);

    private final long pauseMillis;
    private final long maxWrites;
    private final long maxMillis;

    BatchPlan(long pauseMillis, long maxWrites, long maxMillis) {
        this.pauseMillis = pauseMillis;
        this.maxWrites = maxWrites;
        this.maxMillis = maxMillis;
    }

    public static BatchPlan forMode(Mode mode) {
        return mode == Mode.IDLE_TIMEOUT ? IDLE : SINGLE;
    }

    /** Idle time before each batch; 0 for none. */
    public long pauseMillis() {
        return pauseMillis;
    }

    public long maxWrites() {
        return maxWrites;
    }

    public long maxMillis() {
        return maxMillis;
    }
}
