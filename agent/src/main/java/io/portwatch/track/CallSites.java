package io.portwatch.track;

import io.portwatch.clients.ClientLibrary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finds the first application frame on the stack of a thread that opens a connection: not the
 * JDK, not the agent, not a JDBC driver, pool or network client library.
 *
 * <p>Walking the stack is the one costly thing the agent does on an application thread (5–10 µs
 * and 2–6 KB of garbage), so it is bounded twice. Per thread and destination ({@link RecentWalks}),
 * the first connections are walked one by one, then a few a second, and the connections in
 * between take the last walk's answer. And JVM-wide, at most {@code limitPerSecond} walks a
 * second; past that, a connection with no earlier walk to take from is recorded without a call
 * site. Frames are turned into {@link CallSite}s later, on the tracker thread, and cached there.
 *
 * <p>The walk also notes the client library whose frames it passes between the socket and the
 * application frame ({@link FramePrefixes}): the same test per frame that skips them, so the
 * library costs no extra walk, and rides with the frame ({@link LibraryFrame}) to be cached with
 * its call site.
 */
public final class CallSites {

    /** Class-name prefixes that are never "the application". */
    public static final List<String> DEFAULT_SKIP = Arrays.asList(
            "java.", "javax.", "jdk.", "sun.", "com.sun.",
            "io.portwatch.track.", "io.portwatch.bootstrap.", "io.portwatch.shaded.",
            // JDBC drivers
            "com.mysql.", "org.mariadb.jdbc.", "org.postgresql.", "oracle.jdbc.", "com.microsoft.sqlserver.",
            "org.h2.", "org.hsqldb.", "org.sqlite.", "org.apache.derby.", "com.ibm.db2.",
            // connection pools
            "com.zaxxer.hikari.", "org.apache.commons.dbcp", "org.apache.tomcat.jdbc.", "com.mchange.",
            "io.agroal.", "org.vibur.",
            // network client libraries
            "okhttp3.", "okio.", "org.apache.http.", "org.apache.hc.", "io.netty.", "reactor.netty.",
            "io.grpc.", // its own code and the Netty it shades (io.grpc.netty.shaded.io.netty.)
            "io.lettuce.", "redis.clients.jedis.", "org.apache.commons.pool2.",
            // Project Reactor's operators, between Lettuce's or Reactor Netty's frames and the
            // application's when a Mono is subscribed on the application's thread
            "reactor.core.", "reactor.util.",
            "kotlin.", "kotlinx.coroutines.");

    /** Connection pools by package, and the name the spans give them ({@code portwatch.pool}). */
    private static final String[][] POOLS = {
            {"com.zaxxer.hikari.", "hikari"}, {"org.apache.commons.dbcp", "dbcp"},
            {"org.apache.tomcat.jdbc.pool.", "tomcat-jdbc"}, {"com.mchange.v2.c3p0.", "c3p0"},
            {"io.agroal.", "agroal"}, {"org.vibur.", "vibur"}};

    private static final int CACHE_LIMIT = 4096;

    private final boolean enabled;
    private final int limitPerSecond;
    private final FramePrefixes prefixes;
    private final StackWalker walker = StackWalker.getInstance();
    /** Per thread: the walk to the first application frame, reused (it holds the trail it saw). */
    private final ThreadLocal<FrameScan> scans;
    /** Rate-limit window: the high 32 bits are the window number, the low 32 the walks in it. */
    private final AtomicLong window = new AtomicLong();
    /** By {@link StackTraceElement}, or by {@link SiteKey} for a frame whose walk passed a library or pool. */
    private final Map<Object, CallSite> cache = new HashMap<>();
    /* Subclasses, not ThreadLocal.withInitial(RecentWalks::new): built before main, where each lambda is a class the JVM spins. */
    private final ThreadLocal<RecentWalks> recentWalks = new ThreadLocal<RecentWalks>() {
        @Override
        protected RecentWalks initialValue() {
            return new RecentWalks();
        }
    };
    /** Frames {@link #resolve} saw lately, by identity, and their call sites; tracker thread only. */
    private static final int RESOLVED_SLOTS = 64;
    private final StackWalker.StackFrame[] resolvedFrames = new StackWalker.StackFrame[RESOLVED_SLOTS];
    private final CallSite[] resolvedSites = new CallSite[RESOLVED_SLOTS];

    /**
     * @param enabled        false: never walk the stack
     * @param limitPerSecond most walks per second, JVM-wide; 0 means no limit
     * @param extraSkip      more class-name prefixes to skip, added to {@link #DEFAULT_SKIP}
     */
    public CallSites(boolean enabled, int limitPerSecond, List<String> extraSkip) {
        this.enabled = enabled;
        this.limitPerSecond = limitPerSecond;
        List<String> all = new ArrayList<>(DEFAULT_SKIP);
        all.addAll(extraSkip);
        this.prefixes = new FramePrefixes(all);
        FramePrefixes p = prefixes;
        this.scans = new ThreadLocal<FrameScan>() {
            @Override
            protected FrameScan initialValue() {
                return new FrameScan(p);
            }
        };
    }

    /**
     * The call site of a connection toward {@code destination} opened on this thread: walked, or
     * the answer of this thread's last walk for the same destination ({@link RecentWalks}).
     */
    StackWalker.StackFrame capture(Object destination, long nowNanos) {
        if (!enabled) {
            return null;
        }
        RecentWalks.Entry recent = recentWalks.get().entry(destination, nowNanos);
        if (recent.mayWalk(nowNanos) && withinLimit()) {
            recent.walked(walkToApplication(recent.answer));
        }
        return (StackWalker.StackFrame) recent.answer;
    }

    /** The first application frame, with the libraries passed on the way; {@code previous}: the last answer, taken again when the same. */
    private StackWalker.StackFrame walkToApplication(Object previous) {
        FrameScan scan = scans.get();
        StackWalker.StackFrame frame = walker.walk(scan);
        return LibraryFrame.of(previous, frame, scan.trail);
    }

    /**
     * {@link #captureWithOrigin(JdbcScope)} for a socket toward {@code destination}, bounded like
     * {@link #capture(Object, long)}; when this thread's last walk is taken instead, the origin is
     * left to the connect's end ({@link #origin}).
     */
    StackWalker.StackFrame captureWithOrigin(JdbcScope scope, Object destination, long nowNanos) {
        if (!enabled) {
            return null;
        }
        RecentWalks.Entry recent = recentWalks.get().entry(destination, nowNanos);
        if (recent.mayWalk(nowNanos) && withinLimit()) {
            recent.walked(captureWalking(scope, recent.answer));
        }
        return (StackWalker.StackFrame) recent.answer;
    }

    /**
     * Where the driver connect of {@code scope} came from: found by its first socket's walk, or
     * walked now, or this thread's last answer for the same URL, bounded like
     * {@link #capture(Object, long)}. Null when off or when no walk was allowed yet.
     */
    Origin origin(JdbcScope scope, long nowNanos) {
        if (!enabled) {
            return null;
        }
        RecentWalks.Entry recent = recentWalks.get().entry(scope.url, nowNanos);
        if (scope.origin != null) {
            recent.walked(scope.origin);
        } else if (recent.mayWalk(nowNanos) && withinLimit()) {
            recent.walked(walkOrigin());
        }
        return (Origin) recent.answer;
    }

    /** The caller's first application frame, or null when off, over the limit or none found. */
    StackWalker.StackFrame capture() {
        if (!enabled || !withinLimit()) {
            return null;
        }
        return walkToApplication(null);
    }

    /** Where a physical database connection came from: the application frame, and the pool if any. */
    static final class Origin {
        final StackWalker.StackFrame frame;
        final String pool;

        Origin(StackWalker.StackFrame frame, String pool) {
            this.frame = frame;
            this.pool = pool;
        }
    }

    /**
     * The first application frame and the pool (if a pool's frame is on the stack) of a driver
     * connect. A pool's frames lie between the driver's and the application's (the application
     * asks the pool, the pool asks the driver), so the walk ends at the first application frame,
     * like {@link #capture()}; only a thread with no application frame at all (a pool's own) is
     * walked to its end. Null when off or over the limit: a connect is not cheap enough to walk
     * every time (the founding incident's churn opens thousands a second, and at ~30 frames of
     * driver code a walk costs 5-8 us on its thread), and then the pool is not known.
     */
    Origin captureOrigin() {
        if (!enabled || !withinLimit()) {
            return null;
        }
        return walkOrigin();
    }

    private Origin walkOrigin() {
        return walker.walk(frames -> {
            String pool = null;
            int trail = 0;
            for (java.util.Iterator<StackWalker.StackFrame> it = frames.iterator(); it.hasNext(); ) {
                StackWalker.StackFrame f = it.next();
                String name = f.getClassName();
                int code = prefixes.codeOf(name);
                if (code == FramePrefixes.APPLICATION) return new Origin(LibraryFrame.of(null, f, trail), pool);
                trail = FramePrefixes.pass(trail, code);
                if (pool == null) pool = poolOf(name);
            }
            return new Origin(LibraryFrame.of(null, null, trail), pool);
        });
    }

    /**
     * {@link #capture()} for a socket opened inside a driver connect, whose end would walk the same
     * stack again ({@link #captureOrigin()}): the one walk returns the socket's frame, exactly as
     * {@code capture()} finds it, and goes on, past the frame of the scope's outer
     * {@code connect}, to the connect's origin, which it leaves in {@code scope.origin} for the
     * connect's end. The frames above that {@code connect} are the same now as when it returns, so
     * the origin is the one the end would find. It is left null (the end walks) when the walk
     * cannot be sure which frame is the outer {@code connect}, or when that frame is itself the
     * application's: the line it returns from is not known yet. Rate limited like {@code capture()}.
     */
    StackWalker.StackFrame captureWithOrigin(JdbcScope scope) {
        if (!enabled || !withinLimit()) {
            return null;
        }
        return captureWalking(scope, null);
    }

    private StackWalker.StackFrame captureWalking(JdbcScope scope, Object previous) {
        scope.originWalked = true;
        return walker.walk(frames -> {
            StackWalker.StackFrame first = null;
            int trail = 0; // up to the first application frame
            int originTrail = 0; // up to the origin's
            int connects = scope.depth + 1; // the outer connect and the nested ones still running
            int seen = 0;
            String pool = null;
            boolean done = false; // the origin found, or given up
            for (java.util.Iterator<StackWalker.StackFrame> it = frames.iterator(); it.hasNext(); ) {
                StackWalker.StackFrame f = it.next();
                String name = f.getClassName();
                int code = prefixes.codeOf(name);
                boolean application = code == FramePrefixes.APPLICATION;
                if (first == null) {
                    if (application) first = f;
                    else trail = FramePrefixes.pass(trail, code);
                }
                if (!done && !application) originTrail = FramePrefixes.pass(originTrail, code);
                if (!done) {
                    if (scope.isConnectFrame(f)) {
                        seen++;
                        // more connect frames than the scope counts, or the outer one is the origin
                        done = seen > connects || (seen == connects && application);
                        pool = poolOf(name); // the end's walk starts at the outer connect's frame
                    } else if (seen == connects) {
                        if (pool == null) pool = poolOf(name);
                        if (application) {
                            scope.origin = new Origin(LibraryFrame.of(null, f, originTrail), pool);
                            done = true;
                        }
                    }
                }
                if (done && first != null) break;
            }
            if (!done && seen == connects) {
                // no application frame above the connect: a pool's own thread, say
                scope.origin = new Origin(LibraryFrame.of(null, null, originTrail), pool);
            }
            // Without an application frame the walk went to the stack's end: the trail is whole.
            return LibraryFrame.of(previous, first, trail);
        });
    }

    static String poolOf(String className) {
        for (String[] p : POOLS) {
            if (className.startsWith(p[0])) return p[1];
        }
        return null;
    }

    boolean isApplication(String className) {
        return prefixes.codeOf(className) == FramePrefixes.APPLICATION;
    }

    private boolean withinLimit() {
        if (limitPerSecond <= 0) {
            return true;
        }
        long now = (System.nanoTime() >>> 30) & 0xFFFF_FFFFL; // windows of ~1.07 s
        while (true) {
            long cur = window.get();
            long next;
            if ((cur >>> 32) != now) {
                next = (now << 32) | 1;
            } else if ((cur & 0xFFFF_FFFFL) < limitPerSecond) {
                next = cur + 1;
            } else {
                return false;
            }
            if (window.compareAndSet(cur, next)) {
                return true;
            }
        }
    }

    /** The call site of a captured frame; tracker thread only (the cache is not thread-safe). */
    CallSite resolve(StackWalker.StackFrame frame) {
        if (frame == null) {
            return null;
        }
        // Connections between two walks share their frame object ({@link RecentWalks}): looked up
        // by identity first, which spares a StackTraceElement per connection.
        int slot = System.identityHashCode(frame) & (RESOLVED_SLOTS - 1);
        if (resolvedFrames[slot] == frame) {
            return resolvedSites[slot];
        }
        StackWalker.StackFrame bare = frame;
        int trail = 0;
        if (frame instanceof LibraryFrame) {
            bare = ((LibraryFrame) frame).frame;
            trail = ((LibraryFrame) frame).trail;
        }
        ClientLibrary library = FramePrefixes.library(trail);
        if (bare == null && library == null) {
            return null; // a pool's frames but no library's, and no application frame: nothing to name
        }
        StackTraceElement e = bare == null ? null : bare.toStackTraceElement();
        Object key = trail == 0 ? e : new SiteKey(e, trail);
        CallSite site = cache.get(key);
        if (site == null) {
            boolean pooled = FramePrefixes.poolOnStack(trail);
            site = e == null ? CallSite.inside(library, pooled) : CallSite.of(e, library, pooled);
            if (cache.size() < CACHE_LIMIT) {
                cache.put(key, site);
            }
        }
        resolvedFrames[slot] = frame;
        resolvedSites[slot] = site;
        return site;
    }

    /** A call site's cache key when its walk passed a library or pool: the same line under another library is another call site. */
    private static final class SiteKey {
        final StackTraceElement element; // null: no application frame
        final int trail;

        SiteKey(StackTraceElement element, int trail) {
            this.element = element;
            this.trail = trail;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof SiteKey)) return false;
            SiteKey k = (SiteKey) o;
            return trail == k.trail && java.util.Objects.equals(element, k.element);
        }

        @Override
        public int hashCode() {
            return 31 * java.util.Objects.hashCode(element) + trail;
        }
    }
}
