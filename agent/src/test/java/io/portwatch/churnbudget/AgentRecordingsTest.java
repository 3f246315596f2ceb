package io.portwatch.churnbudget;

import io.portwatch.track.CallSites;
import io.portwatch.track.ConnectionEvents;
import io.portwatch.track.Tracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scopes and their barrier against a real tracker, without an agent: the test plays the advice
 * around real loopback sockets, as the tracker's tests do (TrackerFixture).
 */
class AgentRecordingsTest {

    private final List<Socket> sockets = new ArrayList<>();
    private Tracker tracker;
    private ConnectionEvents events;
    private Scopes scopes;
    private AgentRecordings recordings;
    private ServerSocket server;
    private InetSocketAddress target;
    private Thread loop;

    @BeforeEach
    void setUp() throws IOException {
        tracker = new Tracker(1024, 100, new CallSites(true, 0, List.of()));
        events = tracker.events();
        scopes = new Scopes();
        tracker.observer(scopes);
        recordings = new AgentRecordings(scopes, tracker);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        target = new InetSocketAddress("127.0.0.1", server.getLocalPort());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (loop != null) {
            tracker.stop();
            loop.join(5000);
        }
        for (Socket s : sockets) s.close();
        server.close();
    }

    private void runTracker() {
        loop = new Thread(tracker::run, "test-tracker");
        loop.setDaemon(true);
        loop.start();
    }

    /** A client connected to the server, reported as the advice would. */
    private Socket connect() throws IOException {
        return connect(target);
    }

    private Socket connect(InetSocketAddress to) throws IOException {
        Socket client = new Socket();
        long start = System.nanoTime();
        client.connect(to, 5000);
        events.connected(client, to, start, null);
        sockets.add(client);
        sockets.add(server.accept());
        return client;
    }

    private void close(Socket client) throws IOException {
        client.close();
        events.closed(client);
    }

    private String destination() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, long[]> counts(Object[] answer) {
        return (Map<String, long[]>) answer[1];
    }

    @Test
    void connectsCountWhenTheyCompleteAndClosesWhenTheyHappen() throws Exception {
        runTracker();
        Socket before = connect(); // a pooled connection: opened before, closed inside
        long id = recordings.openScope();
        Socket inside = connect();
        close(inside);
        close(before);
        Socket stillOpen = connect();
        Object[] answer = recordings.closeScope(id, 5000);
        close(stillOpen); // after the close: not counted

        long[] status = (long[]) answer[0];
        assertEquals(0, status[0], "nothing left uncounted");
        assertEquals(0, status[3], "alone");
        long[] c = counts(answer).get(destination());
        // connects: inside and stillOpen; closes: inside and before, both by this side
        assertArrayEquals(new long[] {2, 0, 2, 0, 0, 0}, c);
        @SuppressWarnings("unchecked")
        Map<String, Long> sites = ((Map<String, Map<String, Long>>) answer[2]).get(destination());
        assertEquals(1, sites.size(), sites::toString);
        Map.Entry<String, Long> site = sites.entrySet().iterator().next();
        assertTrue(site.getKey().startsWith(AgentRecordingsTest.class.getName() + ".connect(AgentRecordingsTest.java:"), site::getKey);
        assertEquals(2L, site.getValue(), "both connects inside the scope, from that one line");
        assertNull(recordings.closeScope(id, 0), "a scope closes once");
    }

    @Test
    void aConnectionToANameIsCountedUnderTheNameWithItsAddress() throws Exception {
        runTracker();
        // An address that carries a name, as getByName("db.test") would give, without a lookup.
        InetSocketAddress named = new InetSocketAddress(
                InetAddress.getByAddress("db.test", new byte[] {127, 0, 0, 1}), server.getLocalPort());
        long id = recordings.openScope();
        close(connect(named));
        close(connect());
        Object[] answer = recordings.closeScope(id, 5000);
        @SuppressWarnings("unchecked")
        Map<String, String[]> destinations = (Map<String, String[]>) answer[3];
        String byName = "db.test:" + server.getLocalPort() + " " + destination();
        assertArrayEquals(new String[] {"db.test:" + server.getLocalPort(), destination()}, destinations.get(byName));
        assertArrayEquals(new String[] {destination(), destination()}, destinations.get(destination()), "by address: no name");
        assertArrayEquals(new long[] {1, 0, 1, 0, 0, 0}, counts(answer).get(byName));
        assertArrayEquals(new long[] {1, 0, 1, 0, 0, 0}, counts(answer).get(destination()));
    }

    @Test
    void aFailedConnectIsCountedApart() throws Exception {
        runTracker();
        long id = recordings.openScope();
        Socket s = new Socket();
        sockets.add(s);
        events.connected(s, target, System.nanoTime(), new java.net.ConnectException("Connection refused"));
        long[] c = counts(recordings.closeScope(id, 5000)).get(destination());
        assertArrayEquals(new long[] {0, 1, 0, 0, 0, 0}, c);
    }

    @Test
    void whenTheTrackerDoesNotCatchUpTheAnswerSaysHowManyEventsWereLeft() throws Exception {
        // No tracker thread: the events wait in the ring.
        long id = recordings.openScope();
        close(connect());
        long t0 = System.nanoTime();
        Object[] answer = recordings.closeScope(id, 100);
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        long[] status = (long[]) answer[0];
        assertEquals(2, status[0], "connect and close not handled");
        assertTrue(waitedMillis >= 100 && waitedMillis < 2000, "waited " + waitedMillis + " ms");
        assertEquals(Map.of(), counts(answer));
    }

    @Test
    void scopesOpenAtTheSameTimeKnowItButTheWholeRunScopeDoesNotCount() throws Exception {
        runTracker();
        Scope run = recordings.open(true);
        long first = recordings.openScope();
        long second = recordings.openScope();
        close(connect());
        long[] secondStatus = (long[]) recordings.closeScope(second, 5000)[0];
        long[] firstStatus = (long[]) recordings.closeScope(first, 5000)[0];
        assertEquals(1, secondStatus[3]);
        assertEquals(1, firstStatus[3]);
        long third = recordings.openScope();
        assertEquals(0, ((long[]) recordings.closeScope(third, 5000)[0])[3], "alone again (the run scope aside)");
        Object[] whole = recordings.close(run, 5000);
        assertEquals(0, ((long[]) whole[0])[3]);
        assertArrayEquals(new long[] {1, 0, 1, 0, 0, 0}, counts(whole).get(destination()));
    }
}
