package io.portwatch.host;

import io.portwatch.hostrules.ConntrackRule;
import io.portwatch.kernel.Conntrack;

/**
 * The warning about the connection-tracking table: raised once when the table is
 * {@link ConntrackRule#NEAR_FULL} full or more, cleared once when it is back under
 * {@link ConntrackRule#CLEAR}; nothing at all where connection tracking is not loaded. Fed each
 * sample's read by {@link DestinationBudgets}; no I/O. Not thread-safe: the reporter thread only.
 */
final class ConntrackAlarm {

    private boolean raised;

    /** Tells {@code listener} when the warning is raised or cleared by {@code c} (null: not loaded, or unreadable this time). */
    void update(Conntrack c, BudgetListener listener) {
        if (c == null || c.max <= 0) return;
        if (!raised && c.share() >= ConntrackRule.NEAR_FULL) {
            raised = true;
            listener.conntrackRaised(new ConntrackWarning(c));
        } else if (raised && c.share() < ConntrackRule.CLEAR) {
            raised = false;
            listener.conntrackCleared(new ConntrackWarning(c));
        }
    }

    boolean raised() {
        return raised;
    }
}
