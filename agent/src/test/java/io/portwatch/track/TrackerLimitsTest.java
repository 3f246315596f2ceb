package io.portwatch.track;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the tracker ignores and how it stays bounded: events of unknown connections, non-inet
 * targets and the agent's own threads; the open-connection limit, a full ring, a throwing sink, and
 * the losses said while the application runs.
 */
class TrackerLimitsTest extends TrackerFixture {

    @Test
    void eventsForUnknownConnectionsAreIgnored() {
        Object stranger = new Object();
        events.endOfStream(stranger);
        events.outputShutdown(stranger);
        events.lingerSet(stranger, true);
        events.ioFailed(stranger, new SocketException("Connection reset"));
        events.finishedConnect(stranger, null);
        events.finishedConnect(stranger, new ConnectException("Connection refused"));
        events.closed(stranger);
        assertEquals(7, tracker.drain());
        assertEquals(List.of(), sink.opened);
        assertEquals(List.of(), sink.ended);
        assertEquals(0, tracker.openConnections());
    }

    @Test
    void nonInetTargetsAreIgnored() {
        SocketAddress unixLike = new SocketAddress() {
            private static final long serialVersionUID = 1L;
        };
        Object conn = new Object();
        events.connected(conn, unixLike, System.nanoTime(), null);
        events.connected(conn, unixLike, System.nanoTime(), new ConnectException("Connection refused"));
        events.connectPending(conn, unixLike, System.nanoTime());
        events.connected(conn, null, System.nanoTime(), null);
        assertEquals(0, tracker.drain());
        assertEquals(0, tracker.openConnections());
        assertEquals(List.of(), sink.ended);
    }

    @Test
    void maxOpenLimitCountsUntracked() {
        Tracker small = new Tracker(1024, 2, new CallSites(false, 0, List.of()));
        Collecting s = new Collecting();
        small.sink(s);
        Object a = new Object();
        Object b = new Object();
        Object c = new Object();
        small.events().connected(a, target, System.nanoTime(), null);
        small.events().connected(b, target, System.nanoTime(), null);
        small.events().connected(c, target, System.nanoTime(), null);
        small.drain();
        assertEquals(2, small.openConnections());
        assertEquals(1, small.untrackedConnections());
        assertEquals(2, s.opened.size());

        small.events().closed(c);
        small.drain();
        assertEquals(List.of(), s.ended, "the untracked connection has no record to end");

        small.events().closed(a);
        Object d = new Object();
        small.events().connected(d, target, System.nanoTime(), null);
        small.drain();
        assertEquals(1, s.ended.size());
        assertEquals(2, small.openConnections(), "room again after a close");
        assertEquals(1, small.untrackedConnections());
    }

    @Test
    void eventsOnAgentThreadsAreIgnored() throws Exception {
        assertFalse(AgentThreads.isCurrent());
        Object tracked = new Object();
        events.connected(tracked, target, System.nanoTime(), null);
        tracker.drain();
        assertEquals(1, tracker.openConnections());

        AtomicBoolean isAgentThread = new AtomicBoolean();
        Object exporterSocket = new Object();
        Thread t = AgentThreads.newThread("test", () -> {
            isAgentThread.set(AgentThreads.isCurrent());
            events.connected(exporterSocket, target, System.nanoTime(), null);
            events.connectPending(new Object(), target, System.nanoTime());
            events.finishedConnect(exporterSocket, null);
            events.accepted(new Object());
            events.endOfStream(tracked);
            events.ioFailed(tracked, new SocketException("Connection reset"));
            events.outputShutdown(tracked);
            events.lingerSet(tracked, true);
            events.closed(tracked);
        });
        assertTrue(t.isDaemon());
        assertSame(AgentThreads.GROUP, t.getThreadGroup());
        assertTrue(t.getName().startsWith("portwatch-test-"), t.getName());
        t.start();
        t.join(5000);
        assertTrue(isAgentThread.get());
        assertEquals(0, tracker.drain(), "nothing from the agent's own threads reaches the ring");
        assertEquals(1, tracker.openConnections());
        assertEquals(List.of(), sink.ended);

        events.closed(tracked);
        tracker.drain();
        assertEquals(Closer.LOCAL, sink.onlyEnded().closer(), "none of the agent thread's events counted");
    }

    @Test
    void fullRingDropsAndCounts() {
        Tracker t = new Tracker(4, 10, new CallSites(false, 0, List.of()));
        Object stranger = new Object();
        for (int i = 0; i < 6; i++) {
            t.events().closed(stranger);
        }
        assertEquals(2, t.droppedEvents());
        assertEquals(4, t.drain());
    }

    /**
     * A connection that opens and ends within one drain (most of a churn) goes to the reporter as
     * one report, not two: 600 such connections and one still open are 601 reports, not 1,201.
     * Each opened still reaches the sink before its ended, and the open one's opened comes too.
     */
    @Test
    void aConnectionOpenedAndEndedWithinOneDrainIsOneReport() {
        Tracker t = new Tracker(2048, 1000, new CallSites(true, 0, List.of()));
        SinkCalls sink = new SinkCalls();
        t.sink(sink);
        List<String> calls = sink.calls;
        // A reporter thread that never runs: the reports stay in its queue, to be counted.
        t.reporter().start(task -> new Thread(task) {
            @Override
            public synchronized void start() {
            }
        }, () -> { });
        ConnectionEvents ev = t.events();
        InetSocketAddress to = new InetSocketAddress(LOOPBACK, 9);
        for (int i = 0; i < 600; i++) {
            Object connection = new Object();
            ev.connected(connection, to, System.nanoTime(), null);
            ev.closed(connection);
        }
        Object stillOpen = new Object();
        ev.connected(stillOpen, to, System.nanoTime(), null);
        t.drain();
        assertEquals(601, t.reporter().backlog(), "one report per connection");
        t.reporter().deliver(false);
        assertEquals(1201, calls.size(), () -> "601 opened, 600 ended: " + calls);
        assertEquals(601, calls.stream().filter(c -> c.startsWith("opened ")).count(), "the open one's opened too");
        for (String call : calls) {
            if (call.startsWith("ended ")) {
                int opened = calls.indexOf("opened " + call.substring("ended ".length()));
                assertTrue(opened >= 0 && opened < calls.indexOf(call), () -> "opened before " + call);
            }
        }
        assertNotNull(stillOpen); // held until here, so that it is not collected as forgotten
    }

    @Test
    void droppedEventsAreSaidAtOnceThenAtMostEveryFiveMinutes() {
        Tracker t = new Tracker(4, 10, new CallSites(false, 0, List.of()));
        List<String> said = new ArrayList<>();
        t.problems(said::add);
        Object stranger = new Object();
        long now = 1_000_000_000L;
        t.sayLosses(now, false);
        assertEquals(List.of(), said, "nothing lost, nothing said");

        for (int i = 0; i < 6; i++) t.events().closed(stranger);
        t.sayLosses(now, false);
        assertEquals(List.of("connections went unrecorded, so far: 2 events dropped, the tracker behind the application"
                + " (buffer.size); the connection counters, the spans and the summary's counts miss them"), said);

        t.drain();
        for (int i = 0; i < 5; i++) t.events().closed(stranger);
        t.sayLosses(now + 60_000_000_000L, false);
        assertEquals(1, said.size(), "a minute later: quiet");
        t.sayLosses(now + 301_000_000_000L, false);
        assertEquals(2, said.size(), "five minutes later: said again");
        assertTrue(said.get(1).contains(" 3 events dropped"), said.get(1));
        t.sayLosses(now + 302_000_000_000L, true);
        assertEquals(2, said.size(), "at the end, only if more were lost");
    }

    @Test
    void aThrowingSinkLosesNoLaterEvents() {
        Tracker t = new Tracker(64, 10, new CallSites(false, 0, List.of()));
        List<ConnectionRecord> ended = new ArrayList<>();
        AtomicBoolean thrown = new AtomicBoolean();
        t.sink(r -> {
            if (thrown.compareAndSet(false, true)) throw new IllegalStateException("sink failed");
            ended.add(r);
        });
        Object a = new Object();
        Object b = new Object();
        t.events().connected(a, target, System.nanoTime(), null);
        t.events().connected(b, target, System.nanoTime(), null);
        t.events().closed(a);
        t.events().closed(b);
        List<Throwable> failures = new ArrayList<>();
        t.reporter().failures(failures::add);
        t.drain();
        assertEquals(1, failures.size(), "the sink's failure is reported");
        assertEquals(1, ended.size(), "the second close is still handled");
        assertEquals(0, t.openConnections());
    }
}
