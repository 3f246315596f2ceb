package io.portwatch.host;

import io.portwatch.budget.DestinationCounts;
import io.portwatch.kernel.Conntrack;
import io.portwatch.kernel.Sysctls;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connection-tracking table's warning, through the budgets' sample as the read schedule hands
 * it: raised once when the table is 80% full, said with what to do, cleared once under 70%; never
 * where connection tracking is not loaded.
 */
class ConntrackAlarmTest {

    /** What the listener heard, in order: "raised ..." and "cleared ..." lines, and the last snapshot. */
    private static final class Heard implements BudgetListener {
        final List<String> said = new ArrayList<>();
        HostSnapshot last;

        @Override public void sampled(HostSnapshot snapshot) {
            last = snapshot;
        }
        @Override public void warningRaised(PortWarning warning) {}
        @Override public void warningUpdated(PortWarning warning) {}
        @Override public void warningCleared(PortWarning warning) {}
        @Override public void conntrackRaised(ConntrackWarning w) {
            said.add("raised " + w.text());
        }
        @Override public void conntrackCleared(ConntrackWarning w) {
            said.add("cleared " + w.cleared());
        }
    }

    private static void sample(DestinationBudgets budgets, Conntrack table, long now) {
        DestinationCounts counts = new DestinationCounts(40000, 40299);
        counts.freshWithin(5);
        budgets.sample(new KernelRead(counts, 5, Sysctls.linuxDefaults(), null, 0, false, PortHolders.NONE, table,
                "4026531840@0a1b2c3d"), now);
    }

    private static Conntrack table(long count) {
        return new Conntrack(count, 1000, 0, 0, 0);
    }

    @Test
    void raisedOnceNearFullAndClearedOnceWithRoomAgain() {
        Heard heard = new Heard();
        DestinationBudgets budgets = new DestinationBudgets(60, 0.8, heard);
        long[] counts = {500, 790, 800, 950, 1000, 750, 710, 690, 600, 850};
        for (int i = 0; i < counts.length; i++) sample(budgets, table(counts[i]), i * 2_000_000_000L);
        assertEquals(3, heard.said.size(), heard.said::toString);
        assertTrue(heard.said.get(0).startsWith("raised connection tracking table near full: nf_conntrack_count=800 of"
                + " nf_conntrack_max=1000 (80%) — raise net.netfilter.nf_conntrack_max, or cut the churn"), heard.said.get(0));
        assertTrue(heard.said.get(0).contains("connect() times out, it does not fail with EADDRNOTAVAIL"), heard.said.get(0));
        assertTrue(heard.said.get(1).startsWith("cleared connection tracking table warning cleared:"
                + " nf_conntrack_count=690"), heard.said.get(1));
        assertTrue(heard.said.get(2).startsWith("raised connection tracking table near full: nf_conntrack_count=850"),
                heard.said.get(2));
        assertEquals(850, heard.last.conntrack.count);
        assertEquals("4026531840@0a1b2c3d", heard.last.netns);
    }

    /** Not loaded (no files): no warning, no figures, no error. */
    @Test
    void notLoadedSaysNothing() {
        Heard heard = new Heard();
        DestinationBudgets budgets = new DestinationBudgets(60, 0.8, heard);
        sample(budgets, null, 0);
        sample(budgets, null, 2_000_000_000L);
        assertEquals(List.of(), heard.said);
        assertNull(heard.last.conntrack);
        Conntrack unlimited = new Conntrack(10, 0, 0, 0, 0);
        sample(budgets, unlimited, 4_000_000_000L);
        assertEquals(List.of(), heard.said, "a limit of 0 is no limit to warn about");
        assertSame(unlimited, heard.last.conntrack);
    }
}
