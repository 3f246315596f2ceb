package io.portwatch.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TcpTableReaderTest {

    /** A copy of one row, since the reader reuses its TcpRow. */
    static final class Copy {
        final boolean v6;
        final long lh, ll, rh, rl, uid, inode, ticks, rx;
        final int lp, rp, state, timer;

        Copy(TcpRow r) {
            v6 = r.ipv6Socket;
            lh = r.localHi;
            ll = r.localLo;
            rh = r.remoteHi;
            rl = r.remoteLo;
            lp = r.localPort;
            rp = r.remotePort;
            state = r.state;
            timer = r.timerActive;
            ticks = r.timerTicks;
            uid = r.uid;
            inode = r.inode;
            rx = r.rxQueue;
        }

        String local() {
            return IpAddress.formatWithPort(lh, ll, lp);
        }

        String remote() {
            return IpAddress.formatWithPort(rh, rl, rp);
        }
    }

    static List<Copy> read(TcpTableReader reader, Path file) throws IOException {
        List<Copy> rows = new ArrayList<>();
        reader.read(file, r -> rows.add(new Copy(r)));
        return rows;
    }

    @Test
    void capturedIpv4TableParsesEveryRow() throws IOException {
        TcpTableReader reader = new TcpTableReader();
        List<Copy> rows = read(reader, Fixtures.procFs("live").tcp());
        assertEquals(14, rows.size());
        assertEquals(0, reader.badLines());

        Copy listen = rows.get(0); // "0100007F:0CEA 00000000:0000 0A ... 9259"
        assertEquals("127.0.0.1:3306", listen.local());
        assertEquals("0.0.0.0:0", listen.remote());
        assertEquals(TcpState.LISTEN, listen.state);
        assertEquals(9259, listen.inode);
        assertFalse(listen.v6);
        assertEquals(1, rows.get(1).rx, "rx_queue of a LISTEN row is its accept backlog");

        Copy tw = rows.get(9); // "0100007F:AA14 0100007F:0CEA 06 ... 03:00001751 ... 0 0 0 3"
        assertEquals("127.0.0.1:43540", tw.local());
        assertEquals("127.0.0.1:3306", tw.remote());
        assertEquals(TcpState.TIME_WAIT, tw.state);
        assertEquals(3, tw.timer);
        assertEquals(0x1751, tw.ticks, "time left of the 60 s, in 1/100 s");
        assertEquals(0, tw.inode);

        assertEquals(TcpState.SYN_SENT, rows.get(5).state);
        assertEquals(TcpState.CLOSE_WAIT, rows.get(3).state);
        assertEquals(TcpState.FIN_WAIT2, rows.get(13).state);
        assertEquals(9281, rows.get(13).inode);
    }

    @Test
    void capturedIpv6TableRecognisesV4MappedAddresses() throws IOException {
        TcpTableReader reader = new TcpTableReader();
        List<Copy> rows = read(reader, Fixtures.procFs("live").tcp6());
        assertEquals(15, rows.size());
        assertEquals(0, reader.badLines());

        Copy any = rows.get(0);
        assertTrue(any.v6);
        assertEquals("[::]:8080", any.local());
        assertTrue(IpAddress.isAny(any.lh, any.ll));

        Copy mapped = rows.get(1); // 0000000000000000FFFF00000100007F:1F90 ... 01
        assertTrue(mapped.v6, "a dual-stack socket's row");
        assertTrue(IpAddress.isV4(mapped.lh, mapped.ll));
        assertEquals("127.0.0.1:8080", mapped.local());
        assertEquals("127.0.0.1:42098", mapped.remote());
        InetAddress a = IpAddress.toInetAddress(mapped.rh, mapped.rl);
        assertTrue(a instanceof Inet4Address);
        assertTrue(a.isLoopbackAddress());

        Copy loop6 = rows.get(2); // ::1 TIME_WAIT
        assertEquals("[::1]:38332", loop6.local());
        assertEquals("[::1]:8080", loop6.remote());
        assertEquals(TcpState.TIME_WAIT, loop6.state);
        assertFalse(IpAddress.isV4(loop6.rh, loop6.rl));
        assertTrue(IpAddress.isLoopback(loop6.rh, loop6.rl));
    }

    @Test
    void everyStateParsesAndBadLinesAreCountedNotThrown() throws IOException {
        TcpTableReader reader = new TcpTableReader();
        List<Copy> rows = read(reader, Fixtures.procFs("edge").tcp());
        // 11 rows with states 01..0B, then 8 malformed lines, a blank line, one good row,
        // and a last line cut short with no newline.
        assertEquals(12, rows.size());
        assertEquals(10, reader.badLines(), "1 garbage + 8 malformed + 1 truncated last line");
        for (int i = 0; i < 11; i++) {
            assertEquals(i + 1, rows.get(i).state);
        }
        Copy est = rows.get(0);
        assertEquals("10.0.0.10:40000", est.local());
        assertEquals("10.0.0.5:3306", est.remote());
        assertEquals(1000, est.uid);
        assertEquals(4294967296L, rows.get(9).inode, "inodes beyond 32 bits");
        assertEquals(3007, rows.get(11).inode, "the good row after the bad ones");
    }

    @Test
    void ipv6AddressesAreByteSwappedPerWord() throws IOException {
        TcpTableReader reader = new TcpTableReader();
        List<Copy> rows = read(reader, Fixtures.procFs("edge").tcp6());
        assertEquals(5, rows.size(), "the last row has no final newline but is whole");
        assertEquals(0, reader.badLines());
        assertEquals("10.0.0.10:40000", rows.get(0).local());
        assertEquals("10.0.0.5:3306", rows.get(0).remote());
        assertEquals(30, rows.get(1).ticks / 100, "3000 ticks: 30 s of TIME_WAIT left");
        assertEquals("[2001:db8::2]:40002", rows.get(2).local());
        assertEquals("[2001:db8::1]:443", rows.get(2).remote());
        assertEquals("[fe80::1]:22", rows.get(4).remote());
        assertEquals(InetAddress.getByName("2001:db8::1"), IpAddress.toInetAddress(rows.get(2).rh, rows.get(2).rl));
    }

    @Test
    void emptyTablesGiveNoRowsAndNoBadLines() throws IOException {
        TcpTableReader reader = new TcpTableReader();
        assertEquals(0, reader.read(Fixtures.procFs("empty").tcp(), r -> { }));
        assertEquals(0, reader.read(Fixtures.procFs("empty").tcp6(), r -> { }));
        assertEquals(0, reader.badLines());
        assertEquals(0, reader.rows());
    }

    @Test
    void smallBufferGivesTheSameRowsAsLinesCrossChunkBoundaries() throws IOException {
        for (String name : new String[] {"live", "incident", "edge"}) {
            for (Path table : new Path[] {Fixtures.procFs(name).tcp(), Fixtures.procFs(name).tcp6()}) {
                TcpTableReader big = new TcpTableReader();
                TcpTableReader small = new TcpTableReader(256);
                List<Copy> a = read(big, table);
                List<Copy> b = read(small, table);
                assertEquals(a.size(), b.size(), table.toString());
                assertEquals(big.badLines(), small.badLines(), table.toString());
                for (int i = 0; i < a.size(); i++) {
                    assertEquals(a.get(i).local() + a.get(i).remote() + a.get(i).state + '/' + a.get(i).inode,
                        b.get(i).local() + b.get(i).remote() + b.get(i).state + '/' + b.get(i).inode);
                }
            }
        }
    }

    @Test
    void aLineLongerThanTheBufferIsDroppedAndCountedOnce(@TempDir Path dir) throws IOException {
        String good = "   1: 0100007F:9C40 0100007F:0CEA 01 00000000:00000000 00:00000000 00000000     0        0 77 1 0\n";
        StringBuilder sb = new StringBuilder("  sl  local_address\n");
        sb.append("   0: ");
        for (int i = 0; i < 2000; i++) {
            sb.append('x');
        }
        sb.append('\n').append(good);
        Path f = dir.resolve("tcp");
        Files.write(f, sb.toString().getBytes(StandardCharsets.US_ASCII));
        TcpTableReader reader = new TcpTableReader(256);
        List<Copy> rows = read(reader, f);
        assertEquals(1, rows.size());
        assertEquals(77, rows.get(0).inode);
        assertEquals(1, reader.badLines());
    }

    @Test
    void countsAddUpUntilReset() throws IOException {
        TcpTableReader reader = new TcpTableReader();
        Fixtures.procFs("edge").readTcpTables(reader, r -> { });
        assertEquals(17, reader.rows());
        assertEquals(10, reader.badLines());
        reader.resetCounts();
        assertEquals(0, reader.rows());
        assertEquals(0, reader.badLines());
    }

    @Test
    void aMissingFileThrowsIoException() {
        TcpTableReader reader = new TcpTableReader();
        assertThrows(IOException.class, () -> reader.read(Fixtures.root("empty").resolve("proc/net/nothing"), r -> { }));
    }
}
