package io.portwatch.budget;

/**
 * Where one destination's port pool is heading at the current connection rate.
 *
 * <p>The model. A connection this host closes first leaves its port in TIME_WAIT for
 * {@code TCP_TIMEWAIT_LEN} = 60 s, and no sysctl shortens that ({@code include/net/tcp.h}). When
 * TIME_WAIT reuse is effective ({@link ReuseVerdict}), {@code connect()} can take the port again
 * after the reuse delay (1 s by default), so a TIME_WAIT port blocks new connections only for that
 * long. Call this the hold time {@code H}. Then, at a steady rate {@code r} of new connections:
 * <pre>
 *   steady state   = established + other + r * H
 *   sustainable    when steady state &lt; capacity
 *   blocked now    = established + other + TIME_WAIT ports still inside their hold time
 *   seconds left   = (capacity - blocked now) / (r - TIME_WAIT / H)
 * </pre>
 * The last line assumes the TIME_WAIT sockets counted now were created evenly over the last
 * {@code H} seconds, so they expire at {@code TIME_WAIT / H} per second while new ones arrive at
 * {@code r}; for a rate that just stepped up from an even past this is exact, and it always
 * predicts exhaustion within {@code H} seconds when the steady state exceeds the capacity.
 *
 * <p>Assumptions, to keep in mind when reading a figure: every new connection ends in a TIME_WAIT
 * on this host (this host closes first; pass the rate of such closes where known, the rate of
 * opens as an upper bound); the rate and the number of established and other connections stay as
 * they are; the peer negotiates timestamps when reuse is said to be effective; nothing else takes
 * ports from the pool.
 */
public final class Forecast {

    /** {@code TCP_TIMEWAIT_LEN} in {@code include/net/tcp.h}. */
    public static final double TIME_WAIT_SECONDS = 60.0;

    private final int capacity;
    private final int held;
    private final double blocked;
    private final double steadyState;
    private final double fixed;
    private final double ratePerSecond;
    private final double holdSeconds;
    private final double secondsLeft;

    private Forecast(int capacity, int held, double blocked, double steadyState, double fixed,
                     double ratePerSecond, double holdSeconds, double secondsLeft) {
        this.capacity = capacity;
        this.fixed = fixed;
        this.held = held;
        this.blocked = blocked;
        this.steadyState = steadyState;
        this.ratePerSecond = ratePerSecond;
        this.holdSeconds = holdSeconds;
        this.secondsLeft = secondsLeft;
    }

    /**
     * @param capacity usable ports of the pool ({@link PortBudget#capacity()})
     * @param established ESTABLISHED ports toward the destination now
     * @param timeWait TIME_WAIT ports toward the destination now
     * @param other ports in any other state now
     * @param ratePerSecond new connections per second ({@link ConnectionRate})
     * @param reuse whether TIME_WAIT reuse is effective for this destination
     */
    public static Forecast compute(int capacity, int established, int timeWait, int other,
                                   double ratePerSecond, ReuseVerdict reuse) {
        double hold = reuse.effective() ? reuse.delayMillis() / 1000.0 : TIME_WAIT_SECONDS;
        return compute(capacity, established, timeWait, other, ratePerSecond, hold);
    }

    /** The same with the hold time given: 60 s without reuse, the reuse delay with it. */
    public static Forecast compute(int capacity, int established, int timeWait, int other,
                                   double ratePerSecond, double holdSeconds) {
        double rate = Math.max(0, ratePerSecond);
        double fixed = established + other;
        // A hold shorter than TIME_WAIT's 60 s means reuse: only the TIME_WAITs younger than the hold
        // block, about rate * hold of them. Without reuse every TIME_WAIT blocks.
        double blockingTimeWait = holdSeconds < TIME_WAIT_SECONDS ? Math.min(timeWait, rate * holdSeconds) : timeWait;
        double blocked = fixed + blockingTimeWait;
        double steady = fixed + rate * holdSeconds;
        double left;
        if (blocked >= capacity) {
            left = 0;
        } else if (steady < capacity) {
            left = Double.POSITIVE_INFINITY;
        } else {
            // steady >= capacity > blocked implies rate > blockingTimeWait / hold: the divisor is positive
            left = (capacity - blocked) / (rate - blockingTimeWait / holdSeconds);
        }
        return new Forecast(capacity, established + timeWait + other, blocked, steady, fixed, rate, holdSeconds,
            left);
    }

    public int capacity() {
        return capacity;
    }

    /** Ports held now in any state, TIME_WAIT included. */
    public int held() {
        return held;
    }

    /** Ports a new {@code connect()} cannot use now (equal to {@link #held()} without reuse). */
    public double blocked() {
        return blocked;
    }

    /** {@link #blocked()} as a share of the capacity (1 when there is no capacity). */
    public double usedShare() {
        return capacity <= 0 ? 1 : blocked / capacity;
    }

    /** Ports blocked once the current rate has run for the hold time. */
    public double steadyState() {
        return steadyState;
    }

    public double ratePerSecond() {
        return ratePerSecond;
    }

    /** 60 s, or the reuse delay when reuse is effective. */
    public double holdSeconds() {
        return holdSeconds;
    }

    /** Seconds until no port is left; {@code +Infinity} when sustainable, 0 when exhausted now. */
    public double secondsLeft() {
        return secondsLeft;
    }

    public boolean sustainable() {
        return secondsLeft == Double.POSITIVE_INFINITY;
    }

    /** The largest sustainable rate: (capacity - established - other) / hold; about 470/s by default. */
    public double maxSustainableRate() {
        return Math.max(0, capacity - fixed) / holdSeconds;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
            "held=%d blocked=%.0f capacity=%d rate=%.1f/s steady=%.0f secondsLeft=%s",
            held, blocked, capacity, ratePerSecond, steadyState,
            sustainable() ? "none" : String.format(java.util.Locale.ROOT, "%.1f", secondsLeft));
    }
}
