package io.portwatch.clients;

/**
 * The network client libraries portwatch recognises on the stack of a thread that opens a
 * connection, by class-name prefix, and how each one reuses connections: that decides what the
 * fix of a churning call site is in the library's own words ({@link LibraryFixes}).
 *
 * <p>A stack can pass several: Spring's WebClient calls Reactor Netty, which calls Netty; DBCP
 * calls {@code DriverManager}, which calls the driver. The one nearest the application's frame is
 * the one the application called, and the one whose use is to change, so it wins.
 */
public enum ClientLibrary {
    JDK_HTTP_CLIENT("jdk-httpclient", "the JDK HttpClient", Reuse.SHARED_CLIENT,
            "jdk.internal.net.http.", "java.net.http."),
    // Its keep-alive cache (sun.net.www.http) is the JVM's, not an object's.
    HTTP_URL_CONNECTION("httpurlconnection", "HttpURLConnection", Reuse.KEEP_ALIVE_CACHE,
            "sun.net.www.protocol.http.", "sun.net.www.protocol.https.", "sun.net.www.http."),
    OKHTTP("okhttp", "OkHttp", Reuse.SHARED_CLIENT, "okhttp3."),
    APACHE_HTTPCLIENT_4("apache-httpclient-4", "Apache HttpClient 4", Reuse.SHARED_CLIENT, "org.apache.http."),
    APACHE_HTTPCLIENT_5("apache-httpclient-5", "Apache HttpClient 5", Reuse.SHARED_CLIENT, "org.apache.hc."),
    REACTOR_NETTY("reactor-netty", "Reactor Netty", Reuse.SHARED_CLIENT, "reactor.netty."),
    // Its own code and the Netty it shades (io.grpc.netty.shaded.io.netty.).
    GRPC_JAVA("grpc-java", "grpc-java", Reuse.SHARED_CLIENT, "io.grpc."),
    LETTUCE("lettuce", "Lettuce", Reuse.SHARED_CLIENT, "io.lettuce."),
    JEDIS("jedis", "Jedis", Reuse.SEPARATE_POOL, "redis.clients.jedis."),
    JDBC_DRIVER_MANAGER("jdbc-drivermanager", "JDBC's DriverManager", Reuse.SEPARATE_POOL,
            "java.sql.DriverManager"),
    JDBC_POOL("jdbc-pool", "a JDBC connection pool", Reuse.POOL,
            "com.zaxxer.hikari.", "org.apache.commons.dbcp", "org.apache.tomcat.jdbc.", "com.mchange.",
            "io.agroal.", "org.vibur."),
    // A driver called directly (Driver.connect, a driver's own DataSource): no pool in between.
    JDBC_DRIVER("jdbc-driver", "a JDBC driver", Reuse.SEPARATE_POOL,
            "com.mysql.", "org.mariadb.jdbc.", "org.postgresql.", "oracle.jdbc.", "com.microsoft.sqlserver.",
            "org.h2.", "org.hsqldb.", "org.sqlite.", "org.apache.derby.", "com.ibm.db2.");

    /** How a library keeps connections for reuse, which is what its fix is about. */
    public enum Reuse {
        /** A client object owns a connection pool: one object, built once and shared, is the fix. */
        SHARED_CLIENT,
        /** The JVM keeps idle connections of its own (HttpURLConnection's keep-alive cache). */
        KEEP_ALIVE_CACHE,
        /** One object is one connection: reuse needs a pool put in front of it. */
        SEPARATE_POOL,
        /** A pool already. */
        POOL
    }

    /**
     * Pools that are no client library themselves but pool one's connections: commons-pool2
     * under {@code JedisPool} or Lettuce's {@code ConnectionPoolSupport}. On the stack they say
     * "pooled" without naming the library.
     */
    public static final String[] GENERIC_POOLS = {"org.apache.commons.pool2."};

    /** The value of {@code portwatch.client.library}. */
    public final String id;
    /** As a sentence names it: "the JDK HttpClient", "OkHttp". */
    public final String displayName;
    public final Reuse reuse;
    private final String[] prefixes;

    ClientLibrary(String id, String displayName, Reuse reuse, String... prefixes) {
        this.id = id;
        this.displayName = displayName;
        this.reuse = reuse;
        this.prefixes = prefixes;
    }

    /** Class-name prefixes of the library's frames. */
    public String[] prefixes() {
        return prefixes.clone();
    }

    /** The library a class belongs to, or null; for tests and tools (the walk uses a compiled table). */
    public static ClientLibrary of(String className) {
        for (ClientLibrary l : values()) {
            for (String p : l.prefixes) {
                if (className.startsWith(p)) return l;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return id;
    }
}
