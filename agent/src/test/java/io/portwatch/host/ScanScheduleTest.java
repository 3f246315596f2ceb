package io.portwatch.host;

import io.portwatch.kernel.ProcFs;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When the host sampler reads the kernel's tables: at most once per gap (a second, or 20 times the
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

    /** Samples every 2 s, over tables that read in far less than 50 ms: the gap is one second. */
    private HostSampler sampler() throws IOException {
        Files.createDirectories(root.resolve("proc/self/fd"));
        Files.createDirectories(root.resolve("proc/net"));
        Files.write(root.resolve("proc/net/tcp"), HEADER.getBytes(StandardCharsets.ISO_8859_1));
        Files.write(root.resolve("proc/net/tcp6"), HEADER.getBytes(StandardCharsets.ISO_8859_1));
        BudgetListener listener = new BudgetListener() {
            @Override public void sampled(HostSnapshot s) { samples.add(s); }
            @Override public void warningRaised(PortWarning w) { }
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
        assertTrue(s.check(oneEnded(), t0, false), "the first scan");
        assertEquals(1, samples.size());

        assertTrue(s.check(oneEnded(), t0 + 3 * SECOND / 2, false), "ended connections wait a second at most");
        assertEquals(2, samples.size(), "the sample due at 2 s went with the scan at 1.5 s");
        assertFalse(s.check(Collections.emptyList(), t0 + 2 * SECOND, false),
                "so no second read of the tables half a second later");
        assertEquals(2, samples.size());
    }

    @Test
    void oneLongScanDoesNotStretchTheGapTwoInARowDo() throws IOException {
        HostSampler s = sampler();
        long t0 = 10 * SECOND;
        assertTrue(s.check(oneEnded(), t0, false));
        s.scanTook(3 * SECOND); // as the first scan of a large table, before the JIT compiled the reader
        assertTrue(s.check(oneEnded(), t0 + 3 * SECOND / 2, false), "the gap is still a second");
        s.scanTook(3 * SECOND);
        s.scanTook(3 * SECOND);
        assertFalse(s.check(oneEnded(), t0 + 30 * SECOND, false), "a table that takes 3 s every time: 60 s apart");
        assertTrue(s.check(oneEnded(), t0 + 62 * SECOND, false));
    }

    @Test
    void noTwoScansWithinTheGapWhateverTheyAreFor() throws IOException {
        HostSampler s = sampler();
        long t0 = 10 * SECOND;
        assertTrue(s.check(oneEnded(), t0, false));
        assertFalse(s.check(oneEnded(), t0 + SECOND / 2, false), "ended connections wait for the gap");
        assertFalse(s.check(Collections.emptyList(), t0 + SECOND / 2, false), "nothing waits, no sample due");
        assertTrue(s.check(Collections.emptyList(), t0 + 2 * SECOND, false), "the sample, when due");
        assertTrue(s.check(oneEnded(), t0 + 2 * SECOND + 1, true), "at exit, at once");
        assertEquals(3, samples.size(), "a forced scan samples too");
    }
}
