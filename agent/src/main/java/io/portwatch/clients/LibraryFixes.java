package io.portwatch.clients;

/**
 * The change that stops a churning call site, said in the words of the library under it: which
 * object to build once and share, or which setting to change; for a polling loop, which needs no
 * library, how to keep its connection. docs/remedies.md has the same per library, with when the
 * fix would not help. Null where the pattern points to no fix of its own (no churn, an unknown
 * library, or the peer closing first), and the caller says its general advice. No sentence holds
 * "; ": a warning's advice is its sentences joined by it.
 */
public final class LibraryFixes {

    private LibraryFixes() {}

    /** The fix in a few words, for a warning's main fix: "share one OkHttpClient". */
    public static String shortFix(ClientLibrary library, ChurnPattern pattern) {
        if (pattern == ChurnPattern.POLLING_LOOP) return "keep one connection open across the loop";
        if (library == null || !fixable(pattern)) return null;
        if (pattern == ChurnPattern.POOL_CHURN) {
            return library == ClientLibrary.JEDIS ? "build one JedisPool with maxIdle up to maxTotal"
                    : "build the pool once and let it keep its connections";
        }
        switch (library) {
            case JDK_HTTP_CLIENT: return "share one java.net.http.HttpClient";
            case HTTP_URL_CONNECTION: return "let HttpURLConnection keep connections alive";
            case OKHTTP: return "share one OkHttpClient";
            case APACHE_HTTPCLIENT_4:
            case APACHE_HTTPCLIENT_5: return "share one CloseableHttpClient with a PoolingHttpClientConnectionManager";
            case REACTOR_NETTY: return "share one Reactor Netty HttpClient with a pooled ConnectionProvider";
            case GRPC_JAVA: return "share one ManagedChannel";
            case LETTUCE: return "share one RedisClient and connection";
            case JEDIS: return "use one shared JedisPool";
            case JDBC_DRIVER_MANAGER:
            case JDBC_DRIVER: return "take connections from a pool such as HikariCP";
            default: return null;
        }
    }

    /** The fix as a sentence, naming the objects and settings. */
    public static String fix(ClientLibrary library, ChurnPattern pattern) {
        if (pattern == ChurnPattern.POLLING_LOOP) return POLLING_LOOP;
        if (library == null || !fixable(pattern)) return null;
        if (pattern == ChurnPattern.POOL_CHURN) return poolChurn(library);
        switch (library) {
            case JDK_HTTP_CLIENT:
                return "Build one java.net.http.HttpClient and share it: it is immutable and keeps its own connection"
                        + " pool, and a client built per request cannot reuse a connection (its connections close"
                        + " only when it is garbage collected, or closed on JDK 21+).";
            case HTTP_URL_CONNECTION:
                return "Let HttpURLConnection keep connections alive: leave http.keepAlive=true, read each response"
                        + " body to its end and close its stream instead of calling disconnect(), don't send"
                        + " Connection: close, and raise http.maxConnections (idle connections kept per destination,"
                        + " default 5) to the concurrency.";
            case OKHTTP:
                return "Build one OkHttpClient and share it (derive variants with newBuilder(), which share its"
                        + " ConnectionPool), and close each Response so its connection goes back to the pool.";
            case APACHE_HTTPCLIENT_4:
                return "Build one CloseableHttpClient with a PoolingHttpClientConnectionManager (setMaxTotal,"
                        + " setDefaultMaxPerRoute) and share it, and consume each response entity (EntityUtils.consume)"
                        + " and don't set NoConnectionReuseStrategy.";
            case APACHE_HTTPCLIENT_5:
                return "Build one CloseableHttpClient with a PoolingHttpClientConnectionManager"
                        + " (PoolingHttpClientConnectionManagerBuilder: setMaxConnTotal, setMaxConnPerRoute) and share"
                        + " it, and consume or close each response so its connection goes back to the pool.";
            case REACTOR_NETTY:
                return "Build one reactor.netty HttpClient (or Spring WebClient) and share it, with a pooled"
                        + " ConnectionProvider (ConnectionProvider.builder(name).maxConnections(n)), and don't use"
                        + " newConnection(), which switches pooling off.";
            case GRPC_JAVA:
                return "Build one ManagedChannel per target and share it across stubs and calls (stubs are cheap,"
                        + " channels are not), and shutdown() it only when the application stops.";
            case LETTUCE:
                return "Build one RedisClient and share one StatefulRedisConnection across threads (it is"
                        + " thread-safe), and pool connections (ConnectionPoolSupport) only for blocking commands or"
                        + " MULTI/EXEC.";
            case JEDIS:
                return "Use one JedisPool (or JedisPooled) for the application and take connections with"
                        + " getResource() in try-with-resources, instead of a new Jedis per operation.";
            case JDBC_DRIVER_MANAGER:
                return "Take connections from a pool (a DataSource such as HikariCP's HikariDataSource, built once)"
                        + " instead of DriverManager.getConnection per unit of work.";
            case JDBC_DRIVER:
                return "Take connections from a pool (a DataSource such as HikariCP's HikariDataSource, built once)"
                        + " instead of the driver's own connect per unit of work.";
            default:
                return null;
        }
    }

    /** The loop's fix; the server closing each connection itself would be peer_closes, where this does not help. */
    private static final String POLLING_LOOP = "Open the connection once and keep it open across the loop's iterations"
            + " (or send through a client that pools connections and keeps them alive), or poll less often:"
            + " each iteration now opens and closes a connection of its own. It needs a server that keeps a"
            + " connection open between requests (one that closes each connection itself shows as peer_closes).";

    private static String poolChurn(ClientLibrary library) {
        if (library == ClientLibrary.JEDIS) {
            return "The JedisPool itself opens them: build it once, and raise its maxIdle (default 8) with its"
                    + " maxTotal, or it closes every connection returned above maxIdle.";
        }
        // JDBC_POOL names no pool in particular: the settings of the two most used, each under its own name.
        return "The pool itself opens them: build it once for the application (one HikariDataSource or"
                + " BasicDataSource, not one per request), and keep its connections' lifetime and idle timeout longer"
                + " than the gaps in the load: maxLifetime and idleTimeout in HikariCP, maxConnLifetimeMillis and"
                + " minEvictableIdleTimeMillis in Commons DBCP (whose maxIdle, 8 by default, also closes every"
                + " connection given back above it).";
    }

    private static boolean fixable(ChurnPattern pattern) {
        return pattern == ChurnPattern.CLIENT_PER_REQUEST || pattern == ChurnPattern.REUSE_OFF
                || pattern == ChurnPattern.NO_POOL || pattern == ChurnPattern.POOL_CHURN;
    }
}
