package io.portwatch.budget;

/**
 * New connections per second over a sliding window, from samples of a cumulative counter (the
 * tracker's connections opened toward a destination, or {@code TcpExt TW} from
 * {@code /proc/net/netstat}, whose rate is the TIME_WAIT creation rate).
 *
 * <p>It keeps a fixed ring of samples: every sample inside the window plus the newest one at or
 * before the window's start, so the rate spans the whole window once there is enough history.
 * Memory is fixed; when more samples arrive within a window than the ring holds, the oldest go and
 * the rate covers a shorter span. Not thread-safe.
 */
public final class ConnectionRate {

    private final long windowNanos;
    private final long[] times;
    private final long[] totals;
    private int head;  // index of the oldest sample
    private int count;
    private long total;

    /** @param windowNanos how far back the rate looks; @param capacity samples kept (at least 2) */
    public ConnectionRate(long windowNanos, int capacity) {
        if (windowNanos <= 0 || capacity < 2) {
            throw new IllegalArgumentException("window must be positive and capacity at least 2");
        }
        this.windowNanos = windowNanos;
        this.times = new long[capacity];
        this.totals = new long[capacity];
    }

    /** A 30 s window of up to 64 samples. */
    public ConnectionRate() {
        this(30_000_000_000L, 64);
    }

    /**
     * Records the counter's cumulative value at {@code nanos} (a {@link System#nanoTime()} reading).
     * A counter that went down (restarted) or a clock that went back starts the history anew.
     */
    public void observe(long nanos, long cumulative) {
        if (count > 0) {
            int last = index(count - 1);
            if (cumulative < totals[last] || nanos < times[last]) {
                count = 0;
            }
        }
        if (count == times.length) {
            drop();
        }
        int i = index(count);
        times[i] = nanos;
        totals[i] = cumulative;
        count++;
        total = cumulative;
        while (count > 1 && times[index(1)] <= nanos - windowNanos) {
            drop();
        }
    }

    /** Records {@code delta} new connections at {@code nanos}, for callers that count events. */
    public void add(long nanos, long delta) {
        observe(nanos, total + delta);
    }

    /** Connections per second over the window; 0 until two samples span some time. */
    public double perSecond() {
        if (count < 2) {
            return 0;
        }
        int first = head;
        int last = index(count - 1);
        long dt = times[last] - times[first];
        return dt <= 0 ? 0 : (totals[last] - totals[first]) * 1e9 / dt;
    }

    private void drop() {
        head = (head + 1) % times.length;
        count--;
    }

    private int index(int k) {
        return (head + k) % times.length;
    }
}
