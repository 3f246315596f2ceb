package io.portwatch.track;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecentWalksTest {

    private static final long SECOND = 1_000_000_000L;
    private static final InetSocketAddress DB = new InetSocketAddress("127.0.0.1", 3306);
    private static final InetSocketAddress CACHE = new InetSocketAddress("127.0.0.1", 6379);

    private static int walksAllowed(RecentWalks.Entry e, long now, int tries) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            if (e.mayWalk(now)) {
                e.walked("frame");
                n++;
            }
        }
        return n;
    }

    @Test
    void aBurstThenAFewASecond() {
        RecentWalks walks = new RecentWalks();
        long t0 = 5 * SECOND;
        RecentWalks.Entry db = walks.entry(DB, t0);
        assertEquals(RecentWalks.BURST, walksAllowed(db, t0, 1000), "the first connections are walked one by one");
        assertEquals(0, walksAllowed(db, t0 + SECOND / 10, 1000), "then none until a refill is due");
        assertEquals(RecentWalks.REFILLS_PER_SECOND, walksAllowed(db, t0 + SECOND, 1000),
                "a second later, as many as refill in a second");
        assertEquals(RecentWalks.REFILLS_PER_SECOND * 10, walksAllowed(db, t0 + 11 * SECOND, 1000), "ten seconds' worth");
        assertEquals(RecentWalks.BURST, walksAllowed(db, t0 + 1000 * SECOND, 1000), "never more than a burst");
    }

    @Test
    void eachKeyHasItsOwnBudgetAndAnswer() {
        RecentWalks walks = new RecentWalks();
        RecentWalks.Entry db = walks.entry(DB, 0);
        walksAllowed(db, 0, 1000);
        RecentWalks.Entry cache = walks.entry(new InetSocketAddress("127.0.0.1", 6379), 0);
        assertNotSame(db, cache);
        assertFalse(cache.walked);
        assertTrue(cache.mayWalk(0), "a new destination is walked at once");
        assertSame(db, walks.entry(new InetSocketAddress("127.0.0.1", 3306), 0), "found by equality");
    }

    @Test
    void pastItsSizeTheOldestKeyMakesRoom() {
        RecentWalks walks = new RecentWalks();
        RecentWalks.Entry first = walks.entry("url-0", 0);
        first.walked("origin-0");
        for (int i = 1; i <= RecentWalks.SIZE; i++) walks.entry("url-" + i, 0);
        RecentWalks.Entry again = walks.entry("url-0", 0);
        assertFalse(again.walked, "forgotten: walked afresh");
        assertNull(again.answer);
    }

    @Test
    void aConnectionPastTheBurstTakesTheLastWalkAndAllocatesNothing() {
        CallSites cs = new CallSites(true, 0, List.of());
        long now = 7 * SECOND;
        List<StackWalker.StackFrame> frames = CallSitesTest.AppCode.call(() -> {
            List<StackWalker.StackFrame> out = new java.util.ArrayList<>();
            for (int i = 0; i < RecentWalks.BURST + 1; i++) out.add(cs.capture(DB, now));
            return out;
        });
        StackWalker.StackFrame last = frames.get(RecentWalks.BURST - 1);
        assertNotNull(last);
        assertNotSame(frames.get(0), frames.get(1), "within the burst, each connection is walked");
        assertSame(last, frames.get(RecentWalks.BURST), "past it, the last walk's frame");
        assertEquals(CallSitesTest.AppCode.CLASS, last.getClassName());

        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < 10_000; i++) cs.capture(DB, now); // warm: nothing to walk
        long before = mx.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) cs.capture(DB, now);
        long allocated = mx.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < 10_000, "a connection that takes the last walk allocates nothing: " + allocated + " B");
        assertNotNull(cs.capture(CACHE, now), "another destination is walked");
    }

    @Test
    void theJvmWideLimitStillApplies() {
        CallSites cs = new CallSites(true, 1, List.of());
        List<StackWalker.StackFrame> frames = CallSitesTest.AppCode.call(() -> {
            List<StackWalker.StackFrame> out = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) out.add(cs.capture(DB, 0));
            return out;
        });
        // Within one rate-limit window, one walk; the other connections take its answer. A test
        // that crosses a window boundary walks twice, which changes nothing asserted here.
        assertNotNull(frames.get(0));
        assertNotNull(frames.get(2));
        assertEquals(frames.get(0).getClassName(), frames.get(2).getClassName());
    }

    @Test
    void offMeansNoWalk() {
        CallSites cs = new CallSites(false, 0, List.of());
        assertNull(CallSitesTest.AppCode.call(() -> cs.capture(DB, 0)));
    }
}
