package io.portwatch.track;

import io.portwatch.bootstrap.JdbcListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The application-thread half of JDBC tracking. A driver's {@code connect} opens a scope on its
 * thread, so the sockets opened inside it can be tied to it; its end captures the call site, the
 * pool if any, and, when it failed, the secrets to keep out of its message. A connect takes a
 * millisecond or more, yet a churning application makes thousands a second, so the stack walk is
 * bounded like a socket's ({@link CallSites#origin}), and it is taken from the walk of the
 * connect's first socket when that found it ({@link CallSites#captureWithOrigin}), rather than
 * walked for a second time.
 */
public final class JdbcEvents implements JdbcListener {

    private final EventRing ring;
    private final CallSites callSites;
    private final ThreadLocal<JdbcScope> current = new ThreadLocal<>();
    /** Classes of the connections drivers returned: the only ones whose close matters. */
    private final Set<Class<?>> physicalClasses = ConcurrentHashMap.newKeySet();
    /** The secrets in each URL: the same at every connect to it. */
    private final UrlCache<List<String>> urlSecrets = new UrlCache<>(new Function<String, List<String>>() {
        @Override
        public List<String> apply(String url) {
            return JdbcUrls.sharedSecretsIn(url); // not JdbcUrls::sharedSecretsIn: see UrlCache
        }
    });

    JdbcEvents(EventRing ring, CallSites callSites) {
        this.ring = ring;
        this.callSites = callSites;
    }

    /** The scope of the driver connect running on this thread, or null. */
    JdbcScope currentScope() {
        return current.get();
    }

    @Override
    public void connectStarted(Object driver, String url, Properties info) {
        if (AgentThreads.isCurrent()) {
            return;
        }
        JdbcScope scope = current.get();
        if (scope != null) {
            scope.depth++; // a driver wrapping a driver: the outer call is the one recorded
            scope.nested(driver.getClass());
            return;
        }
        scope = new JdbcScope(System.nanoTime());
        scope.driverClass = driver.getClass();
        scope.url = url;
        scope.info = info;
        current.set(scope);
        long seq = ring.claim();
        if (seq < 0) {
            return;
        }
        Event e = ring.slot(seq);
        e.kind = EventKind.JDBC_STARTED;
        e.jdbcScope = scope;
        e.startNanos = scope.startNanos;
        e.nanos = scope.startNanos;
        e.threadName = Thread.currentThread().getName();
        ring.publish(seq);
    }

    @Override
    public void connectEnded(Object driver, Object connection, Throwable error) {
        JdbcScope scope = current.get();
        if (scope == null) {
            return;
        }
        if (scope.depth > 0) {
            scope.depth--;
            return;
        }
        current.remove();
        if (connection != null) {
            physicalClasses.add(connection.getClass());
        }
        long now = System.nanoTime();
        CallSites.Origin origin = connection == null && error == null ? null : callSites.origin(scope, now);
        String threadName = Thread.currentThread().getName();
        // Only a failed connect's message is shown, so only then are the secrets looked for: read
        // while the call still runs (its Properties may change after it), not at every connect.
        List<String> secrets = error == null ? null : secretsOf(scope.url, scope.info);
        scope.info = null;
        long seq = ring.claim();
        if (seq < 0) {
            return;
        }
        Event e = ring.slot(seq);
        e.kind = EventKind.JDBC_CONNECTED;
        e.jdbcScope = scope;
        e.connection = connection;
        e.error = error;
        e.url = scope.url;
        e.secrets = secrets;
        e.driverClass = driver.getClass().getName();
        e.callSite = origin == null ? null : origin.frame;
        e.pool = origin == null ? null : origin.pool;
        e.flag = origin != null;
        e.threadName = threadName;
        e.startNanos = scope.startNanos;
        e.nanos = now;
        ring.publish(seq);
    }

    @Override
    public void closed(Object connection, boolean abort) {
        if (!physicalClasses.contains(connection.getClass()) || AgentThreads.isCurrent()) {
            return; // a pool's proxy, or a class no driver returned
        }
        ring.offer(EventKind.JDBC_CLOSED, connection, abort);
    }

    /** The URL's secrets, then those of the properties. */
    private List<String> secretsOf(String url, Properties info) {
        List<String> inUrl = urlSecrets.get(url);
        List<String> secrets = null;
        if (info != null) {
            for (String key : info.stringPropertyNames()) {
                String k = key.toLowerCase(java.util.Locale.ROOT);
                if (k.contains("password") || k.contains("pwd") || k.contains("secret") || k.contains("token")) {
                    if (secrets == null) secrets = new ArrayList<>(inUrl);
                    secrets.add(info.getProperty(key));
                }
            }
        }
        return secrets != null ? secrets : inUrl;
    }
}
