package io.portwatch.track;

import io.portwatch.clients.ClientLibrary;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static io.portwatch.track.GeneratedCallers.in;
import static io.portwatch.track.GeneratedCallers.onFreshThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client library a call site's walk passes between the socket and the application frame. The
 * stacks are real: classes generated at run time under a library's package name, each running the
 * next one's code, with {@code com.example.app.Caller} as the application.
 */
class LibraryCallSitesTest {

    private static final String APP = "com.example.app.Caller";

    @Test
    void theLibraryBetweenTheApplicationAndTheSocketIsOnItsCallSite() {
        CallSites cs = new CallSites(true, 0, List.of());
        CallSite site = cs.resolve(in(APP, () -> in("okhttp3.internal.connection.StandInConnection", cs::capture)));
        assertEquals(APP + ".get", site.function, "still the application's frame");
        assertEquals(ClientLibrary.OKHTTP, site.library);
        assertFalse(site.poolOnStack);
    }

    @Test
    void theLibraryNearestTheApplicationWins() {
        // The application calls Reactor Netty, which calls grpc's shaded Netty (any inner library).
        CallSites cs = new CallSites(true, 0, List.of());
        CallSite site = cs.resolve(in(APP, () -> in("reactor.netty.http.client.StandIn",
                () -> in("io.grpc.netty.shaded.io.netty.bootstrap.StandIn", cs::capture))));
        assertEquals(ClientLibrary.REACTOR_NETTY, site.library);

        // DBCP asks DriverManager, which asks the driver: a pool, not DriverManager.
        CallSite pooled = cs.resolve(in(APP, () -> in("org.apache.commons.dbcp2.StandInFactory",
                () -> in("org.mariadb.jdbc.StandInDriver", cs::capture))));
        assertEquals(ClientLibrary.JDBC_POOL, pooled.library);
        assertTrue(pooled.poolOnStack);
    }

    @Test
    void aGenericPoolMarksTheCallSitePooledWithoutNamingALibrary() {
        CallSites cs = new CallSites(true, 0, List.of());
        CallSite site = cs.resolve(in(APP, () -> in("redis.clients.jedis.StandInPool",
                () -> in("org.apache.commons.pool2.impl.StandInObjectPool",
                        () -> in("redis.clients.jedis.StandInConnection", cs::capture)))));
        assertEquals(ClientLibrary.JEDIS, site.library);
        assertTrue(site.poolOnStack, "JedisPool's commons-pool2 frames");

        CallSite bare = cs.resolve(in(APP, () -> in("redis.clients.jedis.StandInConnection", cs::capture)));
        assertEquals(ClientLibrary.JEDIS, bare.library);
        assertFalse(bare.poolOnStack, "new Jedis(...) per operation");
        assertNotSame(site, bare, "the same line under another trail is another call site");
    }

    @Test
    void withoutALibraryTheAnswerIsTheBareFrame() {
        CallSites cs = new CallSites(true, 0, List.of());
        StackWalker.StackFrame frame = in(APP, cs::capture);
        assertFalse(frame instanceof LibraryFrame, "nothing to carry: no wrapper");
        CallSite site = cs.resolve(frame);
        assertNull(site.library);
        assertEquals(APP + ".get(Unknown Source)", site.toString());
    }

    @Test
    void aLibrarysOwnThreadHasALibraryOnlyCallSite() throws Exception {
        CallSites cs = new CallSites(true, 0, List.of());
        StackWalker.StackFrame frame = onFreshThread(() -> in("jdk.internal.net.http.StandIn", cs::capture));
        assertNotNull(frame, "no application frame, but a library's");
        CallSite site = cs.resolve(frame);
        assertFalse(site.hasApplicationFrame());
        assertNull(site.function);
        assertEquals(ClientLibrary.JDK_HTTP_CLIENT, site.library);
        assertEquals("(no application frame, in the JDK HttpClient)", site.toString());

        assertNull(onFreshThread(() -> in("org.apache.commons.pool2.impl.StandInPool", cs::capture)),
                "a pool's thread with no library and no application frame: nothing to name");
    }

    @Test
    void aThreadChurningFromOneLineTakesItsLastAnswerAgain() {
        CallSites cs = new CallSites(true, 0, List.of());
        List<StackWalker.StackFrame> answers = in(APP, () -> in("okhttp3.internal.connection.StandInConnection", () -> {
            List<StackWalker.StackFrame> out = new ArrayList<>();
            // Each walks (the burst allows 64); the answer is the same code location each time.
            for (int i = 0; i < 3; i++) out.add(cs.capture("dest", System.nanoTime()));
            return out;
        }));
        assertTrue(answers.get(0) instanceof LibraryFrame);
        assertSame(answers.get(0), answers.get(1), "no new object for the same answer");
        assertSame(answers.get(0), answers.get(2));
    }

    @Test
    void anotherLibraryUnderTheSameLineIsAnotherAnswer() {
        CallSites cs = new CallSites(true, 0, List.of());
        StackWalker.StackFrame[] answers = new StackWalker.StackFrame[3];
        in(APP, () -> {
            // One application frame (the generated get() calls this lambda once): the same code location.
            answers[0] = in("okhttp3.StandInA", () -> cs.capture("dest", System.nanoTime()));
            answers[1] = in("okhttp3.StandInB", () -> cs.capture("dest", System.nanoTime()));
            answers[2] = in("redis.clients.jedis.StandIn", () -> cs.capture("dest", System.nanoTime()));
            return null;
        });
        assertSame(answers[0], answers[1], "same line, same library");
        assertNotSame(answers[1], answers[2]);
        assertEquals(ClientLibrary.OKHTTP, cs.resolve(answers[1]).library);
        assertEquals(ClientLibrary.JEDIS, cs.resolve(answers[2]).library);
    }

    @Test
    void aJdbcOriginCarriesTheLibraryToo() {
        CallSites cs = new CallSites(true, 0, List.of());
        CallSites.Origin origin = in(APP, () -> in("com.zaxxer.hikari.pool.StandInPool", cs::captureOrigin));
        assertEquals("hikari", origin.pool);
        CallSite site = cs.resolve(origin.frame);
        assertEquals(APP + ".get", site.function);
        assertEquals(ClientLibrary.JDBC_POOL, site.library);
    }

    @Test
    void theSkipListTellsTheLibrariesApartFromTheirBroaderPackages() {
        FramePrefixes p = new FramePrefixes(CallSites.DEFAULT_SKIP);
        assertEquals(ClientLibrary.JDK_HTTP_CLIENT, FramePrefixes.library(p.codeOf("jdk.internal.net.http.HttpClientImpl")),
                "not taken for the JDK's \"jdk.\"");
        assertEquals(0, p.codeOf("jdk.internal.misc.Unsafe"));
        assertEquals(ClientLibrary.JDBC_DRIVER_MANAGER, FramePrefixes.library(p.codeOf("java.sql.DriverManager")));
        assertEquals(0, p.codeOf("java.net.Socket"));
        assertEquals(FramePrefixes.APPLICATION, p.codeOf("com.example.App"));
        assertTrue(FramePrefixes.poolOnStack(p.codeOf("org.apache.commons.pool2.impl.GenericObjectPool")));
        assertNull(FramePrefixes.library(p.codeOf("org.apache.commons.pool2.impl.GenericObjectPool")));
    }
}
