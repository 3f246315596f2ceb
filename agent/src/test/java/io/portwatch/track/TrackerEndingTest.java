package io.portwatch.track;

import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How connections still open are ended: at exit, when the tracker loop stops, and when the
 * application drops a connection without closing it; and the warm-up, which leaves nothing behind.
 */
class TrackerEndingTest extends TrackerFixture {

    @Test
    void endAllEndsOpenConnectionsAsOpenAtExit() throws Exception {
        Socket[] pair = connectedPair();
        tracker.drain();
        events.endOfStream(pair[1]); // not drained yet: endAll drains first
        tracker.endAll();
        assertEquals(2, sink.ended.size());
        ConnectionRecord out = find(sink.ended, ConnectionRecord.Direction.OUTGOING);
        ConnectionRecord in = find(sink.ended, ConnectionRecord.Direction.ACCEPTED);
        assertEquals(ConnectionEnd.OPEN_AT_EXIT, out.end());
        assertEquals(Closer.UNKNOWN, out.closer());
        assertEquals(ConnectionEnd.OPEN_AT_EXIT, in.end());
        assertEquals(Closer.PEER, in.closer());
        assertEquals(0, tracker.openConnections());

        events.closed(pair[0]);
        tracker.drain();
        assertEquals(2, sink.ended.size(), "ended once only");
    }

    @Test
    void runLoopEndsEverythingOnStop() throws Exception {
        Object conn = new Object();
        events.connected(conn, target, System.nanoTime(), null);
        Thread loop = new Thread(tracker::run, "tracker-test-loop");
        loop.start();
        tracker.stop();
        loop.join(5000);
        assertFalse(loop.isAlive());
        ConnectionRecord r = sink.onlyEnded();
        assertEquals(ConnectionEnd.OPEN_AT_EXIT, r.end());
    }

    @Test
    void warmUpLeavesNothingBehind() {
        EventPathWarmUp.run();
        Tracker fresh = new Tracker(64, 100, new CallSites(true, 1000, List.of()));
        assertFalse(fresh.hasRecorded());
        Collecting s = new Collecting();
        fresh.sink(s);
        assertEquals(0, fresh.drain());
        assertEquals(0, fresh.openConnections());
        fresh.events().closed(new Object());
        assertTrue(fresh.hasRecorded());
    }

    @Test
    void collectedConnectionIsEndedAsCollected() throws Exception {
        connectAndForget();
        assertTrue(EventRingTest.gcUntil(() -> {
            tracker.drain();
            return !sink.ended.isEmpty();
        }), "a forgotten connection was never ended");
        ConnectionRecord r = sink.onlyEnded();
        assertEquals(ConnectionEnd.COLLECTED, r.end());
        assertEquals(Closer.UNKNOWN, r.closer());
        assertEquals(0, tracker.openConnections());
    }

    private void connectAndForget() {
        events.connected(new Object(), target, System.nanoTime(), null);
        tracker.drain();
        assertEquals(1, tracker.openConnections());
    }
}
