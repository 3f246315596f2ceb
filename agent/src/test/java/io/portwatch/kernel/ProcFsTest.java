package io.portwatch.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** Sockstat, netstat and the sysctls, read from the fixture trees. */
class ProcFsTest {

    @Test
    void sockstatGivesTcpAndTcp6Lines() throws IOException {
        Sockstat s = Fixtures.procFs("incident").sockstat();
        // "TCP: inuse 11 orphan 0 tw 315 alloc 22 mem 244" and "TCP6: inuse 9"
        assertEquals(11, s.tcpInuse());
        assertEquals(0, s.tcpOrphan());
        assertEquals(315, s.tcpTimeWait());
        assertEquals(22, s.tcpAlloc());
        assertEquals(244, s.tcpMemPages());
        assertEquals(9, s.tcp6Inuse());
    }

    @Test
    void sockstatWithoutItsLinesIsAbsentNotZero() {
        Sockstat s = Sockstat.parse("sockets: used 3\nUDP: inuse 0 mem 0\n", null);
        assertEquals(Sockstat.ABSENT, s.tcpTimeWait());
        assertEquals(Sockstat.ABSENT, s.tcp6Inuse());
        Sockstat garbled = Sockstat.parse("TCP: inuse x tw\n", "TCP6:");
        assertEquals(Sockstat.ABSENT, garbled.tcpInuse());
        assertEquals(Sockstat.ABSENT, garbled.tcpTimeWait());
    }

    @Test
    void netstatPairsHeaderAndValueLines() throws IOException {
        Netstat n = Fixtures.procFs("incident").netstat();
        assertEquals(315, n.timeWaitCreated());
        assertEquals(0, n.timeWaitRecycled());
        assertEquals(0, n.timeWaitOverflow());
        assertEquals(0, n.tcpExt("TWKilled"));
        assertTrue(n.get("IpExt", "InOctets") > 0, "other sections are read too");
        assertEquals(Netstat.ABSENT, n.tcpExt("NoSuchCounter"));
        assertEquals(17, Fixtures.procFs("old-kernel").netstat().timeWaitOverflow());
    }

    @Test
    void netstatIgnoresLinesThatDoNotPair() {
        Netstat n = Netstat.parse("junk\nTcpExt: A B\nTcpExt: 1\nTcpExt: TW X\nTcpExt: 7 8\ntrailing");
        assertEquals(7, n.tcpExt("TW"));
        assertEquals(8, n.tcpExt("X"));
        assertEquals(Netstat.ABSENT, n.tcpExt("A"));
    }

    @Test
    void sysctlsOfTheIncident() {
        Sysctls s = Fixtures.procFs("incident").sysctls();
        assertEquals(40000, s.portLow());
        assertEquals(40999, s.portHigh());
        assertEquals("40100-40199,40500", s.reservedPorts().toString());
        assertEquals(1, s.twReuse());
        assertEquals(1000, s.twReuseDelayMs());
        assertEquals(0, s.timestamps());
        assertEquals(131072, s.maxTwBuckets());
        assertEquals(60, s.finTimeout());
        assertEquals(Sysctls.ABSENT, s.twRecycle(), "removed in 4.12: the file does not exist");
    }

    @Test
    void sysctlsOfAnOldKernel() {
        Sysctls s = Fixtures.procFs("old-kernel").sysctls();
        assertEquals(1, s.twRecycle(), "present on kernels before 4.12");
        assertEquals(Sysctls.ABSENT, s.twReuseDelayMs(), "absent before 6.14");
        assertEquals(1000, s.effectiveTwReuseDelayMs(), "the kernel then waits more than one second");
        assertEquals(0, s.twReuse(), "0 is a value, not absent");
        assertTrue(s.reservedPorts().isEmpty());
        assertEquals(32768, s.portLow());
        assertEquals(61000, s.portHigh());
    }

    @Test
    void missingSysctlsAreAbsent() {
        Sysctls s = Fixtures.procFs("empty").sysctls();
        assertFalse(s.hasPortRange());
        assertEquals(Sysctls.ABSENT, s.twReuse());
        assertEquals(Sysctls.ABSENT, s.timestamps());
        assertEquals(Sysctls.ABSENT, s.maxTwBuckets());
        assertTrue(s.reservedPorts().isEmpty());
    }

    @Test
    void missingSockstatThrowsNoSuchFile() {
        assertThrows(NoSuchFileException.class, () -> Fixtures.procFs("edge").sockstat());
    }

    @Test
    void missingTcp6IsSkipped() throws IOException {
        java.nio.file.Path root = java.nio.file.Files.createTempDirectory("pw-noipv6");
        try {
            java.nio.file.Path net = java.nio.file.Files.createDirectories(root.resolve("proc/net"));
            java.nio.file.Files.copy(Fixtures.procFs("live").tcp(), net.resolve("tcp"));
            int rows = new ProcFs(root).readTcpTables(new TcpTableReader(), r -> { });
            assertEquals(14, rows);
        } finally {
            java.nio.file.Files.walk(root).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
