package io.portwatch.budget;

/**
 * Whether to warn about one destination, with hysteresis so that a pool sitting near a threshold
 * does not warn, clear and warn again every sample. One instance per destination; not thread-safe.
 *
 * <p>Raised when the forecast gives fewer than {@code horizon} seconds left, or the blocked share
 * of the pool exceeds {@code raiseShare}. Cleared only when both are comfortably back: more than
 * {@code clearHorizon} seconds left (or sustainable) and a share below {@code clearShare}.
 */
public final class ExhaustionAlarm {

    /** What an update did. */
    public enum Change { NONE, RAISED, CLEARED }

    private final double horizonSeconds;
    private final double raiseShare;
    private final double clearHorizonSeconds;
    private final double clearShare;
    private boolean raised;

    /** Clears below {@code share - 0.1} and above {@code 2 * horizon}. */
    public ExhaustionAlarm(double horizonSeconds, double share) {
        this(horizonSeconds, share, 2 * horizonSeconds, share - 0.1);
    }

    public ExhaustionAlarm(double horizonSeconds, double raiseShare, double clearHorizonSeconds,
                           double clearShare) {
        if (clearHorizonSeconds < horizonSeconds || clearShare > raiseShare) {
            throw new IllegalArgumentException("clear thresholds must lie beyond the raise thresholds");
        }
        this.horizonSeconds = horizonSeconds;
        this.raiseShare = raiseShare;
        this.clearHorizonSeconds = clearHorizonSeconds;
        this.clearShare = clearShare;
    }

    /** A 60 s horizon and a share of 0.8. */
    public static ExhaustionAlarm defaults() {
        return new ExhaustionAlarm(60, 0.8);
    }

    /** Feeds one sample's forecast; returns whether the alarm was raised or cleared by it. */
    public Change update(Forecast f) {
        double left = f.secondsLeft();
        double share = f.usedShare();
        if (!raised && (left < horizonSeconds || share > raiseShare)) {
            raised = true;
            return Change.RAISED;
        }
        if (raised && left > clearHorizonSeconds && share < clearShare) {
            raised = false;
            return Change.CLEARED;
        }
        return Change.NONE;
    }

    public boolean raised() {
        return raised;
    }
}
