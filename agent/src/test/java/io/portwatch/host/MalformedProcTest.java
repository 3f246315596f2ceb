package io.portwatch.host;

import io.portwatch.kernel.Fixtures;
import io.portwatch.kernel.KernelAccess;
import io.portwatch.kernel.ProcFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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
 * The host sampler fed a fake root whose {@code /proc} files are garbage, truncated, binary or
 * not files at all: it never throws, says so in one line, counts the bad lines, and keeps
 * delivering samples from whatever it could read.
 */
class MalformedProcTest {

    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
            + "   uid  timeout inode\n";
    /** One good row: 127.0.0.1:3306 LISTEN. */
    private static final String GOOD_ROW = "   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000"
            + " 00000000     0        0 9259 1 000000009a7ef66c 100 0 0 10 0\n";

    private final List<String> problems = new ArrayList<>();
    private final List<HostSnapshot> samples = new ArrayList<>();

    private HostSampler sampler(Path root) {
        try {
            // A real /proc always has this process's descriptors; their absence is another problem.
            Files.createDirectories(root.resolve("proc/self/fd"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        BudgetListener listener = new BudgetListener() {
            @Override public void sampled(HostSnapshot s) { samples.add(s); }
            @Override public void warningRaised(PortWarning w) { }
            @Override public void warningUpdated(PortWarning w) { }
            @Override public void warningCleared(PortWarning w) { }
        };
        return new HostSampler(new ProcFs(root), 100, 60, 0.8, listener, problems::add);
    }

    /** Builds the sampler, asks for the host verdicts and forces two samples; none of it may throw. */
    private void sampleTwice(Path root) {
        HostSampler s = sampler(root);
        s.hostVerdicts();
        s.check(Collections.emptyList(), System.nanoTime(), true);
        s.check(Collections.emptyList(), System.nanoTime(), true);
    }

    private static void write(Path root, String rel, String text) throws IOException {
        write(root, rel, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void write(Path root, String rel, byte[] bytes) throws IOException {
        Path p = root.resolve("proc").resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
    }

    @Test
    void garbledTcpLinesAreSkippedAndCountedInOneLine(@TempDir Path root) throws IOException {
        write(root, "net/tcp", HEADER + GOOD_ROW
                + "   1: not-an-address 00000000:0000 0A\n"
                + "   2: 0100007F:ZZZZ 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n"
                + "   3: 0100007F:0CEA\n"
                + "\n"
                + "   4: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9259");
        write(root, "net/tcp6", HEADER + "   0: 00000000000000000000000000000000:0CEA\n");
        write(root, "net/sockstat", "TCP: inuse x orphan tw\n");
        write(root, "net/netstat", "TcpExt: TWRecycled TCPTimeWaitOverflow\nTcpExt: 1\n");
        sampleTwice(root);
        assertEquals(1, problems.size(), "one line, not one per sample: " + problems);
        assertTrue(problems.get(0).contains("malformed lines"), problems.get(0));
        assertEquals(2, samples.size(), "the sampler goes on sampling");
    }

    @Test
    void binaryJunkEverywhere(@TempDir Path root) throws IOException {
        byte[] junk = new byte[4096];
        new java.util.Random(8).nextBytes(junk);
        for (String f : new String[]{"net/tcp", "net/tcp6", "net/sockstat", "net/sockstat6", "net/netstat",
                "sys/net/ipv4/ip_local_port_range", "sys/net/ipv4/ip_local_reserved_ports",
                "sys/net/ipv4/tcp_tw_reuse", "sys/net/ipv4/tcp_timestamps", "sys/net/ipv4/tcp_max_tw_buckets"}) {
            write(root, f, junk);
        }
        sampleTwice(root);
        assertTrue(problems.size() <= 1, "at most one line: " + problems);
        assertEquals(2, samples.size());
    }

    @Test
    void sysctlsThatAreNotNumbersAreAbsent(@TempDir Path root) throws IOException {
        write(root, "net/tcp", HEADER + GOOD_ROW);
        Files.copy(Fixtures.procFs("live").proc("net/netstat"), root.resolve("proc/net/netstat"));
        write(root, "sys/net/ipv4/ip_local_port_range", "60999 32768 5\n");
        write(root, "sys/net/ipv4/ip_local_reserved_ports", "1-,x,-5,70000-1\n");
        write(root, "sys/net/ipv4/tcp_tw_reuse", "\n");
        write(root, "sys/net/ipv4/tcp_timestamps", "yes\n");
        write(root, "sys/net/ipv4/tcp_fin_timeout", "-1\n");
        write(root, "sys/net/ipv4/tcp_max_tw_buckets", "99999999999999999999\n");
        sampleTwice(root);
        assertEquals(Collections.emptyList(), problems);
        assertEquals(2, samples.size());
    }

    @Test
    void aDirectoryWhereATableShouldBe(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("proc/net/tcp"));
        Files.createDirectories(root.resolve("proc/net/sockstat"));
        sampleTwice(root);
        assertEquals(1, problems.size(), "" + problems);
        assertTrue(problems.get(0).contains("cannot read the kernel's TCP tables"), problems.get(0));
        assertEquals(2, samples.size());
    }

    @Test
    void tablesThatVanishAfterStartUp(@TempDir Path root) throws IOException {
        write(root, "net/tcp", HEADER + GOOD_ROW);
        HostSampler s = sampler(root);
        s.check(Collections.emptyList(), System.nanoTime(), true);
        Files.delete(root.resolve("proc/net/tcp"));
        s.check(Collections.emptyList(), System.nanoTime(), true);
        s.check(Collections.emptyList(), System.nanoTime(), true);
        assertEquals(1, problems.size(), "" + problems);
        assertEquals(3, samples.size());
    }

    @Test
    void anEmptyRootIsUnavailableInOneLine(@TempDir Path root) {
        KernelAccess a = KernelAccess.check("Linux", root);
        assertFalse(a.available());
        assertFalse(a.reason().contains("\n"), a.reason());
        assertTrue(a.reason().contains("JVM-side tracking goes on"), a.reason());
    }
}
