package io.portwatch.budget;

import io.portwatch.clients.ClientLibrary;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A warning's advice for an opener with a known client library: the fix in that library's words. */
class LibraryAdviceTest {

    private static final String SITE = "com.example.Client.fetch(Client.java:31)";

    private static List<Advice.Opener> opener(ClientLibrary library, boolean pooled, long opened) {
        return List.of(new Advice.Opener(SITE, 40.0, pooled, library, opened));
    }

    @Test
    void aChurningClientIsNamedWithItsFixWhenThisJvmClosesFirst() {
        List<Advice.Opener> openers = opener(ClientLibrary.OKHTTP, false, 2400);
        Advice a = new Advice().openedAt(openers, 0).library(openers, true, 0.97).closer(true, 2000, 0.97);
        assertEquals("opened at " + SITE + " (40.0/s, directly, through OkHttp)", a.sentences().get(0));
        assertTrue(a.sentences().get(1).startsWith("OkHttp (client_per_request): Build one OkHttpClient and share it"),
                a::text);
        assertEquals("share one OkHttpClient", a.mainFix(), "the library's fix before the general \"pool them\"");
        assertEquals("library:okhttp:client_per_request", a.causes().get(1));
    }

    @Test
    void eachLibrarySaysItsOwnObjectOrSetting() {
        assertTrue(adviceFor(ClientLibrary.JDK_HTTP_CLIENT).contains("Build one java.net.http.HttpClient and share it"));
        assertTrue(adviceFor(ClientLibrary.HTTP_URL_CONNECTION).contains("http.keepAlive=true"));
        assertTrue(adviceFor(ClientLibrary.GRPC_JAVA).contains("one ManagedChannel per target"));
        assertTrue(adviceFor(ClientLibrary.JEDIS).contains("Jedis (no_pool): Use one JedisPool"));
        assertTrue(adviceFor(ClientLibrary.JDBC_DRIVER_MANAGER).contains("instead of DriverManager.getConnection"));
    }

    private static String adviceFor(ClientLibrary library) {
        List<Advice.Opener> openers = opener(library, false, 1000);
        return new Advice().library(openers, true, 1.0).text();
    }

    @Test
    void nothingIsClaimedBeforeTheCloserIsConfirmedOrBelowChurn() {
        List<Advice.Opener> openers = opener(ClientLibrary.OKHTTP, false, 2400);
        assertTrue(new Advice().library(openers, false, 0.0).sentences().isEmpty(), "closer not confirmed");
        assertTrue(new Advice().library(opener(ClientLibrary.OKHTTP, false, 40), true, 1.0).sentences().isEmpty(),
                "40 connections are no churn");
        assertTrue(new Advice().library(opener(null, false, 2400), true, 1.0).sentences().isEmpty(),
                "no library known: the general advice stands");
    }

    @Test
    void thePeerClosingFirstGetsNoClientFix() {
        Advice a = new Advice().library(opener(ClientLibrary.OKHTTP, false, 2400), true, 0.05);
        assertTrue(a.sentences().isEmpty(), a::text);
    }

    private static List<Advice.Opener> loop(ClientLibrary library, boolean oneAtATime, long opened) {
        return List.of(new Advice.Opener(SITE, 40.0, false, library, opened, oneAtATime));
    }

    @Test
    void aLoopOfTheApplicationsOwnSocketsIsToldToKeepOneConnection() {
        List<Advice.Opener> openers = loop(null, true, 2400);
        Advice a = new Advice().openedAt(openers, 0).library(openers, true, 0.97).closer(true, 2000, 0.97);
        assertTrue(a.sentences().get(1).startsWith("a loop, one connection at a time (polling_loop): Open the connection"
                + " once and keep it open across the loop's iterations"), a::text);
        assertTrue(a.sentences().get(1).contains("or poll less often"), a::text);
        assertEquals("keep one connection open across the loop", a.mainFix());
        assertEquals("library:none:polling_loop", a.causes().get(1));
    }

    @Test
    void noLoopIsClaimedForOverlappingConnectionsThePeersClosesOrAKnownLibrary() {
        assertTrue(new Advice().library(loop(null, false, 2400), true, 1.0).sentences().isEmpty(),
                "they overlapped: the general advice stands");
        assertTrue(new Advice().library(loop(null, true, 2400), true, 0.05).sentences().isEmpty(), "the peer closes");
        assertTrue(new Advice().library(loop(null, true, 2400), true, 0.4).sentences().isEmpty(),
                "closes mixed: not mostly this side's");
        assertTrue(new Advice().library(loop(null, true, 2400), false, 0.0).sentences().isEmpty(), "closer not confirmed");
        assertTrue(new Advice().library(loop(null, true, 40), true, 1.0).sentences().isEmpty(), "no churn");
        String jedis = new Advice().library(loop(ClientLibrary.JEDIS, true, 2400), true, 1.0).text();
        assertTrue(jedis.startsWith("Jedis (no_pool): Use one JedisPool"), jedis);
    }

    @Test
    void aPoolThatChurnsIsToldToKeepItsConnections() {
        String text = new Advice().library(opener(ClientLibrary.JDBC_POOL, true, 900), true, 1.0).text();
        assertTrue(text.startsWith("a JDBC connection pool (pool_churn): The pool itself opens them"), text);
        assertTrue(text.contains("maxLifetime"), text);
        assertFalse(text.contains("DriverManager"), text);
    }
}
