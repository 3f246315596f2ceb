package io.portwatch.clients;

/**
 * Why one call site opens so many connections, as far as what the agent saw tells: the library
 * under it ({@link ClientLibrary}), whether a pool's frames were on the stack, how many
 * connections it opened and which side closed them first. It claims no more than that shows:
 * below {@link #CHURN_CONNECTIONS} connections nothing is said, and where the figures fit more
 * than one cause, the pattern names the class of causes (a client built per request and a client
 * with reuse switched off look the same from here), and the fix text says both.
 */
public enum ChurnPattern {
    /** Too few connections from the call site (so far) to call it churn. */
    NONE("none"),
    /** A library whose client object owns a pool, and this JVM closes: a client built per request, or its reuse switched off. */
    CLIENT_PER_REQUEST("client_per_request"),
    /** HttpURLConnection, and this JVM closes: keep-alive switched off, or connections not given back to its cache. */
    REUSE_OFF("reuse_off"),
    /** A library that needs a pool in front of it (Jedis, a JDBC driver, DriverManager), used without one. */
    NO_POOL("no_pool"),
    /** A pool's frames on the stack, and still churn: the pool retires connections fast, or is built more than once. */
    POOL_CHURN("pool_churn"),
    /** The peer closes first: a client-side fix would not stop it (the server sends {@code Connection: close} or times out idle connections). */
    PEER_CLOSES("peer_closes"),
    /** Churn, but no known library under the call site, or no closer known: the application's own connects, or a library not in the table. */
    UNKNOWN("unknown");

    /** Fewer connections than this from one call site is not churn worth a pattern (the report's threshold too). */
    public static final long CHURN_CONNECTIONS = 100;

    /** The value of {@code portwatch.churn.pattern}. */
    public final String id;

    ChurnPattern(String id) {
        this.id = id;
    }

    /**
     * @param library     the library under the call site, or null
     * @param poolOnStack a pool's frames were between the application's and the socket's
     * @param connections connections the call site opened that ended (pooled ones too)
     * @param localFirst  of those, how many this JVM closed first
     * @param peerFirst   of those, how many the peer closed first
     */
    public static ChurnPattern of(ClientLibrary library, boolean poolOnStack, long connections,
                                  long localFirst, long peerFirst) {
        if (connections < CHURN_CONNECTIONS) return NONE;
        if (peerFirst * 2 > connections) return PEER_CLOSES;
        if (poolOnStack || (library != null && library.reuse == ClientLibrary.Reuse.POOL)) return POOL_CHURN;
        if (library == null || localFirst * 2 <= connections) return UNKNOWN;
        switch (library.reuse) {
            case SHARED_CLIENT: return CLIENT_PER_REQUEST;
            case KEEP_ALIVE_CACHE: return REUSE_OFF;
            case SEPARATE_POOL: return NO_POOL;
            default: return UNKNOWN;
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
