package io.portwatch.host;

import io.portwatch.hostrules.ConntrackRule;
import io.portwatch.kernel.Conntrack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The connection-tracking table near full: its figures, what it does to connections, and what to change. Immutable. */
public final class ConntrackWarning {

    public final Conntrack table;

    ConntrackWarning(Conntrack table) {
        this.table = table;
    }

    /** The first line said on stderr: how full, and the fix. */
    public String headline() {
        return "connection tracking table near full: " + ConntrackRule.occupancy(table) + " — raise"
                + " net.netfilter.nf_conntrack_max, or cut the churn";
    }

    /** The lines said below the headline. */
    public List<String> findings() {
        List<String> out = new ArrayList<>(Arrays.asList(
                ConntrackRule.WHEN_FULL, ConntrackRule.FIX));
        if (table.fullDrops() > 0) out.add(ConntrackRule.figures(table));
        return out;
    }

    /** Everything in one line: the log record's body. */
    public String text() {
        return headline() + ". " + String.join("; ", findings());
    }

    /** The all-clear's line. */
    public String cleared() {
        return "connection tracking table warning cleared: " + ConntrackRule.occupancy(table);
    }
}
