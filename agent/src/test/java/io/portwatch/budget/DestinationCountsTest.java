package io.portwatch.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.portwatch.kernel.AllocationTest;
import io.portwatch.kernel.Fixtures;
import io.portwatch.kernel.IpAddress;
import io.portwatch.kernel.ProcFs;
import io.portwatch.kernel.Sysctls;
import io.portwatch.kernel.TcpRow;
import io.portwatch.kernel.TcpState;
import io.portwatch.kernel.TcpTableReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DestinationCountsTest {

    static final int LOCALHOST = 0x7F000001;

    @Test
    void timeWaitsBornWithinTheWindowAreFreshWhateverProcessClosedThem() {
        DestinationCounts counts = new DestinationCounts(40000, 40999);
        counts.freshWithin(5);
        Destination db = Rows.dest(LOCALHOST, 0x0A000009, 3306);
        Rows.feed(counts,
                timeWait(40001, 5999),  // born 0.01 s ago
                timeWait(40002, 5501),  // 4.99 s ago
                timeWait(40003, 5500),  // 5 s ago: not within
                timeWait(40004, 100),   // 59 s ago
                Rows.v4(LOCALHOST, 40005, 0x0A000009, 3306, TcpState.ESTABLISHED));
        DestinationUsage u = counts.get(db);
        assertEquals(4, u.timeWait());
        assertEquals(2, u.freshTimeWait());
        assertEquals(1, u.established());
    }

    private static TcpRow timeWait(int localPort, long ticksLeft) {
        TcpRow r = Rows.v4(LOCALHOST, localPort, 0x0A000009, 3306, TcpState.TIME_WAIT);
        r.timerActive = 3;
        r.timerTicks = ticksLeft;
        return r;
    }

    @Test
    void incidentCaptureCountsPerDestination() throws IOException {
        ProcFs fs = Fixtures.procFs("incident");
        Sysctls s = fs.sysctls();
        DestinationCounts counts = new DestinationCounts(s.portLow(), s.portHigh());
        fs.readTcpTables(new TcpTableReader(), counts);

        assertEquals(315, counts.hostTimeWait(), "matches sockstat tw of the same capture");
        DestinationUsage mysql = counts.get(Rows.dest(LOCALHOST, LOCALHOST, 3306));
        assertNotNull(mysql);
        assertEquals(1, mysql.established());
        assertEquals(100, mysql.timeWait());
        assertEquals(1, mysql.other(), "the FIN_WAIT2 client");
        Destination v6 = Destination.of(InetAddress.getByName("::1"), InetAddress.getByName("::1"), 8080);
        assertEquals(100, counts.get(v6).timeWait());
        Destination mapped = Destination.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.1"), 8080);
        assertEquals(100, counts.get(mapped).timeWait(), "v4-mapped rows of tcp6 count as IPv4");
        DestinationUsage full = counts.get(Rows.dest(LOCALHOST, LOCALHOST, 5432));
        assertEquals(3, full.other(), "SYN_SENT toward a full accept queue");

        List<DestinationUsage> top = counts.top(2);
        assertEquals(2, top.size());
        assertEquals(102, top.get(0).held());
        assertEquals(4, counts.size());
    }

    @Test
    void onlyOutgoingRowsInTheEphemeralRangeCount() {
        DestinationCounts counts = new DestinationCounts(32768, 60999);
        int server = 0x0A000001;
        int client = 0x0A000002;
        Rows.feed(counts,
            Rows.v4(server, 40000, 0, 0, TcpState.LISTEN),                   // a server bound to port 0
            Rows.v4(server, 40000, client, 50000, TcpState.ESTABLISHED),     // accepted by it: incoming
            Rows.v4(server, 40000, client, 50001, TcpState.TIME_WAIT),       // incoming, but host-wide TIME_WAIT
            Rows.v4(server, 3306, client, 50002, TcpState.TIME_WAIT),        // a server port: incoming
            Rows.v4(client, 50003, server, 3306, TcpState.TIME_WAIT),        // outgoing
            Rows.v4(client, 50004, server, 3306, TcpState.CLOSE_WAIT));      // outgoing
        assertEquals(3, counts.hostTimeWait());
        assertEquals(1, counts.size());
        DestinationUsage u = counts.get(Rows.dest(client, server, 3306));
        assertEquals(1, u.timeWait());
        assertEquals(1, u.other());
        assertNull(counts.get(Rows.dest(server, client, 50000)));
    }

    @Test
    void aV4RowAndAV4MappedRowAreOneDestination() {
        DestinationCounts counts = new DestinationCounts(32768, 60999);
        TcpRow v4 = Rows.v4(LOCALHOST, 40000, LOCALHOST, 3306, TcpState.TIME_WAIT);
        TcpRow mapped = Rows.v4(LOCALHOST, 40001, LOCALHOST, 3306, TcpState.TIME_WAIT);
        mapped.ipv6Socket = true;
        Rows.feed(counts, v4, mapped);
        assertEquals(1, counts.size());
        assertEquals(2, counts.get(Rows.dest(LOCALHOST, LOCALHOST, 3306)).timeWait());
    }

    @Test
    void growsPastItsFirstArraysAndResetsPerSnapshot() {
        DestinationCounts counts = new DestinationCounts(32768, 60999);
        for (int d = 0; d < 1000; d++) {
            for (int k = 0; k <= d % 3; k++) {
                counts.row(Rows.v4(LOCALHOST, 33000 + k, 0x0A000000 + d, 80, TcpState.TIME_WAIT));
            }
        }
        assertEquals(1000, counts.size());
        for (int d = 0; d < 1000; d++) {
            assertEquals(d % 3 + 1, counts.get(Rows.dest(LOCALHOST, 0x0A000000 + d, 80)).timeWait());
        }
        counts.beginSnapshot(32768, 60999);
        assertEquals(0, counts.size());
        assertEquals(0, counts.hostTimeWait());
        assertNull(counts.get(Rows.dest(LOCALHOST, 0x0A000000, 80)));
        counts.row(Rows.v4(LOCALHOST, 33000, 0x0A000000, 80, TcpState.ESTABLISHED));
        assertEquals(1, counts.get(Rows.dest(LOCALHOST, 0x0A000000, 80)).established());
    }

    @Test
    void destinationOfAddressesMatchesTheTableForm() throws Exception {
        Destination d = Destination.of(InetAddress.getByName("10.0.0.2"), InetAddress.getByName("10.0.0.5"), 3306);
        assertEquals(Rows.dest(0x0A000002, 0x0A000005, 3306), d);
        assertEquals("10.0.0.5:3306 from 10.0.0.2", d.toString());
        assertTrue(Rows.dest(1, LOCALHOST, 1).isLoopback());
        assertTrue(IpAddress.isV4(d.remoteHi(), d.remoteLo()));
    }

    @Test
    void countingThirtyThousandRowsAllocatesAlmostNothing(@TempDir Path dir) throws IOException {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        Path table = AllocationTest.writeTable(dir);
        TcpTableReader reader = new TcpTableReader();
        DestinationCounts counts = new DestinationCounts(32768, 60999);
        reader.read(table, counts);
        counts.beginSnapshot(32768, 60999);
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        reader.read(table, counts);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertEquals(AllocationTest.ROWS, counts.get(Rows.dest(0x0A00000A, 0x0A000005, 3306)).timeWait());
        assertTrue(allocated < 32 * 1024, "allocated " + allocated + " bytes");
    }

    private static TcpRow withInode(TcpRow r, long inode) {
        r.inode = inode;
        return r;
    }

    @Test
    void openRowsOfThisProcessAreToldApartFromOthers() {
        DestinationCounts counts = new DestinationCounts(32768, 60999);
        counts.ownSockets(new long[] {101, 102});
        int db = 0x0A000009;
        Rows.feed(counts,
            withInode(Rows.v4(LOCALHOST, 40000, db, 3306, TcpState.ESTABLISHED), 101),
            withInode(Rows.v4(LOCALHOST, 40001, db, 3306, TcpState.CLOSE_WAIT), 102),
            withInode(Rows.v4(LOCALHOST, 40002, db, 3306, TcpState.ESTABLISHED), 555),
            Rows.v4(LOCALHOST, 40003, db, 3306, TcpState.TIME_WAIT));
        DestinationUsage u = counts.get(Rows.dest(LOCALHOST, db, 3306));
        assertEquals(2, u.ownOpen());
        assertEquals(1, u.othersOpen(), "the ESTABLISHED row of another process; TIME_WAIT belongs to nobody");
        assertEquals(4, u.held());
    }

    @Test
    void fromLocalSumsEveryDestinationOfOneLocalAddress() {
        DestinationCounts counts = new DestinationCounts(32768, 60999);
        int other = 0x0A000002;
        Rows.feed(counts,
            Rows.v4(LOCALHOST, 40000, 0x0A000009, 3306, TcpState.TIME_WAIT),
            Rows.v4(LOCALHOST, 40001, 0x0A000009, 5432, TcpState.TIME_WAIT),
            Rows.v4(LOCALHOST, 40002, 0x0A00000A, 80, TcpState.ESTABLISHED),
            Rows.v4(other, 40003, 0x0A000009, 3306, TcpState.TIME_WAIT));
        DestinationUsage u = counts.fromLocal(Rows.dest(LOCALHOST, 0x0A000009, 3306));
        assertEquals(2, u.timeWait());
        assertEquals(1, u.established());
        assertEquals(3, u.held(), "bound before connect, every destination from the address shares the pool");
        assertNull(counts.fromLocal(Rows.dest(0x0A0000FF, 0x0A000009, 3306)));
    }
}
