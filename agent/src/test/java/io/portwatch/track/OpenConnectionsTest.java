package io.portwatch.track;

import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

import static io.portwatch.track.EventRingTest.gcUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenConnectionsTest {

    private static int ids;

    private static ConnectionRecord record() {
        return new ConnectionRecord(++ids, ConnectionRecord.Direction.OUTGOING, "socket", "h", "t", null, 1L);
    }

    @Test
    void putGetRemoveByIdentityNotEquality() {
        OpenConnections<ConnectionRecord> open = new OpenConnections<>(10);
        String a1 = new String("a");
        String a2 = new String("a");
        assertEquals(a1, a2);
        assertNotSame(a1, a2);
        ConnectionRecord r1 = record();
        ConnectionRecord r2 = record();
        assertTrue(open.put(a1, r1));
        assertNull(open.get(a2), "an equal but distinct key is another connection");
        assertTrue(open.put(a2, r2));
        assertEquals(2, open.size());
        assertSame(r1, open.get(a1));
        assertSame(r2, open.get(a2));
        assertNull(open.get(new String("a")));
        assertNull(open.get(new Object()));

        assertSame(r1, open.remove(a1));
        assertNull(open.get(a1));
        assertNull(open.remove(a1), "removed once only");
        assertSame(r2, open.get(a2));
        assertEquals(1, open.size());
    }

    @Test
    void putTwiceReplacesTheRecord() {
        OpenConnections<ConnectionRecord> open = new OpenConnections<>(10);
        Object k = new Object();
        ConnectionRecord r1 = record();
        ConnectionRecord r2 = record();
        open.put(k, r1);
        open.put(k, r2);
        assertEquals(1, open.size());
        assertSame(r2, open.get(k));
    }

    @Test
    void limitRefusesMoreThenAcceptsAfterRemove() {
        OpenConnections<ConnectionRecord> open = new OpenConnections<>(2);
        Object a = new Object();
        Object b = new Object();
        Object c = new Object();
        assertTrue(open.put(a, record()));
        assertTrue(open.put(b, record()));
        assertFalse(open.put(c, record()));
        assertNull(open.get(c));
        assertEquals(2, open.size());
        open.remove(a);
        assertTrue(open.put(c, record()));
        assertEquals(2, open.size());
    }

    @Test
    void removeAllEmptiesTheMap() {
        OpenConnections<ConnectionRecord> open = new OpenConnections<>(10);
        Object a = new Object();
        Object b = new Object();
        ConnectionRecord ra = record();
        ConnectionRecord rb = record();
        open.put(a, ra);
        open.put(b, rb);
        List<ConnectionRecord> all = open.removeAll();
        assertEquals(2, all.size());
        assertTrue(all.contains(ra) && all.contains(rb));
        assertEquals(0, open.size());
        assertNull(open.get(a));
    }

    @Test
    void unreachableConnectionIsExpungedAfterGc() throws Exception {
        OpenConnections<ConnectionRecord> open = new OpenConnections<>(10);
        Object kept = new Object();
        ConnectionRecord keptRecord = record();
        open.put(kept, keptRecord);
        ConnectionRecord forgotten = record();
        putUnreachable(open, forgotten);
        assertEquals(2, open.size());

        List<ConnectionRecord> gone = new ArrayList<>();
        assertTrue(gcUntil(() -> {
            gone.addAll(open.expungeCollected());
            return !gone.isEmpty();
        }), "the forgotten socket's record was never expunged");
        assertEquals(List.of(forgotten), gone);
        assertEquals(1, open.size());
        assertSame(keptRecord, open.get(kept), "a reachable connection stays");
        assertEquals(List.of(), open.expungeCollected(), "expunged once only");
    }

    private static void putUnreachable(OpenConnections<ConnectionRecord> open, ConnectionRecord r) {
        open.put(new Object(), r);
    }

    @Test
    void getDoesNotKeepItsKeyAlive() throws Exception {
        OpenConnections<ConnectionRecord> open = new OpenConnections<>(10);
        Object tracked = new Object();
        open.put(tracked, record());
        Object looked = new Object();
        WeakReference<Object> lookedRef = new WeakReference<>(looked);
        assertNull(open.get(looked));
        looked = null;
        assertTrue(gcUntil(() -> lookedRef.get() == null), "the lookup probe kept a connection alive");

        WeakReference<Object> trackedRef = new WeakReference<>(tracked);
        assertNotNull(open.get(tracked));
        open.removeAll();
        tracked = null;
        assertTrue(gcUntil(() -> trackedRef.get() == null), "the lookup probe kept a connection alive");
    }

    @Test
    void removeDoesNotKeepItsKeyAlive() throws Exception {
        OpenConnections<ConnectionRecord> open = new OpenConnections<>(10);
        Object removed = new Object();
        open.put(removed, record());
        WeakReference<Object> removedRef = new WeakReference<>(removed);
        assertNotNull(open.remove(removed));
        removed = null;
        assertTrue(gcUntil(() -> removedRef.get() == null), "the removal probe kept a connection alive");
    }

    @Test
    void recordsDoNotKeepTheirConnectionAlive() throws Exception {
        OpenConnections<ConnectionRecord> open = new OpenConnections<>(10);
        Object connection = new Object();
        WeakReference<Object> ref = new WeakReference<>(connection);
        open.put(connection, record());
        connection = null;
        assertTrue(gcUntil(() -> ref.get() == null), "the map holds its connections strongly");
    }

    @Test
    void thousandsOfConnectionsThroughGrowthAndRemoval() {
        OpenConnections<Integer> open = new OpenConnections<>(100_000);
        Object[] connections = new Object[5000];
        for (int i = 0; i < connections.length; i++) {
            connections[i] = new Object();
            assertTrue(open.put(connections[i], i));
        }
        assertEquals(5000, open.size());
        for (int i = 0; i < connections.length; i++) {
            assertEquals(i, open.get(connections[i]), "lost in a resize: " + i);
        }
        for (int i = 0; i < connections.length; i += 2) {
            assertEquals(i, open.remove(connections[i]));
        }
        assertEquals(2500, open.size());
        for (int i = 0; i < connections.length; i++) {
            assertEquals(i % 2 == 0 ? null : (Integer) i, open.get(connections[i]));
        }
        List<Integer> rest = open.removeAll();
        assertEquals(2500, rest.size());
        assertTrue(rest.stream().allMatch(i -> i % 2 == 1));
        assertEquals(0, open.size());
        assertNull(open.get(connections[1]));
    }

    @Test
    void aRemovedOrRemovedAllConnectionIsNeverExpungedLater() throws Exception {
        OpenConnections<ConnectionRecord> open = new OpenConnections<>(10);
        WeakReference<Object> removed = putAndRemove(open);
        WeakReference<Object> cleared = putAndRemoveAll(open);
        List<ConnectionRecord> gone = new ArrayList<>();
        assertTrue(gcUntil(() -> {
            gone.addAll(open.expungeCollected());
            return removed.get() == null && cleared.get() == null;
        }));
        gone.addAll(open.expungeCollected());
        assertEquals(List.of(), gone, "a record already handed back came back as collected");
        assertEquals(0, open.size());
    }

    private static WeakReference<Object> putAndRemove(OpenConnections<ConnectionRecord> open) {
        Object connection = new Object();
        open.put(connection, record());
        assertNotNull(open.remove(connection));
        return new WeakReference<>(connection);
    }

    private static WeakReference<Object> putAndRemoveAll(OpenConnections<ConnectionRecord> open) {
        Object connection = new Object();
        open.put(connection, record());
        assertEquals(1, open.removeAll().size());
        return new WeakReference<>(connection);
    }
}
