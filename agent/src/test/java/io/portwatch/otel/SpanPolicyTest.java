package io.portwatch.otel;

import io.portwatch.host.TestSnapshots;
import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionRecord;
import io.portwatch.track.JdbcRecord;
import io.portwatch.track.TestRecords;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.portwatch.otel.SpanPolicy.FIRST;
import static io.portwatch.otel.SpanPolicy.INTERVAL_NANOS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The span policy on its own: records made by hand, the time passed in. */
class SpanPolicyTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int PORT = 3306;

    private final SpanPolicy sampled = new SpanPolicy(SpanPolicy.Mode.SAMPLED);

    /** A connection from {@code Work.write} line 42 to 127.0.0.1:{@code port}, closed by this side at {@code nanos}. */
    private static ConnectionRecord closed(int port, long nanos) {
        return TestRecords.outgoing("com.example.Work.write", 42, port, Closer.LOCAL, null, nanos);
    }

    @Test
    void theFirstOnesAreKeptThenOneExemplarAnIntervalStandingForTheRest() {
        long t = 1_000 * MS;
        for (int i = 0; i < FIRST; i++) {
            assertEquals(1, sampled.represents(closed(PORT, t), t), "connection " + (i + 1) + " is one of the first");
            t += MS;
        }
        long last = t - MS;
        // 1 ms apart: none is due until an interval after the last span (the 20th).
        int skipped = 0;
        while (t - last < INTERVAL_NANOS) {
            assertEquals(0, sampled.represents(closed(PORT, t), t));
            skipped++;
            t += MS;
        }
        assertEquals(skipped + 1, sampled.represents(closed(PORT, t), t), "the exemplar: the skipped ones and itself");
        last = t;
        t += MS;
        assertEquals(0, sampled.represents(closed(PORT, t), t), "the next interval starts at the exemplar");
        t = last + INTERVAL_NANOS;
        assertEquals(2, sampled.represents(closed(PORT, t), t), "one skipped, and itself");
        t += 5 * INTERVAL_NANOS;
        assertEquals(1, sampled.represents(closed(PORT, t), t), "after a long quiet: itself alone");
    }

    @Test
    void everyConnectionIsRepresentedOnceUpToTheLastSpanOfItsKey() {
        long t = 0;
        long represented = 0;
        long upToLastSpan = 0;
        for (int i = 1; i <= 5_000; i++) {
            t += 7 * MS; // 35 s in all: a few exemplars
            long n = sampled.represents(closed(PORT, t), t);
            represented += n;
            if (n > 0) upToLastSpan = i;
        }
        assertEquals(upToLastSpan, represented);
        assertTrue(upToLastSpan > 5_000 - INTERVAL_NANOS / (7 * MS) - 1, "the ones after the last span: one interval's at most");
    }

    @Test
    void surprisesAreSampledApartAndMoreOftenAndLeaveTheOrdinaryKeyAlone() {
        long t = 0;
        for (int i = 0; i < FIRST; i++) sampled.represents(closed(PORT, t), t);
        t += MS;
        assertEquals(0, sampled.represents(closed(PORT, t), t), "past the first ones");
        long kept = 0;
        long represented = 0;
        for (int i = 0; i < FIRST + 30; i++) {
            t += MS;
            long n = sampled.represents(TestRecords.outgoing("com.example.Work.write", 42, PORT, Closer.RESET, null, t), t);
            if (i < FIRST) assertEquals(1, n, "the first resets of a key are all kept: " + i);
            if (n > 0) kept++;
            represented += n;
        }
        assertEquals(FIRST, kept, "then none within a second");
        t += SpanPolicy.SURPRISE_INTERVAL_NANOS;
        assertEquals(31, sampled.represents(TestRecords.outgoing("com.example.Work.write", 42, PORT, Closer.RESET, null, t), t),
                "a second later, one reset stands for the 30 left out and itself");
        assertEquals(0, sampled.represents(TestRecords.outgoing("com.example.Work.write", 42, PORT, null, null, t), t),
                "a failed connect is a surprise of the same key, within its second");
        assertEquals(0, sampled.represents(TestRecords.outgoing("com.example.Work.write", 42, PORT, Closer.UNKNOWN, null, t), t),
                "and so is an unknown closer");
        t += SpanPolicy.SURPRISE_INTERVAL_NANOS;
        assertEquals(3, sampled.represents(TestRecords.outgoing("com.example.Work.write", 42, PORT, null, null, t), t),
                "the next surprise exemplar stands for both and itself");
        assertEquals(1, sampled.represents(TestRecords.outgoing("com.example.Other.write", 7, PORT, null, null, t), t),
                "another call site's surprises have first ones of their own");
        t += INTERVAL_NANOS;
        assertEquals(2, sampled.represents(closed(PORT, t), t), "the ordinary exemplar stands for the ordinary ones only");
    }

    @Test
    void aDestinationUnderAWarningIsKeptWhileItIsRaisedAndNotOnceCleared() {
        int other = 5432;
        long t = 0;
        for (int i = 0; i < FIRST; i++) {
            sampled.represents(closed(PORT, t), t);
            sampled.represents(closed(other, t), t);
        }
        t += MS;
        assertEquals(0, sampled.represents(closed(PORT, t), t));

        sampled.warningRaised(TestSnapshots.warning("127.0.0.1", PORT, "reuse connections"));
        for (int i = 0; i < 50; i++) {
            t += MS;
            assertEquals(1, sampled.represents(closed(PORT, t), t), "under the warning");
            assertEquals(0, sampled.represents(closed(other, t), t), "another destination");
        }

        sampled.warningCleared(TestSnapshots.warning("127.0.0.1", PORT, "reuse connections"));
        t += MS;
        assertEquals(0, sampled.represents(closed(PORT, t), t), "cleared");
    }

    @Test
    void aWarningForAnotherDestinationClearedLeavesThisOneRaised() {
        sampled.warningRaised(TestSnapshots.warning("127.0.0.1", PORT, "a"));
        sampled.warningRaised(TestSnapshots.warning("127.0.0.1", 6379, "b"));
        sampled.warningCleared(TestSnapshots.warning("127.0.0.1", 6379, "b"));
        long t = 0;
        for (int i = 0; i < FIRST + 10; i++) {
            t += MS;
            assertEquals(1, sampled.represents(closed(PORT, t), t));
        }
    }

    @Test
    void aKeyIsADestinationAndACallSite() {
        long t = 0;
        for (int i = 0; i < FIRST; i++) sampled.represents(closed(PORT, t), t);
        t += MS;
        assertEquals(0, sampled.represents(closed(PORT, t), t), "the same line, a new CallSite object: the same key");
        assertEquals(1, sampled.represents(closed(PORT + 1, t), t), "another destination: its own first ones");
        assertEquals(1, sampled.represents(TestRecords.outgoing("com.example.Work.read", 42, PORT, Closer.LOCAL, null, t), t),
                "another call site: its own first ones");
        assertEquals(1, sampled.represents(TestRecords.outgoing(null, 0, PORT, Closer.LOCAL, null, t), t),
                "no call site is a key of its own");
        assertEquals(1, sampled.represents(TestRecords.accepted(t), t), "an accepted connection: its listener's key");
        assertEquals(5, sampled.keys());
    }

    @Test
    void keysAreCappedThenShareOneOverflowTallyUntilIdleOnesAreForgotten() {
        long t = 0;
        for (int port = 1; port <= SpanPolicy.MAX_KEYS; port++) {
            assertEquals(1, sampled.represents(closed(port, t), t));
        }
        assertEquals(SpanPolicy.MAX_KEYS, sampled.keys());
        // Past the cap, new destinations share the overflow: its first ones, then the trickle.
        int kept = 0;
        for (int i = 0; i < 100; i++) {
            t += MS;
            int port = 20_000 + i;
            if (sampled.represents(closed(port, t), t) > 0) kept++;
        }
        assertEquals(FIRST, kept, "the overflow's first ones, then nothing within the interval");
        assertEquals(SpanPolicy.MAX_KEYS, sampled.keys());

        t += SpanPolicy.IDLE_NANOS + MS;
        assertEquals(1, sampled.represents(closed(30_000, t), t));
        assertEquals(1, sampled.keys(), "the idle keys were forgotten, the new one kept");
    }

    @Test
    void allKeepsEveryConnectionAndOffNone() {
        SpanPolicy all = new SpanPolicy(SpanPolicy.Mode.ALL);
        SpanPolicy off = new SpanPolicy(SpanPolicy.Mode.OFF);
        long t = 0;
        for (int i = 0; i < 1_000; i++) {
            t += MS;
            ConnectionRecord r = closed(PORT, t);
            assertEquals(1, all.represents(r, t));
            assertEquals(0, off.represents(r, t));
            ConnectionRecord failed = TestRecords.outgoing("com.example.Work.write", 42, PORT, null, null, t);
            assertEquals(1, all.represents(failed, t));
            assertEquals(0, off.represents(failed, t), "off: not even a failure");
        }
        assertEquals(1, all.jdbcRepresents(TestRecords.jdbc("jdbc:mysql://db/app", "W.w", 1, false, t), t));
        assertEquals(0, off.jdbcRepresents(TestRecords.jdbc("jdbc:mysql://db/app", "W.w", 1, true, t), t));
        assertEquals(SpanPolicy.Mode.ALL, SpanPolicy.Mode.of("all"));
        assertEquals(SpanPolicy.Mode.SAMPLED, SpanPolicy.Mode.of("Sampled"));
    }

    @Test
    void aJdbcConnectionWithoutAKeptSocketIsKeptWhenItFailedOrHasNoSocket() {
        long t = 0;
        assertEquals(0, sampled.jdbcRepresents(TestRecords.jdbc("jdbc:mysql://db/app", "W.w", 1, false, t), t),
                "its socket's span was not kept: neither is it");
        assertEquals(1, sampled.jdbcRepresents(TestRecords.jdbc("jdbc:mysql://db/app", "W.w", 1, true, t), t), "failed");
        // No socket (an embedded database): sampled by (URL, call site) as sockets are.
        List<Long> h2 = new ArrayList<>();
        for (int i = 0; i < FIRST + 5; i++) {
            t += MS;
            h2.add(sampled.jdbcRepresents(TestRecords.jdbc("jdbc:h2:mem:test", "W.w", 0, false, t), t));
        }
        assertEquals(FIRST, h2.stream().filter(n -> n == 1).count());
        assertEquals(5, h2.stream().filter(n -> n == 0).count());
        t += INTERVAL_NANOS;
        assertEquals(6, sampled.jdbcRepresents(TestRecords.jdbc("jdbc:h2:mem:test", "W.w", 0, false, t), t));
        assertEquals(1, sampled.jdbcRepresents(TestRecords.jdbc("jdbc:h2:mem:other", "W.w", 0, false, t), t),
                "another URL: its own first ones");
    }

    @Test
    void aConnectionNotKeptAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs allocation counters");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        sampled.warningRaised(TestSnapshots.warning("10.0.0.9", PORT, "elsewhere")); // a warning to look through
        ConnectionRecord r = closed(PORT, 0);
        long t = 0;
        for (int i = 0; i < 5_000; i++) sampled.represents(r, t += MS); // warm up: the first ones kept, 5 s
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        long kept = 0;
        for (int i = 0; i < 100_000; i++) {
            t += 1_000; // 1 us apart: 0.1 s, no exemplar due
            kept += sampled.represents(r, t) > 0 ? 1 : 0;
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertEquals(0, kept);
        assertTrue(allocated < 4 * 1024, "allocated " + allocated + " bytes for 100,000 connections");
    }
}
