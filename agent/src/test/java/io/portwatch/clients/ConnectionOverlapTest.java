package io.portwatch.clients;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionOverlapTest {

    private static final long MS = 1_000_000;

    @Test
    void eachOpenedAfterTheOneBeforeEndedIsOneAtATime() {
        ConnectionOverlap o = new ConnectionOverlap();
        assertFalse(o.oneAtATime(), "nothing counted: nothing to say");
        for (long i = 0; i < 200; i++) o.ended(i * 10 * MS, i * 10 * MS + 4 * MS);
        assertTrue(o.oneAtATime());
    }

    @Test
    void oneOpenedBeforeTheOneBeforeItEndedIsAnOverlap() {
        ConnectionOverlap o = new ConnectionOverlap();
        o.ended(0, 10 * MS);
        o.ended(20 * MS, 30 * MS);
        o.ended(29 * MS, 40 * MS); // opened 1 ms before the one before it ended
        o.ended(50 * MS, 60 * MS);
        assertFalse(o.oneAtATime());
    }

    @Test
    void opensAtTheVeryMomentOfTheCloseAreNoOverlap() {
        ConnectionOverlap o = new ConnectionOverlap();
        o.ended(0, 10 * MS);
        o.ended(10 * MS, 20 * MS);
        assertTrue(o.oneAtATime());
    }

    /** One that waited for the kernel's word comes after a later one that did not. */
    @Test
    void aLateOneThatEndedBeforeTheLatestOpenedIsStillOneAtATime() {
        ConnectionOverlap o = new ConnectionOverlap();
        o.ended(0, 10 * MS);
        o.ended(40 * MS, 50 * MS);
        o.ended(20 * MS, 30 * MS); // late: ended before the latest opened
        o.ended(60 * MS, 70 * MS);
        assertTrue(o.oneAtATime());
    }

    @Test
    void aLateOneStillOpenWhenTheLatestOpenedIsAnOverlap() {
        ConnectionOverlap o = new ConnectionOverlap();
        o.ended(0, 10 * MS);
        o.ended(40 * MS, 50 * MS);
        o.ended(20 * MS, 45 * MS); // late, and open when the latest opened
        assertFalse(o.oneAtATime());
    }

    @Test
    void concurrentConnectionsEndingInTurnOverlap() {
        ConnectionOverlap o = new ConnectionOverlap();
        // Eight at once, each lasting 8 ms, one ending every millisecond.
        for (long i = 0; i < 100; i++) o.ended(i * MS, i * MS + 8 * MS);
        assertFalse(o.oneAtATime());
    }

    @Test
    void severalCallSitesTogetherAreNeverOneLoop() {
        ConnectionOverlap o = new ConnectionOverlap();
        o.ended(0, 10 * MS);
        o.notOneCallSite();
        o.ended(20 * MS, 30 * MS);
        assertFalse(o.oneAtATime());
    }

    @Test
    void nanoTimeMayWrap() {
        ConnectionOverlap o = new ConnectionOverlap();
        long t = Long.MAX_VALUE - 15 * MS;
        o.ended(t, t + 5 * MS);
        o.ended(t + 10 * MS, t + 20 * MS); // ends past the wrap
        o.ended(t + 30 * MS, t + 40 * MS);
        assertTrue(o.oneAtATime());
        o.ended(t + 35 * MS, t + 50 * MS);
        assertFalse(o.oneAtATime());
    }

    @Test
    void aCopyGoesOnByItself() {
        ConnectionOverlap o = new ConnectionOverlap();
        o.ended(0, 10 * MS);
        ConnectionOverlap copy = o.copy();
        o.ended(5 * MS, 20 * MS);
        assertFalse(o.oneAtATime());
        assertTrue(copy.oneAtATime());
        copy.ended(20 * MS, 30 * MS);
        assertTrue(copy.oneAtATime(), "the copy kept the latest end: 10 ms");
        copy.ended(25 * MS, 40 * MS);
        assertFalse(copy.oneAtATime());
    }
}
