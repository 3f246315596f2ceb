package io.portwatch.budget;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectLatencyTest {

    @Test
    void noTrendBeforeTheWarmUp() {
        ConnectLatency l = new ConnectLatency();
        assertTrue(Double.isNaN(l.millis()));
        for (int i = 0; i < 19; i++) l.observe(0.2);
        assertEquals(0.2, l.millis(), 1e-9);
        assertTrue(Double.isNaN(l.trend()));
    }

    @Test
    void aSteadyDurationIsATrendOfOne() {
        ConnectLatency l = new ConnectLatency();
        for (int i = 0; i < 100; i++) l.observe(0.2);
        assertEquals(1.0, l.trend(), 1e-9);
    }

    @Test
    void aRisingDurationShowsAsATrendAgainstTheBest() {
        ConnectLatency l = new ConnectLatency();
        for (int i = 0; i < 50; i++) l.observe(0.2);
        for (int i = 0; i < 100; i++) l.observe(1.0);
        assertEquals(5.0, l.trend(), 0.01, "the smoothed value has caught up with 1 ms");
        assertEquals(0.2, l.bestMillis(), 1e-9);
        Advice a = new Advice().connectSlowing(l);
        assertTrue(a.text().startsWith("connect() takes 5.0x as long as at its best (1.00 ms, was 0.20 ms)"), a.text());
    }

    @Test
    void oneSlowConnectIsSmoothedAway() {
        ConnectLatency l = new ConnectLatency();
        for (int i = 0; i < 50; i++) l.observe(0.2);
        l.observe(5.0);
        assertTrue(l.trend() < 4, "one outlier moves the smoothed value by a tenth of its excess");
        for (int i = 0; i < 30; i++) l.observe(0.2);
        assertTrue(l.trend() < 1.2);
        assertEquals("pool and reuse connections", new Advice().connectSlowing(l).text().substring(0, 26));
    }

    @Test
    void otherHoldersAreNamedOnlyWhenTheyHoldAtLeastHalf() {
        assertEquals(Advice.GENERAL, new Advice().otherHolders(2, 10).text());
        assertTrue(new Advice().otherHolders(6, 10).text().startsWith("other processes hold 6 of the 10 open ports"));
    }
}
