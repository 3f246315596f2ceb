package io.portwatch.host;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a raised warning is said again. */
class WarningUpdatesTest {

    private static final long SECOND = 1_000_000_000L;
    private static final List<String> UNCONFIRMED = List.of("reuse:x", "opened-at:A", "closer:unconfirmed");

    private static PortWarning secondsLeft(double s) {
        return new PortWarning("d", "10.0.0.9", 3306, 300, 200, 190, 5, s, "advice", List.of("advice"), "fix", "A");
    }

    @Test
    void aNewOrGoneCauseIsSaidButNotSoonerThanTheSpacing() {
        List<String> confirmed = List.of("reuse:x", "opened-at:A", "closer:local");
        assertFalse(WarningUpdates.worthSaying(secondsLeft(40), UNCONFIRMED, 0, secondsLeft(40), confirmed, 4 * SECOND));
        assertTrue(WarningUpdates.worthSaying(secondsLeft(40), UNCONFIRMED, 0, secondsLeft(40), confirmed, 5 * SECOND));
        assertTrue(WarningUpdates.worthSaying(secondsLeft(40), UNCONFIRMED, 0, secondsLeft(40),
                List.of("opened-at:A", "closer:unconfirmed"), 5 * SECOND), "the host setting no longer at fault");
    }

    @Test
    void causesOfOneSampleDoNotMakeItFlap() {
        List<String> overflowing = List.of("reuse:x", "opened-at:A", "closer:unconfirmed", "overflow", "slowing");
        assertFalse(WarningUpdates.worthSaying(secondsLeft(40), UNCONFIRMED, 0, secondsLeft(39), overflowing, 60 * SECOND));
    }

    @Test
    void halfTheTimeLeftIsSaid() {
        assertFalse(WarningUpdates.worthSaying(secondsLeft(40), UNCONFIRMED, 0, secondsLeft(21), UNCONFIRMED, 10 * SECOND));
        assertTrue(WarningUpdates.worthSaying(secondsLeft(40), UNCONFIRMED, 0, secondsLeft(20), UNCONFIRMED, 10 * SECOND));
        assertTrue(WarningUpdates.worthSaying(secondsLeft(Double.POSITIVE_INFINITY), UNCONFIRMED, 0, secondsLeft(50),
                UNCONFIRMED, 10 * SECOND), "from sustainable (a share warning) to a countdown");
        assertFalse(WarningUpdates.worthSaying(secondsLeft(0), UNCONFIRMED, 0, secondsLeft(0), UNCONFIRMED, 10 * SECOND),
                "a pool out of ports is said once, not every 5 s while it stays full");
        assertFalse(WarningUpdates.worthSaying(secondsLeft(40), UNCONFIRMED, 0, secondsLeft(Double.POSITIVE_INFINITY),
                UNCONFIRMED, 10 * SECOND));
    }
}
