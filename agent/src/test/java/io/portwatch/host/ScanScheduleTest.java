package io.portwatch.host;

import io.portwatch.kernel.ProcFs;
import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionRecord;
import io.portwatch.track.TestRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When the host sampler reads the kernel's tables: at most once per gap (a second, or 50 times the
 * shorter of the last two reads' durations), for ended connections waiting for the kernel's word
 * or for a sample, and never twice in a row for the two. Times are given, not waited for.
 */
class ScanScheduleTest {

    private static final long SECOND = 1_000_000_000L;
    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
            + "   uid  timeout inode\n";

    @TempDir
    Path root;

    private final List<HostSnapshot> samples = new ArrayList<>();

    /** Samples every 2 s, over tables that read in far less than 20 ms: the gap is one second. */
    private HostSampler sampler() throws IOException {
        Files.createDirectories(root.resolve("proc/self/fd"));
        Files.createDirectories(root.resolve("proc/net"));
        Files.write(root.resolve("proc/net/tcp"), HEADER.getBytes(StandardCharsets.ISO_8859_1));
        Files.write(root.resolve("proc/net/tcp6"), HEADER.getBytes(StandardCharsets.ISO_8859_1));
        BudgetListener listener = new BudgetListener() {
            @Override public void sampled(HostSnapshot s) { samples.add(s); }
            @Override public void warningRaised(PortWarning w) { }
            @Override public void warningUpdated(PortWarning w) { }
            @Override public void warningCleared(PortWarning w) { }
        };
        return new HostSampler(new ProcFs(root), 2000, 60, 0.8, listener, p -> { });
    }

    private static List<ConnectionRecord> oneEnded() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        return new ArrayList<>(List.of(TestRecords.closed(lo, 40001, lo, 5432, false)));
    }

    @Test
    void aScanForEndedConnectionsTakesTheSampleThatWouldFallDueBeforeTheNextScan() throws IOException {
        HostSampler s = sampler();
        long t0 = 10 * SECOND;
        assertEquals(1, s.check(oneEnded(), t0, false), "the first scan");
        assertEquals(1, samples.size());

        assertEquals(1, s.check(oneEnded(), t0 + 3 * SECOND / 2, false), "ended connections wait a second at most");
        assertEquals(2, samples.size(), "the sample due at 2 s went with the scan at 1.5 s");
        s.check(Collections.emptyList(), t0 + 2 * SECOND, false);
        assertEquals(2, samples.size(), "so no second read of the tables half a second later");
    }

    @Test
    void oneLongScanDoesNotStretchTheGapTwoInARowDo() throws IOException {
        HostSampler s = sampler();
        long t0 = 10 * SECOND;
        assertEquals(1, s.check(oneEnded(), t0, false));
        s.scanTook(3 * SECOND); // as the first scan of a large table, before the JIT compiled the reader
        assertEquals(1, s.check(oneEnded(), t0 + 3 * SECOND / 2, false), "the gap is still a second");
        s.scanTook(3 * SECOND);
        s.scanTook(3 * SECOND);
        long gap = HostSampler.READ_SPACING * 3 * SECOND; // a table that takes 3 s every time: 150 s apart
        assertEquals(0, s.check(oneEnded(), t0 + 3 * SECOND / 2 + gap - SECOND, false), "within the gap");
        assertEquals(1, s.check(oneEnded(), t0 + 3 * SECOND / 2 + gap, false), "the gap is over");
    }

    @Test
    void noTwoScansWithinTheGapWhateverTheyAreFor() throws IOException {
        HostSampler s = sampler();
        long t0 = 10 * SECOND;
        assertEquals(1, s.check(oneEnded(), t0, false));
        assertEquals(0, s.check(oneEnded(), t0 + SECOND / 2, false), "ended connections wait for the gap");
        s.check(Collections.emptyList(), t0 + SECOND / 2, false);
        assertEquals(1, samples.size(), "nothing waits, no sample due: no read");
        s.check(Collections.emptyList(), t0 + 2 * SECOND, false);
        assertEquals(2, samples.size(), "the sample, when due");
        assertEquals(1, s.check(oneEnded(), t0 + 2 * SECOND + 1, true), "at exit, at once");
        assertEquals(3, samples.size(), "a forced scan samples too");
    }
    @Test
    void whileTheTablesAreReadElsewhereOnlyTheRecordsWaitingWhenTheReadBeganAreDecided() throws IOException {
        HostSampler s = sampler();
        List<Runnable> reads = new ArrayList<>();
        s.readOn(reads::add);
        long t0 = 10 * SECOND;
        List<ConnectionRecord> awaiting = oneEnded();
        assertEquals(0, s.check(awaiting, t0, false), "the read is under way");
        assertEquals(1, reads.size());
        awaiting.addAll(oneEnded()); // ended while the tables were read
        assertEquals(0, s.check(awaiting, t0 + 2 * SECOND, false), "still under way");
        assertEquals(1, reads.size(), "one read at a time");
        reads.get(0).run();
        assertEquals(1, s.check(awaiting, t0 + 2 * SECOND, false), "the record waiting when the read began");
        // gone from the (empty) tables: looked up, and left for the next read to agree
        assertTrue(awaiting.get(0).awaitsAnotherRead(), "looked up");
        assertNull(awaiting.get(1).timeWait(), "not looked up: it ended after the read began");
        assertFalse(awaiting.get(1).awaitsAnotherRead());
        assertEquals(1, samples.size());
    }

    /** A connection read as gone (a read can miss a row) is decided by the next read, at exit at once. */
    @Test
    void aConnectionReadAsGoneIsDecidedByTheNextRead() throws IOException {
        HostSampler s = sampler();
        long t0 = 10 * SECOND;
        List<ConnectionRecord> awaiting = oneEnded();
        ConnectionRecord r = awaiting.get(0);
        assertEquals(1, s.check(awaiting, t0, false));
        assertTrue(r.awaitsAnotherRead(), "left for the next read, which the reporter keeps it for");
        assertNull(r.timeWait());
        assertEquals(0, s.check(awaiting, t0 + SECOND / 2, false), "which comes after the gap");
        assertEquals(1, s.check(awaiting, t0 + SECOND, false));
        assertFalse(r.awaitsAnotherRead());
        assertEquals(Closer.RESET, r.closer(), "gone in two reads, and so is its loopback peer's side");
        assertEquals("kernel", r.closerSource());

        ConnectionRecord atExit = oneEnded().get(0);
        assertEquals(1, s.check(new ArrayList<>(List.of(atExit)), t0 + SECOND + 1, true));
        assertFalse(atExit.awaitsAnotherRead(), "at exit the second read is made at once");
        assertEquals(Closer.RESET, atExit.closer());
    }

    @Test
    void atExitAReadUnderWayIsAwaitedAndTheRestAreLookedUpToo() throws IOException {
        HostSampler s = sampler();
        s.readOn(read -> new Thread(read).start());
        long t0 = 10 * SECOND;
        List<ConnectionRecord> awaiting = oneEnded();
        ConnectionRecord early = awaiting.get(0);
        int first = s.check(awaiting, t0, false); // 0 while the read runs, 1 if it was quick
        awaiting.subList(0, first).removeIf(r -> !r.awaitsAnotherRead()); // as the reporter does
        ConnectionRecord late = oneEnded().get(0);
        awaiting.add(late);
        assertEquals(awaiting.size(), s.check(awaiting, t0 + SECOND / 2, true), "every record, at once");
        // Both gone from the (empty) tables: at exit no read follows, so a second one is made at once.
        assertNotNull(early.timeWait(), "the one the read under way took");
        assertNotNull(late.timeWait(), "the one that came after it");
        assertFalse(early.awaitsAnotherRead());
        assertFalse(late.awaitsAnotherRead());
    }
}
