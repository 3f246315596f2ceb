package io.portwatch.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConnectionRateTest {

    static final long S = 1_000_000_000L;

    @Test
    void steadyCounterGivesItsRate() {
        ConnectionRate rate = new ConnectionRate(10 * S, 32);
        assertEquals(0, rate.perSecond(), "no rate from one sample");
        for (int i = 0; i <= 20; i++) {
            rate.observe(i * S, 100L * i);
        }
        assertEquals(100, rate.perSecond(), 1e-9);
    }

    @Test
    void onlyTheWindowCounts() {
        ConnectionRate rate = new ConnectionRate(10 * S, 32);
        for (int i = 0; i <= 30; i++) {
            rate.observe(i * S, i <= 20 ? 1000L * i : 20_000L + 10L * (i - 20));
        }
        assertEquals(10, rate.perSecond(), 1e-9, "the burst before the last 10 s is forgotten");
    }

    @Test
    void eventsCanBeAddedAsDeltas() {
        ConnectionRate rate = new ConnectionRate(5 * S, 8);
        rate.add(0, 0);
        rate.add(S, 30);
        rate.add(2 * S, 50);
        assertEquals(40, rate.perSecond(), 1e-9);
    }

    @Test
    void aCounterThatWentDownStartsAnew() {
        ConnectionRate rate = new ConnectionRate(10 * S, 8);
        rate.observe(0, 5000);
        rate.observe(S, 6000);
        rate.observe(2 * S, 10);
        assertEquals(0, rate.perSecond());
        rate.observe(3 * S, 30);
        assertEquals(20, rate.perSecond(), 1e-9);
    }

    @Test
    void aFullRingDropsTheOldestSamples() {
        ConnectionRate rate = new ConnectionRate(100 * S, 4);
        for (int i = 0; i <= 10; i++) {
            rate.observe(i * S, i < 7 ? 0 : 50L * (i - 6));
        }
        // Kept: t=7..10 (50..200): 150 over 3 s.
        assertEquals(50, rate.perSecond(), 1e-9);
    }
}
