package io.portwatch.host;

import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether a raised warning is worth saying again: what the agent learned since it was said changes
 * what the operator should do or how soon. A new cause found, one gone (the closer confirmed, a
 * host setting no longer at fault), or the seconds left halved; never more often than every
 * {@link #SPACING_NANOS}, so that a steady state, or figures that wobble, do not flap.
 */
final class WarningUpdates {

    static final long SPACING_NANOS = TimeUnit.SECONDS.toNanos(5);

    private WarningUpdates() {}

    static boolean worthSaying(PortWarning said, List<String> saidCauses, long saidNanos,
                               PortWarning now, List<String> causes, long nowNanos) {
        if (nowNanos - saidNanos < SPACING_NANOS) return false;
        if (!new HashSet<>(saidCauses).equals(new HashSet<>(causes))) return true;
        return !Double.isInfinite(now.secondsLeft)
                && (Double.isInfinite(said.secondsLeft) || now.secondsLeft <= said.secondsLeft / 2);
    }
}
