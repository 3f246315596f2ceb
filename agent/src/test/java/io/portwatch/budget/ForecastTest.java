package io.portwatch.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.kernel.Sysctls;
import java.util.ArrayDeque;
import org.junit.jupiter.api.Test;

class ForecastTest {

    static final ReuseVerdict NO_REUSE = ReuseVerdict.evaluate(Sysctls.linuxDefaults().withTwReuse(0), false);
    static final ReuseVerdict REUSE = ReuseVerdict.evaluate(Sysctls.linuxDefaults().withTwReuse(1), false);

    @Test
    void aLowRateIsSustainable() {
        Forecast f = Forecast.compute(28_232, 10, 6000, 0, 100, NO_REUSE);
        assertTrue(f.sustainable());
        assertEquals(6010, f.steadyState(), 1e-9, "100/s x 60 s + 10 established");
        assertEquals(6010, f.held());
        assertEquals(6010 / 28_232.0, f.usedShare(), 1e-9);
    }

    @Test
    void theCeilingIsAbout470PerSecondByDefault() {
        Forecast f = Forecast.compute(28_232, 0, 0, 0, 0, NO_REUSE);
        assertEquals(470.5, f.maxSustainableRate(), 0.1);
    }

    @Test
    void aRateStepFromNothingFillsLinearly() {
        Forecast f = Forecast.compute(28_232, 0, 0, 0, 500, NO_REUSE);
        assertFalse(f.sustainable());
        assertEquals(28_232 / 500.0, f.secondsLeft(), 1e-9);
    }

    @Test
    void existingTimeWaitsExpireWhileNewOnesArrive() {
        // 10,000 TIME_WAITs from an even past: they expire at 10000/60 per second.
        Forecast f = Forecast.compute(28_232, 0, 10_000, 0, 500, NO_REUSE);
        assertEquals((28_232 - 10_000) / (500 - 10_000 / 60.0), f.secondsLeft(), 1e-9);
        assertTrue(f.secondsLeft() <= 60, "past the ceiling, exhaustion comes within one TIME_WAIT life");
    }

    @Test
    void aFullPoolHasNoSecondsLeft() {
        Forecast f = Forecast.compute(899, 1, 898, 0, 10, NO_REUSE);
        assertEquals(0, f.secondsLeft());
        assertEquals(1.0, f.usedShare(), 1e-9);
    }

    @Test
    void effectiveReuseHoldsAPortOnlyForTheDelay() {
        Forecast f = Forecast.compute(28_232, 0, 25_000, 0, 1000, REUSE);
        assertTrue(f.sustainable(), "1000/s x 1 s is far below the capacity");
        assertEquals(25_000, f.held());
        assertEquals(1000, f.blocked(), 1e-9, "only the TIME_WAITs younger than the delay block");
        assertEquals(28_232, f.maxSustainableRate(), 1e-9);
    }

    @Test
    void theFormulaMatchesASimulationOfSixtySecondTimeWaits() {
        // Simulate in 10 ms steps: 200/s for 60 s (12,000 in TIME_WAIT, created evenly), then 700/s.
        // Each connection holds its port for exactly 60 s. Find when no port is left.
        int capacity = 28_232;
        double dt = 0.01;
        ArrayDeque<Double> expiries = new ArrayDeque<>();
        long steps = 6000;
        for (long i = 0; i < steps; i++) {
            expiries.add(i * dt + 60);
            expiries.add(i * dt + 60); // two per step: 200/s
        }
        Forecast f = Forecast.compute(capacity, 0, expiries.size(), 0, 700, NO_REUSE);
        double start = steps * dt;
        double t = start;
        double due = 0;
        while (expiries.size() < capacity && t < start + 120) {
            while (!expiries.isEmpty() && expiries.peek() <= t) {
                expiries.poll();
            }
            due += 700 * dt;
            for (; due >= 1; due -= 1) {
                expiries.add(t + 60);
            }
            t += dt;
        }
        double simulated = t - start;
        assertEquals(simulated, f.secondsLeft(), 0.5, "formula " + f.secondsLeft() + " s, simulation " + simulated + " s");
    }
}
