package io.portwatch.report;

import io.portwatch.host.TestSnapshots;
import io.portwatch.track.Closer;
import io.portwatch.track.TestRecords;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunHistoryTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final RunHistory history = new RunHistory(clock::get, 1_700_000_000_000L, "Work");

    private long at(long millis) {
        return 1_000_000_000L + millis * 1_000_000L;
    }

    @Test
    void callSitesCountConnectionsPoolsAndClosers() {
        for (int i = 0; i < 90; i++) history.ended(TestRecords.outgoing("com.example.Work.write", 42, 3306, Closer.LOCAL, null, at(i)));
        for (int i = 0; i < 10; i++) history.ended(TestRecords.outgoing("com.example.Work.write", 42, 3306, Closer.PEER, null, at(i)));
        for (int i = 0; i < 5; i++) history.ended(TestRecords.outgoing("com.example.Pool.fill", 7, 3306, Closer.PEER, "hikari", at(i)));
        history.ended(TestRecords.outgoing("com.example.Work.write", 42, 3306, null, null, at(50)));
        history.ended(TestRecords.accepted(at(3)));

        RunSnapshot s = history.snapshot();
        assertEquals(106, s.totals.outgoing() + sum(s.totals.failures().values()));
        assertEquals(1, s.totals.accepted());
        CallSiteTable.Row top = s.callSites.get(0);
        assertEquals("com.example.Work.write(Work.java:42)", top.callSite);
        assertEquals(101, top.connections);
        assertEquals(1, top.failed);
        assertEquals(0.9, top.share(Closer.LOCAL), 1e-9);
        assertEquals(90, top.timeWaitHere);
        assertEquals("127.0.0.1:3306", top.destination);
        CallSiteTable.Row pool = s.callSites.get(1);
        assertEquals(5, pool.pooled);
        assertEquals(0, pool.direct());
    }

    /** The destinations table names it by address (the kernel's); a call site's row begins the same way. */
    @Test
    void aDestinationAskedForByNameReadsByItsAddressFirst() {
        history.ended(TestRecords.outgoingTo("localhost", "com.example.Work.write", 3306, Closer.LOCAL, at(1)));
        history.ended(TestRecords.outgoingTo("127.0.0.1", "com.example.Other.write", 3307, Closer.LOCAL, at(2)));
        RunSnapshot s = history.snapshot();
        java.util.Map<String, String> byCallSite = new java.util.HashMap<>();
        for (CallSiteTable.Row r : s.callSites) byCallSite.put(r.callSite, r.destination);
        assertEquals("127.0.0.1:3306 (localhost)", byCallSite.get("com.example.Work.write(Work.java:7)"));
        assertEquals("127.0.0.1:3307", byCallSite.get("com.example.Other.write(Work.java:7)"));
    }

    @Test
    void destinationsKeepTheirWorstMoment() {
        clock.set(at(2000));
        history.sampled(TestSnapshots.snapshot(100, List.of(TestSnapshots.budget("10.0.0.5", 3306, 300, 120, 100, 30, 6))));
        clock.set(at(4000));
        history.sampled(TestSnapshots.snapshot(160, List.of(TestSnapshots.budget("10.0.0.5", 3306, 300, 180, 160, 30, 4))));
        clock.set(at(6000));
        history.sampled(TestSnapshots.snapshot(20, List.of(TestSnapshots.budget("10.0.0.5", 3306, 300, 20, 20, 0,
                Double.POSITIVE_INFINITY))));
        RunSnapshot s = history.snapshot();
        RunSnapshot.Destination d = s.destinations.get(0);
        assertEquals("10.0.0.5:3306 from 127.0.0.1", d.name);
        assertEquals(180, d.peakUsed);
        assertEquals(4, d.leastSecondsLeft);
        assertEquals(4000, d.leastSecondsLeftAt);
        assertEquals(3, d.used.length);
        assertEquals(3, s.hostTimeWait.length);
        assertTrue(s.kernelSampled);
    }

    /** A long, wild run: a million connections from ever new call sites, to ever new destinations. */
    @Test
    void memoryIsBoundedWhateverTheRun() {
        for (int i = 0; i < 1_000_000; i++) {
            clock.set(at(i * 100L)); // 100 ms apart: a run of 28 hours
            history.ended(TestRecords.outgoing("com.example.Gen" + i + ".call", i, 3306, Closer.LOCAL, null, clock.get()));
            if (i % 20 == 0) {
                history.sampled(TestSnapshots.snapshot(i, List.of(TestSnapshots.budget("10.0." + (i % 250) + "." + (i / 250 % 250),
                        3306, 28232, i % 1000, i % 900, 5, 1000))));
            }
            if (i % 1000 == 0) history.warningRaised(TestSnapshots.warning("10.0.0.1", 3306, "pool them"));
        }
        RunSnapshot s = history.snapshot();
        assertEquals(CallSiteTable.MAX_ROWS + 1, s.callSites.size(), "the rest in one row");
        assertEquals(CallSiteTable.OTHERS, s.callSites.get(0).callSite);
        assertEquals(RunHistory.MAX_DESTINATIONS, s.destinations.size());
        assertEquals(RunHistory.MAX_CHARTED, s.destinations.stream().filter(RunSnapshot.Destination::charted).count());
        assertEquals(RunHistory.MAX_WARNINGS, s.warnings.size());
        assertEquals(1000, s.warningsRaised, "counted even past the kept ones");
        for (double[][] rates : s.closerRates) assertTrue(rates.length <= RunHistory.POINTS);
        assertTrue(s.hostTimeWait.length <= RunHistory.POINTS);
        assertEquals(1_000_000, s.totals.outgoing());
    }

    @Test
    void snapshotsCanBeTakenWhileRecording() throws Exception {
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 200_000; i++) {
                history.ended(TestRecords.outgoing("com.example.Work.write", 42, 3306, Closer.LOCAL, null, at(i / 100)));
            }
        });
        writer.start();
        long last = 0;
        while (writer.isAlive()) {
            long n = history.snapshot().totals.outgoing();
            assertTrue(n >= last, "never goes back");
            last = n;
        }
        writer.join();
        assertEquals(200_000, history.snapshot().callSites.get(0).connections);
    }

    private static long sum(Iterable<Long> values) {
        long s = 0;
        for (long v : values) s += v;
        return s;
    }
}
