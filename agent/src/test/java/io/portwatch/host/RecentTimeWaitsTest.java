package io.portwatch.host;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** This JVM's TIME_WAITs toward a destination: its confirmed closes of the last 60 s, no more. */
class RecentTimeWaitsTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void closesCountForSixtySecondsThenExpire() {
        RecentTimeWaits r = new RecentTimeWaits();
        long t0 = 5_000 * SECOND;
        for (int i = 0; i < 30; i++) r.add(t0 + i * SECOND / 2); // 2/s for 15 s
        assertEquals(30, r.within(t0 + 15 * SECOND));
        assertEquals(30, r.within(t0 + 59 * SECOND));
        assertEquals(28, r.within(t0 + 60 * SECOND), "the first second's two have expired");
        assertEquals(0, r.within(t0 + 75 * SECOND));
    }

    @Test
    void aSlotReusedAMinuteLaterStartsAfresh() {
        RecentTimeWaits r = new RecentTimeWaits();
        long t0 = 7_000 * SECOND;
        r.add(t0);
        r.add(t0);
        r.add(t0 + 60 * SECOND); // the same slot, the next minute
        assertEquals(1, r.within(t0 + 60 * SECOND));
    }
}
