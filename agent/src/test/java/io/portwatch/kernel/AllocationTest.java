package io.portwatch.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a 30,000-row table must not allocate per row. */
public class AllocationTest {

    public static final int ROWS = 30_000;

    /** A synthetic tcp6 table: v4-mapped TIME_WAITs from ports 32768.. toward 10.0.0.5:3306. */
    public static Path writeTable(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder(ROWS * 170);
        sb.append("  sl  local_address                         remote_address                        st tx_queue"
            + " rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
        for (int i = 0; i < ROWS; i++) {
            sb.append(String.format("%4d: 0000000000000000FFFF00000A00000A:%04X 0000000000000000FFFF00000500000A:0CEA"
                + " 06 00000000:00000000 03:%08X 00000000     0        0 0 3 0000000000000000%n",
                i, 32768 + (i % 28000), 6000 - i % 6000));
        }
        Path f = dir.resolve("tcp6");
        Files.write(f, sb.toString().getBytes(StandardCharsets.US_ASCII));
        return f;
    }

    @Test
    void readingThirtyThousandRowsAllocatesAlmostNothing(@TempDir Path dir) throws IOException {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs allocation counters");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());

        Path table = writeTable(dir);
        TcpTableReader reader = new TcpTableReader();
        long[] timeWait = new long[1];
        RowVisitor count = r -> {
            if (r.isTimeWait()) {
                timeWait[0]++;
            }
        };
        reader.read(table, count); // warm up: class loading, lambdas
        timeWait[0] = 0;
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        int rows = reader.read(table, count);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertEquals(ROWS, rows);
        assertEquals(ROWS, timeWait[0]);
        // Opening the file costs a few hundred bytes; one object per row would be >= 480 KB.
        assertTrue(allocated < 32 * 1024, "allocated " + allocated + " bytes for " + ROWS + " rows");
    }
}
