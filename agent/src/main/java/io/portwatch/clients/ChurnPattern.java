package io.portwatch.clients;

/**
 * Why one call site opens so many connections, as far as what the agent saw tells: the library
 * under it ({@link ClientLibrary}), whether a pool's frames were on the stack, how many
 * connections it opened, which side closed them first, and whether any two were open at once
 * ({@link ConnectionOverlap}). It claims no more than that shows:
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
    /**
     * No known library, this JVM closes first, and never two connections open at once, each opened
     * after the one before it ended: a loop that connects per iteration (polling), on one thread.
     */
    POLLING_LOOP("polling_loop"),
    /** Churn, but no known library under the call site (and not one at a time), or no closer known: the application's own connects, or a library not in the table. */
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
     * @param oneAtATime  no two of those were open at once ({@link ConnectionOverlap#oneAtATime}); it
     *                    names a loop only where no known library names a more specific cause
     */
    public static ChurnPattern of(ClientLibrary library, boolean poolOnStack, long connections,
                                  long localFirst, long peerFirst, boolean oneAtATime) {
        if (connections < CHURN_CONNECTIONS) return NONE;
        if (peerFirst * 2 > connections) return PEER_CLOSES;
        if (poolOnStack || (library != null && library.reuse == ClientLibrary.Reuse.POOL)) return POOL_CHURN;
        // A loop too needs this side to close most: with closes mixed, the server likely ends each
        // connection as well (the FINs cross), and keeping one open is not this side's alone.
        if (localFirst * 2 <= connections) return UNKNOWN;
        if (library == null) return oneAtATime ? POLLING_LOOP : UNKNOWN;
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
