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
     * The kernel check hears of each ended connection once, as the reporter takes it: those that
     * wait for its word and those past the bound that go out unconfirmed; opened ones it does not.
     */
    @Test
    void eachEndIsToldToTheKernelCheckOnceAsItIsTaken() {
        Reporter reporter = new Reporter(CAPACITY);
        List<ConnectionRecord> taken = new ArrayList<>();
        reporter.kernelCheck(new KernelCheck() {
            @Override
            public int check(List<ConnectionRecord> awaiting, long nowNanos, boolean force) {
                assertTrue(taken.containsAll(awaiting), "told before it waits");
                return force ? awaiting.size() : 0;
            }

            @Override
            public void endTaken(ConnectionRecord r) {
                taken.add(r);
            }
        });
        reporter.sink(new ConnectionSink() {
            @Override
            public void ended(ConnectionRecord record) {
            }
        });
        int total = 3 * CAPACITY;
        for (int i = 0; i < total; i++) {
            reporter.opened(TestRecords.closed(total + i));
            reporter.ended(TestRecords.closed(i));
            if (i % 512 == 0) reporter.deliver(false);
        }
        reporter.deliver(true);
        assertEquals(total, taken.size(), "each end once, the unconfirmed ones too");
        for (int i = 0; i < total; i++) assertEquals(i, taken.get(i).id, "in the order taken");
    }

    /** A short connection's one report: the sinks hear it opened before the kernel check hears it ended. */
    @Test
    void aMergedReportIsOpenedBeforeItsEndIsTaken() {
        Reporter reporter = new Reporter(CAPACITY);
        SinkCalls sink = new SinkCalls();
        reporter.kernelCheck(new KernelCheck() {
            @Override
            public int check(List<ConnectionRecord> awaiting, long nowNanos, boolean force) {
                return awaiting.size();
            }

            @Override
            public void endTaken(ConnectionRecord r) {
                sink.calls.add("end taken " + r.id);
            }
        });
        reporter.sink(sink);
        ConnectionRecord merged = TestRecords.closed(7);
        merged.carriesOpened = true;
        reporter.ended(merged);
        reporter.deliver(false);
        assertEquals(List.of("opened 7", "end taken 7", "ended 7"), sink.calls);
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

    /**
     * A record the kernel check leaves for its next read stays at the head of the queue, and a
     * JDBC connection behind it waits too; at exit everything goes.
     */
    @Test
    void aRecordLeftForTheNextReadWaitsAtTheHead() {
        Reporter reporter = new Reporter(CAPACITY);
        List<List<Long>> looked = new ArrayList<>();
        reporter.kernelCheck((awaiting, now, force) -> {
            List<Long> ids = new ArrayList<>();
            for (ConnectionRecord r : awaiting) {
                ids.add(r.id);
                r.lookedUp();
                if (r.id == 1) r.lookAgain(); // its first read found it gone
            }
            looked.add(ids);
            return awaiting.size();
        });
        SinkCalls sink = new SinkCalls();
        reporter.sink(sink);
        JdbcRecord jdbc = new JdbcRecord(9, 0, "t");
        jdbc.sockets = 1;
        ConnectionRecord first = TestRecords.closed(1);
        first.jdbc = jdbc;
        reporter.ended(first);
        reporter.ended(TestRecords.closed(2));
        jdbc.end = ConnectionEnd.CLOSED;
        reporter.jdbcEnded(jdbc);
        reporter.deliver(false);
        assertEquals(List.of("ended 2"), sink.calls, "the one decided goes; the other waits, its JDBC connection behind it");
        assertTrue(first.awaitsAnotherRead());
        reporter.ended(TestRecords.closed(3));
        reporter.deliver(false);
        assertEquals(List.of(List.of(1L, 2L), List.of(1L, 3L)), looked, "looked up again first");
        assertEquals(List.of("ended 2", "ended 1", "ended 3", "jdbc 9"), sink.calls);

        ConnectionRecord atExit = TestRecords.closed(4);
        reporter.kernelCheck((awaiting, now, force) -> {
            for (ConnectionRecord r : awaiting) r.lookAgain();
            return awaiting.size();
        });
        reporter.ended(atExit);
        reporter.deliver(true);
        assertEquals("ended 4", sink.calls.get(sink.calls.size() - 1), "at exit nothing waits");
    }
}
