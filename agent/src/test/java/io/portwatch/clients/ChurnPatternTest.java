package io.portwatch.clients;

import org.junit.jupiter.api.Test;

import static io.portwatch.clients.ChurnPattern.CHURN_CONNECTIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChurnPatternTest {

    private static final long N = CHURN_CONNECTIONS;

    @Test
    void belowTheThresholdIsNoChurn() {
        assertEquals(ChurnPattern.NONE, ChurnPattern.of(ClientLibrary.OKHTTP, false, N - 1, N - 1, 0, false));
        assertEquals(ChurnPattern.CLIENT_PER_REQUEST, ChurnPattern.of(ClientLibrary.OKHTTP, false, N, N, 0, false));
    }

    @Test
    void thisJvmClosingFirstNamesThePatternOfTheLibrarysKindOfReuse() {
        assertEquals(ChurnPattern.CLIENT_PER_REQUEST, ChurnPattern.of(ClientLibrary.JDK_HTTP_CLIENT, false, 500, 500, 0, false));
        assertEquals(ChurnPattern.CLIENT_PER_REQUEST, ChurnPattern.of(ClientLibrary.GRPC_JAVA, false, 500, 400, 0, false));
        assertEquals(ChurnPattern.REUSE_OFF, ChurnPattern.of(ClientLibrary.HTTP_URL_CONNECTION, false, 500, 500, 0, false));
        assertEquals(ChurnPattern.NO_POOL, ChurnPattern.of(ClientLibrary.JEDIS, false, 500, 500, 0, false));
        assertEquals(ChurnPattern.NO_POOL, ChurnPattern.of(ClientLibrary.JDBC_DRIVER_MANAGER, false, 500, 500, 0, false));
    }

    @Test
    void aPoolOnTheStackIsThePoolsChurn() {
        assertEquals(ChurnPattern.POOL_CHURN, ChurnPattern.of(ClientLibrary.JEDIS, true, 500, 500, 0, false));
        assertEquals(ChurnPattern.POOL_CHURN, ChurnPattern.of(ClientLibrary.JDBC_POOL, false, 500, 500, 0, false));
    }

    @Test
    void whatTheFiguresDoNotTellIsUnknownOrThePeers() {
        assertEquals(ChurnPattern.PEER_CLOSES, ChurnPattern.of(ClientLibrary.OKHTTP, false, 500, 10, 490, false));
        assertEquals(ChurnPattern.UNKNOWN, ChurnPattern.of(null, false, 500, 500, 0, false), "no library known");
        assertEquals(ChurnPattern.UNKNOWN, ChurnPattern.of(ClientLibrary.OKHTTP, false, 500, 200, 200, false),
                "neither side closes most: resets, or unconfirmed");
    }

    @Test
    void noLibraryAndOneConnectionAtATimeIsAPollingLoop() {
        assertEquals(ChurnPattern.POLLING_LOOP, ChurnPattern.of(null, false, 500, 500, 0, true));
        assertEquals(ChurnPattern.POLLING_LOOP, ChurnPattern.of(null, false, 500, 300, 150, true), "this side closes most");
        assertEquals(ChurnPattern.UNKNOWN, ChurnPattern.of(null, false, 500, 500, 0, false), "they overlapped: not one loop");
        assertEquals(ChurnPattern.NONE, ChurnPattern.of(null, false, N - 1, N - 1, 0, true), "too few for churn");
    }

    @Test
    void aLoopGivesWayToThePeerToAPoolAndToAKnownLibrarysOwnPattern() {
        assertEquals(ChurnPattern.PEER_CLOSES, ChurnPattern.of(null, false, 500, 10, 490, true));
        assertEquals(ChurnPattern.UNKNOWN, ChurnPattern.of(null, false, 500, 250, 250, true),
                "closes mixed, not mostly this side's: the server may end each one too");
        assertEquals(ChurnPattern.POOL_CHURN, ChurnPattern.of(null, true, 500, 500, 0, true));
        assertEquals(ChurnPattern.NO_POOL, ChurnPattern.of(ClientLibrary.JDBC_DRIVER, false, 500, 500, 0, true));
        assertEquals(ChurnPattern.NO_POOL, ChurnPattern.of(ClientLibrary.JEDIS, false, 500, 500, 0, true));
        assertEquals(ChurnPattern.CLIENT_PER_REQUEST, ChurnPattern.of(ClientLibrary.JDK_HTTP_CLIENT, false, 500, 500, 0, true));
        assertEquals(ChurnPattern.REUSE_OFF, ChurnPattern.of(ClientLibrary.HTTP_URL_CONNECTION, false, 500, 500, 0, true));
        assertEquals(ChurnPattern.POOL_CHURN, ChurnPattern.of(ClientLibrary.JDBC_POOL, false, 500, 500, 0, true));
        assertEquals(ChurnPattern.UNKNOWN, ChurnPattern.of(ClientLibrary.OKHTTP, false, 500, 200, 200, true),
                "a library's own unknown stays unknown");
    }

    @Test
    void aLoopsFixKeepsOneConnectionOrPollsLessAndNeedsNoLibrary() {
        String fix = LibraryFixes.fix(null, ChurnPattern.POLLING_LOOP);
        assertNotNull(fix);
        assertTrue(fix.contains("keep it open across the loop's iterations"), fix);
        assertTrue(fix.contains("a client that pools connections and keeps them alive"), fix);
        assertTrue(fix.contains("poll less often"), fix);
        assertTrue(fix.contains("peer_closes"), "when it does not help: " + fix);
        assertTrue(!fix.contains("; "), "a warning joins its sentences with \"; \": " + fix);
        assertEquals("keep one connection open across the loop", LibraryFixes.shortFix(null, ChurnPattern.POLLING_LOOP));
        assertEquals("polling_loop", ChurnPattern.POLLING_LOOP.id);
    }

    @Test
    void churningFormsHaveAFixInTheLibrarysWordsAndTheOthersNone() {
        for (ClientLibrary l : ClientLibrary.values()) {
            ChurnPattern p = ChurnPattern.of(l, false, 500, 500, 0, false);
            String fix = LibraryFixes.fix(l, p);
            assertNotNull(fix, l + " " + p);
            assertNotNull(LibraryFixes.shortFix(l, p), l + " " + p);
            assertTrue(!fix.contains("; "), "a warning joins its sentences with \"; \": " + fix);
            assertNull(LibraryFixes.fix(l, ChurnPattern.NONE), l.id);
            assertNull(LibraryFixes.fix(l, ChurnPattern.PEER_CLOSES), l.id);
        }
        assertNull(LibraryFixes.fix(null, ChurnPattern.UNKNOWN));
    }

    @Test
    void theFixNamesTheObjectOrSettingOfTheLibrary() {
        assertTrue(fixOf(ClientLibrary.JDK_HTTP_CLIENT).contains("one java.net.http.HttpClient"));
        assertTrue(fixOf(ClientLibrary.HTTP_URL_CONNECTION).contains("http.keepAlive"));
        assertTrue(fixOf(ClientLibrary.HTTP_URL_CONNECTION).contains("http.maxConnections"));
        assertTrue(fixOf(ClientLibrary.OKHTTP).contains("one OkHttpClient"));
        assertTrue(fixOf(ClientLibrary.APACHE_HTTPCLIENT_4).contains("PoolingHttpClientConnectionManager"));
        assertTrue(fixOf(ClientLibrary.APACHE_HTTPCLIENT_5).contains("PoolingHttpClientConnectionManager"));
        assertTrue(fixOf(ClientLibrary.REACTOR_NETTY).contains("ConnectionProvider"));
        assertTrue(fixOf(ClientLibrary.GRPC_JAVA).contains("ManagedChannel"));
        assertTrue(fixOf(ClientLibrary.LETTUCE).contains("one RedisClient"));
        assertTrue(fixOf(ClientLibrary.JEDIS).contains("JedisPool"));
        assertTrue(fixOf(ClientLibrary.JDBC_DRIVER_MANAGER).contains("DriverManager.getConnection"));
        String poolFix = LibraryFixes.fix(ClientLibrary.JDBC_POOL, ChurnPattern.POOL_CHURN);
        assertTrue(poolFix.contains("maxLifetime and idleTimeout in HikariCP"), poolFix);
        assertTrue(poolFix.contains("maxConnLifetimeMillis and minEvictableIdleTimeMillis in Commons DBCP"), poolFix);
        assertTrue(LibraryFixes.fix(ClientLibrary.JEDIS, ChurnPattern.POOL_CHURN).contains("maxIdle"));
    }

    private static String fixOf(ClientLibrary l) {
        return LibraryFixes.fix(l, ChurnPattern.of(l, false, 500, 500, 0, false));
    }
}
