package io.portwatch.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.budget.ExhaustionAlarm.Change;
import org.junit.jupiter.api.Test;

class ExhaustionAlarmTest {

    static final int CAPACITY = 10_000;

    /** A sustainable pool with {@code share} of it blocked. */
    static Forecast share(double share) {
        return Forecast.compute(CAPACITY, (int) Math.round(share * CAPACITY), 0, 0, 0, 60.0);
    }

    /** Exhaustion in {@code seconds} from an empty pool (a long hold time, so the fill is linear). */
    static Forecast secondsLeft(double seconds) {
        Forecast f = Forecast.compute(CAPACITY, 0, 0, 0, CAPACITY / seconds, 1000.0);
        assertEquals(seconds, f.secondsLeft(), 1e-6);
        assertEquals(0, f.usedShare());
        return f;
    }

    @Test
    void raisesOnShareAndClearsOnlyWellBelowIt() {
        ExhaustionAlarm alarm = new ExhaustionAlarm(60, 0.8);
        assertEquals(Change.NONE, alarm.update(share(0.5)));
        assertEquals(Change.RAISED, alarm.update(share(0.81)));
        assertTrue(alarm.raised());
        assertEquals(Change.NONE, alarm.update(share(0.75)), "below the raise share, above the clear share");
        assertEquals(Change.NONE, alarm.update(share(0.71)), "just above the clear share");
        assertEquals(Change.CLEARED, alarm.update(share(0.69)));
        assertFalse(alarm.raised());
    }

    @Test
    void raisesOnTimeLeftAndClearsOnlyPastTwiceTheHorizon() {
        ExhaustionAlarm alarm = new ExhaustionAlarm(60, 0.8);
        assertEquals(Change.NONE, alarm.update(secondsLeft(90)));
        assertEquals(Change.RAISED, alarm.update(secondsLeft(45)));
        assertEquals(Change.NONE, alarm.update(secondsLeft(90)));
        assertEquals(Change.NONE, alarm.update(secondsLeft(119)));
        assertEquals(Change.CLEARED, alarm.update(share(0.1)), "sustainable again");
    }

    @Test
    void aSteadyStateAtTheThresholdDoesNotFlap() {
        ExhaustionAlarm alarm = ExhaustionAlarm.defaults();
        int raised = 0;
        int cleared = 0;
        for (int i = 0; i < 1000; i++) {
            double s = 0.8 + ((i % 2 == 0) ? 0.02 : -0.02) + 0.01 * Math.sin(i);
            Change c = alarm.update(share(s));
            if (c == Change.RAISED) {
                raised++;
            } else if (c == Change.CLEARED) {
                cleared++;
            }
        }
        assertEquals(1, raised);
        assertEquals(0, cleared);
    }

    @Test
    void clearThresholdsMustLieBeyondRaiseThresholds() {
        assertThrows(IllegalArgumentException.class, () -> new ExhaustionAlarm(60, 0.8, 30, 0.7));
        assertThrows(IllegalArgumentException.class, () -> new ExhaustionAlarm(60, 0.8, 120, 0.9));
    }
}
