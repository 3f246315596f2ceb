package io.portwatch.track;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.MethodCall;
import net.bytebuddy.matcher.ElementMatchers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static io.portwatch.track.GeneratedCallers.in;
import static io.portwatch.track.GeneratedCallers.onFreshThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallSitesTest {

    /**
     * This test lives in {@code io.portwatch.track.}, which {@link CallSites} always skips; so the
     * "application" is a class generated at run time in {@code com.example.app}, whose only method
     * runs the given code. Its frame has no line table.
     */
    static final class AppCode {
        static final String CLASS = "com.example.app.Caller";

        static <T> T call(Callable<T> body) {
            return GeneratedCallers.in(CLASS, body);
        }
    }

    @Test
    void defaultPrefixesAreNotTheApplication() {
        CallSites cs = new CallSites(true, 0, List.of());
        for (String c : new String[] {"java.net.Socket", "javax.net.ssl.SSLSocket", "jdk.internal.Foo",
                "sun.nio.ch.SocketChannelImpl", "com.sun.Foo", "io.portwatch.track.Tracker",
                "io.portwatch.bootstrap.Bridge", "io.portwatch.shaded.okhttp3.Call",
                "com.mysql.cj.jdbc.Driver", "org.mariadb.jdbc.Driver", "org.postgresql.Driver",
                "com.zaxxer.hikari.pool.HikariPool", "org.apache.commons.dbcp2.BasicDataSource",
                "okhttp3.RealCall", "io.netty.bootstrap.Bootstrap", "kotlinx.coroutines.Dispatchers",
                "reactor.core.publisher.LambdaMonoSubscriber", "reactor.util.context.Context1"}) {
            assertFalse(cs.isApplication(c), c);
        }
        for (String c : new String[] {"com.example.Writer", "sunny.App", "javafx.App", "org.acme.Main",
                "okhttp.NotOkhttp3", "comsun.X"}) {
            assertTrue(cs.isApplication(c), c);
        }
    }

    @Test
    void extraPrefixesAddToTheDefaults() {
        CallSites cs = new CallSites(true, 0, List.of("com.example.lib.", "org.acme."));
        assertFalse(cs.isApplication("com.example.lib.Client"));
        assertFalse(cs.isApplication("org.acme.Main"));
        assertFalse(cs.isApplication("java.net.Socket"), "defaults still apply");
        assertTrue(cs.isApplication("com.example.App"));
    }

    @Test
    void captureReturnsTheFirstApplicationFrame() {
        CallSites cs = new CallSites(true, 0, List.of("org.junit."));
        StackWalker.StackFrame frame = AppCode.call(cs::capture);
        assertNotNull(frame);
        assertEquals(AppCode.CLASS, frame.getClassName());
        assertEquals("get", frame.getMethodName());

        CallSite site = cs.resolve(frame);
        assertEquals(AppCode.CLASS + ".get", site.function);
        assertNull(site.file, "generated class: no source file");
        assertEquals(-1, site.line);
        assertEquals(AppCode.CLASS + ".get(Unknown Source)", site.toString());
    }

    @Test
    void captureIsNullWhenEveryFrameIsSkipped() throws Exception {
        CallSites cs = new CallSites(true, 0, List.of());
        assertNull(onFreshThread(cs::capture));

        CallSites skipsTheApp = new CallSites(true, 0, List.of("com.example.app."));
        assertNull(onFreshThread(() -> AppCode.call(skipsTheApp::capture)));
    }

    @Test
    void disabledNeverWalks() {
        CallSites cs = new CallSites(false, 0, List.of());
        assertNull(AppCode.call(cs::capture));
        assertNull(AppCode.call(cs::captureOrigin), "no walk, so no pool known either");
    }

    @Test
    void noLimitWhenZero() {
        CallSites cs = new CallSites(true, 0, List.of());
        List<StackWalker.StackFrame> frames = AppCode.call(() -> {
            List<StackWalker.StackFrame> out = new ArrayList<>();
            for (int i = 0; i < 200; i++) out.add(cs.capture());
            return out;
        });
        for (StackWalker.StackFrame f : frames) assertNotNull(f);
    }

    private static long window() {
        return System.nanoTime() >>> 30; // the same ~1.07 s windows CallSites uses
    }

    /** Sleeps until a rate-limit window has just begun. */
    private static void awaitNextWindow() throws InterruptedException {
        long w = window();
        while (window() == w) Thread.sleep(1);
    }

    @Test
    void rateLimitedPerWindow() throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            CallSites cs = new CallSites(true, 3, List.of());
            awaitNextWindow();
            long before = window();
            List<Object> walks = AppCode.call(() -> {
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < 5; i++) out.add(i % 2 == 0 ? cs.capture() : cs.captureOrigin());
                return out;
            });
            if (window() != before) continue; // crossed into the next window: not conclusive, again
            // a driver connect's walk counts against the same limit as a socket's
            for (int i = 0; i < 3; i++) assertNotNull(walks.get(i), "walk " + i + " within the limit");
            assertNull(walks.get(3), "a connect's origin past the limit");
            assertNull(walks.get(4), "a socket's call site past the limit");

            awaitNextWindow();
            assertNotNull(AppCode.call(cs::capture), "a new window allows walks again");
            return;
        }
        throw new AssertionError("three attempts each crossed a window boundary");
    }

    @Test
    void resolveCachesPerFrame() {
        CallSites cs = new CallSites(true, 0, List.of());
        List<StackWalker.StackFrame> frames = AppCode.call(() -> {
            List<StackWalker.StackFrame> out = new ArrayList<>();
            for (int i = 0; i < 2; i++) out.add(cs.capture()); // two frames, same code location
            return out;
        });
        assertSame(cs.resolve(frames.get(0)), cs.resolve(frames.get(0)));
        assertSame(cs.resolve(frames.get(0)), cs.resolve(frames.get(1)));
        assertNull(cs.resolve(null));
    }

    @Test
    void callSiteToStringIsTheStackTraceForm() {
        assertEquals("a.B.c(B.java:42)", new CallSite("a.B.c", "B.java", 42).toString());
        assertEquals("a.B.c(B.java)", new CallSite("a.B.c", "B.java", -1).toString());
        assertEquals("a.B.c(Unknown Source)", new CallSite("a.B.c", null, 7).toString());
        CallSite fromElement = CallSite.of(new StackTraceElement("a.B", "c", "B.java", 9));
        assertEquals("a.B.c", fromElement.function);
        assertEquals("B.java", fromElement.file);
        assertEquals(9, fromElement.line);
    }

    /** A {@link java.sql.Driver} of the given class name whose {@code connect} runs {@code body}. */
    private static java.sql.Driver driver(String className, Callable<?> body) {
        try {
            return (java.sql.Driver) new ByteBuddy()
                    .subclass(Object.class)
                    .implement(java.sql.Driver.class)
                    .name(className)
                    .method(ElementMatchers.named("connect"))
                    .intercept(MethodCall.call(body)) // its result cast dynamically: null here
                    .make()
                    .load(CallSitesTest.class.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER)
                    .getLoaded()
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the walks inside one driver connect found. */
    private static final class Walks {
        final JdbcScope scope = new JdbcScope(0);
        /** The socket's: {@code capture()} and {@code captureWithOrigin()}, from the same frame. */
        StackWalker.StackFrame capture;
        StackWalker.StackFrame withOrigin;
        /** The connect end's {@code captureOrigin()}, from inside the outer connect. */
        CallSites.Origin atEnd;
    }

    private static StackTraceElement element(StackWalker.StackFrame f) {
        return f == null ? null : f.toStackTraceElement();
    }

    /**
     * The application ({@code com.example.app.Caller}) calls, through {@code pool} if not null, the
     * driver {@code outer}, which opens a socket in {@code internals} if not null, through the
     * driver {@code inner} if not null.
     */
    private static Walks connect(CallSites cs, String pool, String outer, String inner, String internals,
                                 boolean countNested) {
        Walks w = new Walks();
        Callable<Object> socket = () -> {
            w.capture = cs.capture();
            w.withOrigin = cs.captureWithOrigin(w.scope);
            return null;
        };
        Callable<Object> opens = internals == null ? socket : () -> in(internals, socket);
        Callable<Object> outerBody;
        if (inner == null) {
            outerBody = () -> {
                opens.call();
                w.atEnd = cs.captureOrigin();
                return null;
            };
        } else {
            java.sql.Driver innerDriver = driver(inner, opens);
            if (countNested) w.scope.depth++;
            w.scope.nested(innerDriver.getClass());
            outerBody = () -> {
                innerDriver.connect("jdbc:inner:x", null);
                w.atEnd = cs.captureOrigin();
                return null;
            };
        }
        java.sql.Driver outerDriver = driver(outer, outerBody);
        w.scope.driverClass = outerDriver.getClass();
        Callable<Object> call = () -> outerDriver.connect("jdbc:outer:x", null);
        AppCode.call(pool == null ? call : () -> in(pool, call));
        return w;
    }

    private static void assertOneWalkFindsWhatTwoDid(Walks w) {
        assertNotNull(w.capture);
        assertEquals(element(w.capture), element(w.withOrigin), "the socket's call site");
        assertNotNull(w.scope.origin, "the origin found on the way");
        assertEquals(element(w.atEnd.frame), element(w.scope.origin.frame), "the connect's call site");
        assertEquals(w.atEnd.pool, w.scope.origin.pool, "the pool");
        assertTrue(w.scope.originWalked);
    }

    @Test
    void aSocketInsideADriverConnectFindsTheConnectsOriginToo() {
        CallSites cs = new CallSites(true, 0, List.of("org.junit."));
        Walks w = connect(cs, null, "com.mysql.fake.Driver", null, null, true);
        assertOneWalkFindsWhatTwoDid(w);
        assertEquals(AppCode.CLASS, w.scope.origin.frame.getClassName());
        assertNull(w.scope.origin.pool);

        Walks pooled = connect(cs, "com.zaxxer.hikari.fake.Pool", "org.postgresql.fake.Driver", null, null, true);
        assertOneWalkFindsWhatTwoDid(pooled);
        assertEquals("hikari", pooled.scope.origin.pool);
    }

    @Test
    void applicationFramesBelowTheDriverAreTheSocketsNotTheConnects() {
        // as Oracle's driver opens its sockets in oracle.net, which is not skipped
        CallSites cs = new CallSites(true, 0, List.of("org.junit."));
        Walks w = connect(cs, "com.zaxxer.hikari.fake.Pool", "oracle.jdbc.fake.Driver", null, "oracle.net.fake.Adapter", true);
        assertOneWalkFindsWhatTwoDid(w);
        assertEquals("oracle.net.fake.Adapter", w.withOrigin.getClassName());
        assertEquals(AppCode.CLASS, w.scope.origin.frame.getClassName());
        assertEquals("hikari", w.scope.origin.pool);
    }

    @Test
    void aDriverWrappingADriver() {
        CallSites cs = new CallSites(true, 0, List.of("org.junit."));
        Walks w = connect(cs, null, "com.mysql.fake.Outer", "org.mariadb.jdbc.fake.Inner", null, true);
        assertOneWalkFindsWhatTwoDid(w);
        assertEquals(AppCode.CLASS, w.scope.origin.frame.getClassName());
    }

    @Test
    void theConnectsEndWalksWhenOneWalkCannotTell() {
        CallSites cs = new CallSites(true, 0, List.of("org.junit."));
        // a driver that is not skipped: the connect's call site is its own frame, at the line it returns from
        Walks appDriver = connect(cs, null, "com.example.drivers.Driver", null, null, true);
        assertEquals(element(appDriver.capture), element(appDriver.withOrigin));
        assertEquals("com.example.drivers.Driver", appDriver.withOrigin.getClassName());
        assertNull(appDriver.scope.origin);

        // more connect frames on the stack than the scope counts
        Walks uncounted = connect(cs, null, "com.mysql.fake.Outer", "org.mariadb.jdbc.fake.Inner", null, false);
        assertEquals(element(uncounted.capture), element(uncounted.withOrigin));
        assertNull(uncounted.scope.origin);
    }

    /**
     * A driver with another method named {@code connect}, called by its {@code connect(String,
     * Properties)}: the walk cannot tell the two apart by their frames (JDK 25 gives no descriptor
     * to this walker), counts one connect frame too many, and leaves the origin to the end.
     */
    @Test
    void aDriversOtherConnectMethodLeavesTheOriginToTheEnd() throws Exception {
        CallSites cs = new CallSites(true, 0, List.of("org.junit."));
        Walks w = new Walks();
        Callable<Object> socket = () -> {
            w.capture = cs.capture();
            w.withOrigin = cs.captureWithOrigin(w.scope);
            return null;
        };
        java.sql.Driver driver = (java.sql.Driver) new ByteBuddy()
                .subclass(Object.class)
                .implement(java.sql.Driver.class)
                .name("com.mysql.fake.HelperDriver")
                .defineMethod("connect", Object.class, net.bytebuddy.description.modifier.Visibility.PUBLIC)
                .withParameters(int.class)
                .intercept(MethodCall.call(socket))
                .method(ElementMatchers.named("connect").and(ElementMatchers.takesArguments(String.class, java.util.Properties.class)))
                .intercept(MethodCall.invoke(ElementMatchers.named("connect").and(ElementMatchers.takesArguments(int.class)))
                        .with(1)
                        .withAssigner(net.bytebuddy.implementation.bytecode.assign.Assigner.DEFAULT,
                                net.bytebuddy.implementation.bytecode.assign.Assigner.Typing.DYNAMIC))
                .make()
                .load(CallSitesTest.class.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER)
                .getLoaded()
                .getDeclaredConstructor().newInstance();
        w.scope.driverClass = driver.getClass();
        AppCode.call(() -> driver.connect("jdbc:mysql://x", null));

        assertNotNull(w.capture);
        assertEquals(element(w.capture), element(w.withOrigin), "the socket's call site as ever");
        assertTrue(w.scope.originWalked);
        assertNull(w.scope.origin, "not sure which connect is the outer one: the end walks");
    }

    @Test
    void noWalkNoOrigin() {
        Walks off = connect(new CallSites(false, 0, List.of()), null, "com.mysql.fake.Driver", null, null, true);
        assertNull(off.withOrigin);
        assertNull(off.scope.origin);
        assertFalse(off.scope.originWalked);
    }
}
