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
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a port-exhaustion warning says, and when it is said again: over a hand-made {@code /proc}
 * (100 ports, reuse ineffective, 90 of them in TIME_WAIT toward 10.0.0.9:3306), the warning is
 * raised before any close is confirmed and names the code; once the kernel has confirmed the
 * closes, it is updated with the closer, no sooner than the update spacing.
 */
class WarningContentTest {

    private static final long SECOND = 1_000_000_000L;
    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
            + "   uid  timeout inode\n";
    private static final InetAddress APP = address("10.0.0.5");
    private static final InetAddress DB = address("10.0.0.9");
    private static final String SITE = "com.example.Writer.write";

    @TempDir
    Path root;

    private final List<String> said = new ArrayList<>();

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private HostSampler sampler() throws IOException {
        StringBuilder tcp = new StringBuilder();
        for (int i = 0; i < 90; i++) {
            tcp.append(timeWaitRow(i, 40000 + i, 30));
        }
        return sampler("40000\t40099", tcp.toString());
    }

    /** Over a port range, reuse ineffective, and these rows toward 10.0.0.9:3306 in /proc/net/tcp. */
    private HostSampler sampler(String range, String rows) throws IOException {
        write("proc/sys/net/ipv4/ip_local_port_range", range + "\n");
        write("proc/sys/net/ipv4/tcp_tw_reuse", "1\n");
        write("proc/sys/net/ipv4/tcp_timestamps", "0\n");
        Files.createDirectories(root.resolve("proc/self/fd"));
        write("proc/net/tcp", HEADER + rows);
        write("proc/net/tcp6", HEADER);
        BudgetListener listener = new BudgetListener() {
            @Override public void sampled(HostSnapshot s) { }
            @Override public void warningRaised(PortWarning w) { said.add("raised: " + w.text()); }
            @Override public void warningUpdated(PortWarning w) { said.add("updated: " + w.text()); }
            @Override public void warningCleared(PortWarning w) { said.add("cleared: " + w.destination); }
        };
        return new HostSampler(new ProcFs(root), 1000, 60, 0.8, listener, p -> { });
    }

    /**
     * A TIME_WAIT row 10.0.0.5:localPort -> 10.0.0.9:3306 born {@code ageSeconds} ago, as the kernel
     * prints it: addresses as the 32-bit word in host (little-endian) order, the timer's ticks left.
     */
    private static String timeWaitRow(int sl, int localPort, double ageSeconds) {
        long ticksLeft = Math.round((60 - ageSeconds) * 100);
        return String.format(Locale.ROOT, "%4d: 0500000A:%04X 0900000A:0CEA 06 00000000:00000000 03:%08X"
                + " 00000000     0        0 0 3 0000000000000000%n", sl, localPort, ticksLeft);
    }

    private void write(String rel, String text) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void raisedBeforeAnyCloseIsConfirmedItNamesTheCodeThenSaysTheCloserOnceConfirmed() throws IOException {
        HostSampler s = sampler();
        List<ConnectionRecord> opened = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            ConnectionRecord r = TestRecords.openedAt(SITE, 42, APP, 40000 + i, DB, 3306);
            s.opened(r);
            opened.add(r);
        }
        long t0 = 10 * SECOND;
        s.check(new ArrayList<>(), t0, false);
        assertEquals(1, said.size(), () -> "said: " + said);
        String raised = said.get(0);
        assertTrue(raised.startsWith("raised: port exhaustion ahead for 10.0.0.9:3306 from 10.0.0.5: 90 of 100 ports"), raised);
        assertTrue(raised.contains("tcp_tw_reuse=1 is ineffective because tcp_timestamps=0"), raised);
        assertTrue(raised.contains("opened at " + SITE + "(Writer.java:42) ("), raised);
        assertTrue(raised.contains("which side closes first is not confirmed by the kernel yet (0 closes confirmed so far)"), raised);

        // The application closes them: the kernel shows each in TIME_WAIT on this side.
        List<ConnectionRecord> awaiting = new ArrayList<>();
        for (ConnectionRecord r : opened.subList(0, 20)) {
            awaiting.add(TestRecords.close(r));
        }
        assertEquals(20, s.check(awaiting, t0 + 2 * SECOND, false), "looked up");
        for (ConnectionRecord r : awaiting) s.ended(r);
        assertEquals(1, said.size(), () -> "not again within " + WarningUpdates.SPACING_NANOS / SECOND + " s: " + said);

        s.check(new ArrayList<>(), t0 + 6 * SECOND, false);
        assertEquals(2, said.size(), () -> "said: " + said);
        String updated = said.get(1);
        assertTrue(updated.startsWith("updated: port exhaustion ahead for 10.0.0.9:3306"), updated);
        assertTrue(updated.contains("opened at " + SITE + "(Writer.java:42)"), updated);
        assertTrue(updated.contains("this JVM closes first (confirmed by the kernel: 100% of 20 closes"), updated);

        s.check(new ArrayList<>(), t0 + 12 * SECOND, false);
        assertEquals(2, said.size(), () -> "nothing new, nothing said: " + said);
    }

    /**
     * The same ports, used by a loop: 120 connections from one line, each opened after the one
     * before it closed. Once the kernel has confirmed this side's closes, the warning names the
     * loop and its fix; the same connections overlapping get none.
     */
    @Test
    void aLoopOfOneConnectionAtATimeIsToldToKeepOneConnectionOpen() throws IOException {
        assertTrue(loopWarning(false).contains("a loop, one connection at a time (polling_loop): Open the connection"
                + " once and keep it open across the loop's iterations"), said::toString);
        said.clear();
        assertFalse(loopWarning(true).contains("polling_loop"), said::toString);
    }

    /** The warning said once 120 connections from one line ended, overlapping or one at a time. */
    private String loopWarning(boolean overlapping) throws IOException {
        HostSampler s = sampler();
        long t0 = 10 * SECOND;
        List<ConnectionRecord> awaiting = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            long start = t0 - 2 * SECOND + i * 10_000_000L;
            ConnectionRecord r = TestRecords.openedAt(SITE, 42, APP, 40000 + i, DB, 3306, start);
            s.opened(r);
            awaiting.add(TestRecords.close(r, start + (overlapping ? 30_000_000L : 4_000_000L)));
        }
        s.check(new ArrayList<>(), t0, false);
        assertEquals(120, s.check(awaiting, t0 + 2 * SECOND, false), "looked up");
        for (ConnectionRecord r : awaiting) s.ended(r);
        s.check(new ArrayList<>(), t0 + 6 * SECOND, false);
        assertEquals(2, said.size(), () -> "raised, then updated with the closer: " + said);
        assertTrue(said.get(1).contains("this JVM closes first (confirmed by the kernel"), said::toString);
        return said.get(1);
    }

    /**
     * The pool shared with another process: 300 ports, no effective reuse; another process makes
     * 3.5 TIME_WAITs a second toward the database and this JVM a few connections. Each alone would
     * be sustainable; the host's rate, 5.5/s for the last 40 s, is not (330 TIME_WAITs in steady
     * state). The JVM's own rate says nothing of it; the host's new TIME_WAITs do.
     */
    @Test
    void theHostsRateCountsOtherProcessesClosesToo() throws IOException {
        StringBuilder tcp = new StringBuilder();
        int rows = 220; // 5.5/s for 40 s
        for (int i = 0; i < rows; i++) {
            tcp.append(timeWaitRow(i, 40000 + i, 40.0 * i / rows));
        }
        HostSampler s = sampler("40000\t40299", tcp.toString());
        s.opened(TestRecords.openedAt(SITE, 42, APP, 40250, DB, 3306));
        long t0 = 100 * SECOND;
        s.check(new ArrayList<>(), t0, false);
        assertEquals(List.of(), said, "the first sample averages the last minute: 3.7/s, sustainable");
        s.check(new ArrayList<>(), t0 + 5 * SECOND, false);
        assertEquals(1, said.size(), () -> "said: " + said);
        String raised = said.get(0);
        assertTrue(raised.matches(".*: 220 of 300 ports used \\(220 in TIME_WAIT\\), 5\\.[4-6] new connections/s,"
                + " out of ports in 4[0-9] s\\..*"), raised);
        assertTrue(raised.matches(".*other processes on this host add 5\\.[4-6] TIME_WAITs/s toward it, this JVM 0\\.0/s.*"),
                raised);
    }
}
