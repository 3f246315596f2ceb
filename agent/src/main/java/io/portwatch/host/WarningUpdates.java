package io.portwatch.host;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

    /**
     * Causes read from one sample's figures, which come and go from sample to sample (an overflow
     * counter that rose since the last one, a connect slower than twice its best, others' open
     * ports and whose the TIME_WAITs are): said when the warning is said, not a reason to say it again.
     */
    private static final Set<String> PASSING = new HashSet<>(Arrays.asList("overflow", "slowing", "others", "tw-holders"));

    static boolean worthSaying(PortWarning said, List<String> saidCauses, long saidNanos,
                               PortWarning now, List<String> causes, long nowNanos) {
        if (nowNanos - saidNanos < SPACING_NANOS) return false;
        if (!lasting(saidCauses).equals(lasting(causes))) return true;
        // Out of ports already (0 s left) is said once: 0 is "half" of 0, and would flap every spacing.
        return !Double.isInfinite(now.secondsLeft) && said.secondsLeft > 0
                && (Double.isInfinite(said.secondsLeft) || now.secondsLeft <= said.secondsLeft / 2);
    }

    private static Set<String> lasting(List<String> causes) {
        Set<String> out = new HashSet<>(causes);
        out.removeAll(PASSING);
        return out;
    }
}
