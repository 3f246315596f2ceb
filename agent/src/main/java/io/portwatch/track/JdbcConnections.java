package io.portwatch.track;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The JDBC connections the tracker follows, from the driver's connect to the connection's close:
 * their records, what their URL says, and the pool that opened them. On the tracker thread only.
 * A JDBC connection's sockets are tracked as any others; {@link #connecting} is how a socket
 * opened inside a driver's connect finds the JDBC connection it belongs to.
 */
final class JdbcConnections {

    /** Driver connects in progress, by their scope (identity: JdbcScope keeps Object's equals). */
    private final Map<JdbcScope, JdbcRecord> connecting = new HashMap<>();
    private final OpenConnections<JdbcRecord> open;
    /** What each JDBC URL says (redacted URL, system, database, host, port): the same at every connect. */
    private final UrlCache<JdbcUrls.Facts> urlFacts = new UrlCache<>(new Function<String, JdbcUrls.Facts>() {
        @Override
        public JdbcUrls.Facts apply(String url) {
            return JdbcUrls.Facts.of(url); // not JdbcUrls.Facts::of: see UrlCache
        }
    });
    private final AtomicLong ids;
    private final CallSites callSites;
    private final AtomicLong untracked;
    private final Reporter reporter;

    /**
     * @param ids       the tracker's record ids, shared with its socket records
     * @param untracked the tracker's count of connections not tracked, {@code maxOpen} being reached
     */
    JdbcConnections(int maxOpen, AtomicLong ids, CallSites callSites, AtomicLong untracked, Reporter reporter) {
        this.open = new OpenConnections<>(maxOpen);
        this.ids = ids;
        this.callSites = callSites;
        this.untracked = untracked;
        this.reporter = reporter;
    }

    /** A driver's connect began. */
    void started(Event e) {
        connecting.put(e.jdbcScope, new JdbcRecord(ids.incrementAndGet(), e.startNanos, e.threadName));
    }

    /** The JDBC connection whose driver's connect is under way in {@code scope}, or null. */
    JdbcRecord connecting(JdbcScope scope) {
        return connecting.get(scope);
    }

    /** The driver's connect returned, or threw: the connection is open, or failed. */
    void connected(Event e) {
        JdbcRecord j = connecting.remove(e.jdbcScope);
        if (e.connection == null && e.error == null) {
            return; // the driver does not take this URL: DriverManager asks every driver in turn
        }
        if (j == null) { // its start event was dropped
            j = new JdbcRecord(ids.incrementAndGet(), e.startNanos, e.threadName);
        }
        JdbcUrls.Facts url = urlFacts.get(e.url);
        j.redactedUrl = url.redactedUrl;
        j.system = url.system;
        j.database = url.database;
        j.host = url.host;
        j.port = url.port;
        j.driverClass = e.driverClass;
        j.pool = e.pool;
        j.poolKnown = e.flag;
        j.poolName = poolName(e.threadName);
        j.callSite = callSites.resolve(e.callSite);
        j.secrets = e.secrets == null ? j.secrets : e.secrets;
        j.connectedNanos = e.nanos;
        if (e.error != null) {
            j.errorType = jdbcErrorType(e.error);
            j.errorMessage = JdbcUrls.scrub(String.valueOf(e.error.getMessage()), j.secrets);
            end(j, ConnectionEnd.FAILED, e.nanos);
        } else if (!open.put(e.connection, j)) {
            untracked.incrementAndGet();
        }
    }

    /** The errno name of a socket failure anywhere in the cause chain, else the exception's class. */
    private static String jdbcErrorType(Throwable error) {
        for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.io.IOException) {
                String type = ConnectErrors.errorType(t);
                if (!type.contains(".")) return type;
            }
        }
        return error.getClass().getName();
    }

    private static final String[] POOL_THREAD_SUFFIXES = {":connection-adder", " connection adder"};

    /**
     * HikariCP opens connections on threads named "{pool name}:connection-adder" (6.x) or
     * "{pool name} connection adder" (earlier); its name is the pool's.
     */
    private static String poolName(String threadName) {
        if (threadName == null) return null;
        for (String suffix : POOL_THREAD_SUFFIXES) {
            if (threadName.endsWith(suffix)) return threadName.substring(0, threadName.length() - suffix.length());
        }
        return null;
    }

    private void end(JdbcRecord j, ConnectionEnd how, long nanos) {
        j.end = how;
        j.endNanos = nanos;
        reporter.jdbcEnded(j);
    }

    /** The application closed (or aborted) a JDBC connection. */
    void closed(Event e) {
        JdbcRecord j = open.remove(e.connection);
        if (j != null) {
            j.aborted = e.flag;
            end(j, ConnectionEnd.CLOSED, e.nanos);
        }
    }

    /** Those the application dropped without closing, now collected by the GC. */
    void endCollected(long now) {
        for (JdbcRecord j : open.expungeCollected()) {
            end(j, ConnectionEnd.COLLECTED, now);
        }
    }

    /** At exit: the open ones end as open at exit, the connects under way as abandoned. */
    void endAll(long now) {
        for (JdbcRecord j : open.removeAll()) {
            end(j, ConnectionEnd.OPEN_AT_EXIT, now);
        }
        for (JdbcRecord j : connecting.values()) {
            end(j, ConnectionEnd.ABANDONED, now);
        }
        connecting.clear();
    }
}
