package io.portwatch.host;

import io.portwatch.budget.Destination;
import io.portwatch.budget.PortHolder;
import io.portwatch.kernel.Fixtures;
import io.portwatch.kernel.ProcFs;
import io.portwatch.track.TestRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who holds the open ports toward 10.0.0.9:3306, over a hand-made {@code /proc} (300 ports, reuse
 * ineffective): python3 (pid 4711) and java (pid 812) hold most of them, some belong to a process
 * whose descriptors cannot be read, a few to this JVM. The first sample finds the destination near
 * trouble; the next read names the processes, and the warning raised then says who they are.
 */
class HolderNamingTest {

    private static final long SECOND = 1_000_000_000L;
    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
            + "   uid  timeout inode\n";
    private static final InetAddress APP = address("10.0.0.5");
    private static final InetAddress DB = address("10.0.0.9");
    private static final int PYTHON = 120;
    private static final int JAVA = 30;
    private static final int HIDDEN = 25;
    private static final int OWN = 5;
    private static final int OPEN = PYTHON + JAVA + HIDDEN + OWN;

    @TempDir
    Path root;

    private final List<String> problems = new ArrayList<>();
    private final List<String> raised = new ArrayList<>();
    private final List<HostSnapshot> samples = new ArrayList<>();
    private int port = 40000;
    private int sl;

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void write(String rel, String text) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** {@code n} ESTABLISHED rows toward the database with inodes from {@code firstInode}, held by {@code pid}'s fds. */
    private String open(int n, long firstInode, String pid) throws IOException {
        StringBuilder b = new StringBuilder();
        Path fd = pid == null ? null : Files.createDirectories(root.resolve("proc/" + pid + "/fd"));
        for (int i = 0; i < n; i++) {
            b.append(String.format(Locale.ROOT, "%4d: 0500000A:%04X 0900000A:0CEA 01 00000000:00000000 00:00000000"
                    + " 00000000  1000        0 %d 1 0000000000000000%n", sl++, port++, firstInode + i));
            if (fd != null) {
                Files.createSymbolicLink(fd.resolve(Integer.toString(10 + i)), Paths.get("socket:[" + (firstInode + i) + "]"));
            }
        }
        return b.toString();
    }

    /** {@code n} TIME_WAIT rows toward the database born {@code ageSeconds} ago. */
    private String timeWaits(int n, double ageSeconds) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(String.format(Locale.ROOT, "%4d: 0500000A:%04X 0900000A:0CEA 06 00000000:00000000 03:%08X"
                    + " 00000000     0        0 0 3 0000000000000000%n", sl++, port++, Math.round((60 - ageSeconds) * 100)));
        }
        return b.toString();
    }

    private HostSampler sampler(String openRows) throws IOException {
        write("proc/sys/net/ipv4/ip_local_port_range", "40000\t40299\n");
        write("proc/sys/net/ipv4/tcp_tw_reuse", "1\n");
        write("proc/sys/net/ipv4/tcp_timestamps", "0\n");
        write("proc/4711/comm", "python3\n");
        write("proc/812/comm", "java\n");
        write("proc/77/fd", "not a directory: another user's process, as this user sees it\n");
        write("proc/net/tcp", HEADER + openRows);
        write("proc/net/tcp6", HEADER);
        Files.copy(Fixtures.procFs("live").proc("net/netstat"), root.resolve("proc/net/netstat"));
        BudgetListener listener = new BudgetListener() {
            @Override public void sampled(HostSnapshot s) { samples.add(s); }
            @Override public void warningRaised(PortWarning w) { raised.add(w.text()); }
            @Override public void warningUpdated(PortWarning w) { }
            @Override public void warningCleared(PortWarning w) { }
        };
        return new HostSampler(new ProcFs(root), 1000, 60, 0.8, listener, problems::add);
    }

    @Test
    void theProcessesHoldingMostOpenPortsAreNamedInTheWarning() throws IOException {
        String openRows = open(PYTHON, 1000, "4711") + open(JAVA, 2000, "812") + open(HIDDEN, 3000, null)
                + open(OWN, 5000, "self");
        HostSampler s = sampler(openRows);
        s.opened(TestRecords.openedAt("com.example.Writer.write", 42, APP, 40290, DB, 3306));
        long t0 = 100 * SECOND;
        s.check(Collections.emptyList(), t0, false);
        assertEquals(List.of(), raised, "more than half full, not yet 80%: near trouble, no warning");
        assertTrue(samples.get(0).destinations.get(0).holders.isEmpty(), "not looked for before it was near trouble");

        write("proc/net/tcp", HEADER + openRows + timeWaits(80, 1)); // a burst: now over 80%
        s.check(Collections.emptyList(), t0 + 2 * SECOND, false);
        assertEquals(1, raised.size(), () -> "raised: " + raised);
        String text = raised.get(0);
        String expected = String.format(Locale.ROOT, "process 4711 (python3) holds %d of the %d open ports toward it,"
                + " process 812 (java) %d, %d held by processes this user may not read", PYTHON, OPEN, JAVA, HIDDEN);
        assertTrue(text.contains(expected), text);
        assertFalse(text.contains("other processes hold"), "the names replace the count: " + text);
        List<PortHolder> holders = samples.get(1).destinations.get(0).holders;
        assertEquals(List.of(4711, 812), List.of(holders.get(0).pid, holders.get(1).pid));
        assertEquals(List.of(PYTHON, JAVA), List.of(holders.get(0).openPorts, holders.get(1).openPorts));
        assertEquals(List.of(), problems, "unreadable entries are not problems");
    }

    @Test
    void aDestinationFarFromTroubleIsNotLookedFor() throws IOException {
        HostSampler s = sampler(open(JAVA, 2000, "812") + open(OWN, 5000, "self"));
        s.opened(TestRecords.openedAt("com.example.Writer.write", 42, APP, 40290, DB, 3306));
        for (int i = 0; i < 3; i++) s.check(Collections.emptyList(), (100 + 2 * i) * SECOND, false);
        assertEquals(3, samples.size());
        for (HostSnapshot snap : samples) {
            assertEquals(JAVA, snap.destinations.get(0).openByOthers);
            assertTrue(snap.destinations.get(0).holders.isEmpty(), "35 of 300 ports: no scan of /proc");
        }
    }

    /** A {@code /proc} that cannot be listed gives no names and one line, however often it is tried. */
    @Test
    void anUnreadableProcIsOneLineAndNoNames() {
        HolderScan scan = new HolderScan(1, HostSampler.READ_SPACING);
        Destination db = Destination.of(APP, DB, 3306);
        ProcFs gone = new ProcFs(root.resolve("no-such-root"));
        for (int i = 0; i < 3; i++) {
            scan.watch(List.of(db), List.of(false), (10 + 2 * i) * SECOND, 2 * SECOND);
            scan.begin(new long[0]);
            io.portwatch.kernel.TcpRow row = new io.portwatch.kernel.TcpRow();
            row.localLo = db.localLo();
            row.remoteLo = db.remoteLo();
            row.remotePort = 3306;
            row.state = io.portwatch.kernel.TcpState.ESTABLISHED;
            row.inode = 1000;
            scan.row(row);
            assertTrue(scan.resolve(gone, problems::add).of(db).isEmpty());
        }
        assertEquals(1, problems.size(), () -> "" + problems);
    }

    /** The scan of every process's descriptors is paced as the table reads are: the gap, or 50 times its cost. */
    @Test
    void holderScansArePacedAndOnlyForWhatIsWatched() {
        HolderScan scan = new HolderScan(1, HostSampler.READ_SPACING);
        Destination db = Destination.of(APP, DB, 3306);
        scan.watch(List.of(), List.of(), 10 * SECOND, 2 * SECOND);
        assertFalse(scan.watching(), "nothing near trouble");
        scan.watch(List.of(db), List.of(false), 10 * SECOND, 2 * SECOND);
        assertTrue(scan.watching());
        scan.watch(List.of(db), List.of(false), 11 * SECOND, 2 * SECOND);
        assertFalse(scan.watching(), "within the gap");
        scan.watch(List.of(db), List.of(false), 12 * SECOND, 2 * SECOND);
        assertTrue(scan.watching(), "the gap is over");
    }
}
