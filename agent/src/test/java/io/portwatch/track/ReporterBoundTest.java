package io.portwatch.track;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A kernel check that is never due (a host whose TCP table takes long to scan) must not make the
 * reporter hold every ended connection: past its bound, they go out unconfirmed.
 */
class ReporterBoundTest {

    private static final int CAPACITY = 1024;

    @Test
    void endedConnectionsWaitingForTheKernelAreBounded() {
        Reporter reporter = new Reporter(CAPACITY);
        int[] largestWait = {0};
        reporter.kernelCheck((awaiting, now, force) -> {
            largestWait[0] = Math.max(largestWait[0], awaiting.size());
            return force; // never due, until exit
        });
        List<ConnectionRecord> sent = new ArrayList<>();
        reporter.sink(new ConnectionSink() {
            @Override
            public void ended(ConnectionRecord record) {
                sent.add(record);
            }
        });
        int total = 20 * CAPACITY;
        for (int i = 0; i < total; i++) {
            ConnectionRecord r = new ConnectionRecord(i, ConnectionRecord.Direction.OUTGOING, "socket", null, "t", null, i);
            r.end(ConnectionEnd.CLOSED, i + 1);
            reporter.ended(r);
            if (i % 512 == 0) reporter.deliver(false);
        }
        reporter.deliver(false);
        assertTrue(largestWait[0] <= CAPACITY, "held at most the bound: " + largestWait[0]);
        assertEquals(total - largestWait[0], sent.size(), "the rest went out unconfirmed");
        reporter.deliver(true);
        assertEquals(total, sent.size(), "nothing lost");
    }
}
