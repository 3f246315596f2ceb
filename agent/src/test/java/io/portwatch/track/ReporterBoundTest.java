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

    /** A full queue drops and counts every report, two for a short connection's merged one. */
    @Test
    void aFullQueueCountsEachReportItDrops() {
        Reporter reporter = new Reporter(2);
        reporter.ended(TestRecords.closed(1));
        reporter.opened(TestRecords.closed(2));
        assertEquals(0, reporter.dropped(), "room for two");
        ConnectionRecord merged = TestRecords.closed(3);
        merged.carriesOpened = true;
        reporter.ended(merged);
        assertEquals(2, reporter.dropped(), "an ended report that carries the opened one: two reports");
        reporter.ended(TestRecords.closed(4));
        reporter.opened(TestRecords.closed(5));
        reporter.jdbcEnded(new JdbcRecord(6, 0, "t"));
        assertEquals(5, reporter.dropped());
    }

    @Test
    void endedConnectionsWaitingForTheKernelAreBounded() {
        Reporter reporter = new Reporter(CAPACITY);
        int[] largestWait = {0};
        reporter.kernelCheck((awaiting, now, force) -> {
            largestWait[0] = Math.max(largestWait[0], awaiting.size());
            return force ? awaiting.size() : 0; // never due, until exit
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
            reporter.ended(TestRecords.closed(i));
            if (i % 512 == 0) reporter.deliver(false);
        }
        reporter.deliver(false);
        assertTrue(largestWait[0] <= CAPACITY, "held at most the bound: " + largestWait[0]);
        assertEquals(total - largestWait[0], sent.size(), "the rest went out unconfirmed");
        reporter.deliver(true);
        assertEquals(total, sent.size(), "nothing lost");
    }
    /**
     * A kernel check that looked up only the records waiting when its read began: those go out,
     * the later ones keep waiting, and a JDBC connection that ended behind its socket waits for it.
     */
    @Test
    void onlyTheRecordsLookedUpGoOutAndAJdbcConnectionWaitsForItsSocket() {
        Reporter reporter = new Reporter(CAPACITY);
        int[] lookUp = {0};
        reporter.kernelCheck((awaiting, now, force) -> force ? awaiting.size() : Math.min(lookUp[0], awaiting.size()));
        SinkCalls sink = new SinkCalls();
        reporter.sink(sink);
        List<String> sent = sink.calls;
        JdbcRecord jdbc = new JdbcRecord(9, 0, "t");
        jdbc.sockets = 1;
        ConnectionRecord first = TestRecords.closed(1);
        ConnectionRecord second = TestRecords.closed(2);
        second.jdbc = jdbc;
        reporter.ended(first);
        reporter.ended(second);
        jdbc.end = ConnectionEnd.CLOSED;
        reporter.jdbcEnded(jdbc);
        reporter.deliver(false);
        assertEquals(List.of(), sent, "nothing looked up yet");
        lookUp[0] = 1;
        reporter.deliver(false);
        assertEquals(List.of("ended 1"), sent, "the one looked up");
        reporter.deliver(false);
        assertEquals(List.of("ended 1", "ended 2", "jdbc 9"), sent, "then its socket, then the JDBC connection");
    }
}
