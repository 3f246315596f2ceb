package io.portwatch.track;

import io.portwatch.clients.ClientLibrary;

import java.net.InetAddress;

/** Ended connection records for tests outside this package (the report's). */
public final class TestRecords {

    private static long ids;

    private TestRecords() {}

    /**
     * An outgoing connection from {@code site} (null: none recorded) to 127.0.0.1:{@code port},
     * ended at {@code endNanos}: closed first by {@code closer}, or failed with EADDRNOTAVAIL when
     * closer is null. {@code pool}: the JDBC pool that opened it, or null.
     */
    public static ConnectionRecord outgoing(String siteFunction, int line, int port, Closer closer, String pool,
                                            long endNanos) {
        return outgoing(siteFunction == null ? null : new CallSite(siteFunction, "Work.java", line), port, closer, pool,
                endNanos);
    }

    /**
     * {@link #outgoing}, from a call site whose walk passed {@code library} (and a pool's frames
     * when {@code poolOnStack}); {@code siteFunction} null: a library's own thread, no application frame.
     * One call site object per site, as the tracker caches them.
     */
    public static ConnectionRecord outgoingThrough(ClientLibrary library, boolean poolOnStack, String siteFunction,
                                                   int port, Closer closer, long endNanos) {
        return outgoingThrough(library, poolOnStack, siteFunction, port, closer, endNanos - 1_000_000, endNanos);
    }

    /** {@link #outgoingThrough}, open from {@code startNanos} (the others open 1 ms before their end). */
    public static ConnectionRecord outgoingThrough(ClientLibrary library, boolean poolOnStack, String siteFunction,
                                                   int port, Closer closer, long startNanos, long endNanos) {
        CallSite site = SITES.computeIfAbsent(library + "/" + poolOnStack + "/" + siteFunction,
                k -> siteFunction == null ? CallSite.inside(library, poolOnStack)
                        : new CallSite(siteFunction, "Work.java", 12, library, poolOnStack));
        return outgoing(site, null, port, closer, null, startNanos, endNanos);
    }

    private static final java.util.Map<String, CallSite> SITES = new java.util.concurrent.ConcurrentHashMap<>();

    /** {@link #outgoing}, toward loopback asked for by the name {@code serverName}. */
    public static ConnectionRecord outgoingTo(String serverName, String siteFunction, int port, Closer closer, long endNanos) {
        return outgoing(new CallSite(siteFunction, "Work.java", 7), serverName, port, closer, null, endNanos);
    }

    private static ConnectionRecord outgoing(CallSite site, int port, Closer closer, String pool, long endNanos) {
        return outgoing(site, null, port, closer, pool, endNanos);
    }

    private static ConnectionRecord outgoing(CallSite site, String serverName, int port, Closer closer, String pool,
                                             long endNanos) {
        return outgoing(site, serverName, port, closer, pool, endNanos - 1_000_000, endNanos);
    }

    private static ConnectionRecord outgoing(CallSite site, String serverName, int port, Closer closer, String pool,
                                             long startNanos, long endNanos) {
        ConnectionRecord r = new ConnectionRecord(++ids, ConnectionRecord.Direction.OUTGOING, "socket", serverName,
                "worker", site, startNanos);
        InetAddress lo = InetAddress.getLoopbackAddress();
        r.endpoints(lo, 40000 + (int) (ids % 20000), lo, port);
        if (pool != null) {
            r.jdbc = new JdbcRecord(ids, endNanos - 2_000_000, "worker");
            r.jdbc.pool = pool;
        }
        if (closer == null) {
            r.fail(new java.net.BindException("Cannot assign requested address"), endNanos);
            return r;
        }
        r.end(ConnectionEnd.CLOSED, endNanos);
        r.confirmByKernel(closer == Closer.LOCAL, closer);
        return r;
    }

    /**
     * A physical JDBC connection to {@code url} from {@code site} (null: none recorded) that
     * opened {@code sockets} sockets, ended at {@code endNanos}: closed, or failed when
     * {@code failed}. Its sockets are made with {@link #socketOf}.
     */
    public static JdbcRecord jdbc(String url, String siteFunction, int sockets, boolean failed, long endNanos) {
        JdbcRecord j = new JdbcRecord(++ids, endNanos - 2_000_000, "worker");
        j.redactedUrl = url;
        j.system = "mysql";
        j.callSite = siteFunction == null ? null : new CallSite(siteFunction, "Work.java", 7);
        j.sockets = sockets;
        j.end = failed ? ConnectionEnd.FAILED : ConnectionEnd.CLOSED;
        j.endNanos = endNanos;
        if (failed) {
            j.errorType = "java.sql.SQLException";
            j.errorMessage = "Access denied";
        }
        return j;
    }

    /** {@code socket}, an outgoing connection of {@link #outgoing}, made one of {@code j}'s sockets. */
    public static ConnectionRecord socketOf(JdbcRecord j, ConnectionRecord socket) {
        socket.jdbc = j;
        return socket;
    }

    /** An accepted connection, closed first by the peer. */
    public static ConnectionRecord accepted(long endNanos) {
        ConnectionRecord r = new ConnectionRecord(++ids, ConnectionRecord.Direction.ACCEPTED, "socket", null,
                "acceptor", null, endNanos - 1_000_000);
        InetAddress lo = InetAddress.getLoopbackAddress();
        r.endpoints(lo, 7000, lo, 40000);
        r.end(ConnectionEnd.CLOSED, endNanos);
        r.confirmByKernel(false, Closer.PEER);
        return r;
    }

    /** An outgoing connection numbered {@code id}, without endpoints, closed and not yet confirmed. */
    public static ConnectionRecord closed(long id) {
        ConnectionRecord r = new ConnectionRecord(id, ConnectionRecord.Direction.OUTGOING, "socket", null, "t", null, id);
        r.end(ConnectionEnd.CLOSED, id + 1);
        return r;
    }

    /**
     * An outgoing connection {@code local:localPort -> peer:peerPort}, closed, not yet confirmed by
     * the kernel; the JVM saw the peer's FIN first when {@code peerFinFirst}, else its own.
     */
    public static ConnectionRecord closed(InetAddress local, int localPort, InetAddress peer, int peerPort,
                                          boolean peerFinFirst) {
        ConnectionRecord r = new ConnectionRecord(++ids, ConnectionRecord.Direction.OUTGOING, "socket", null,
                "worker", null, 1_000_000);
        r.endpoints(local, localPort, peer, peerPort);
        if (peerFinFirst) r.peerFin();
        r.end(ConnectionEnd.CLOSED, 2_000_000);
        return r;
    }

    /**
     * An outgoing connection {@code local:localPort -> peer:peerPort} opened at
     * {@code siteFunction(Writer.java:line)}, still open.
     */
    public static ConnectionRecord openedAt(String siteFunction, int line, InetAddress local, int localPort,
                                            InetAddress peer, int peerPort) {
        ConnectionRecord r = new ConnectionRecord(++ids, ConnectionRecord.Direction.OUTGOING, "socket", null,
                "worker", new CallSite(siteFunction, "Writer.java", line), 1_000_000);
        r.endpoints(local, localPort, peer, peerPort);
        return r;
    }

    /** {@link #openedAt}, its connect started at {@code startNanos}. */
    public static ConnectionRecord openedAt(String siteFunction, int line, InetAddress local, int localPort,
                                            InetAddress peer, int peerPort, long startNanos) {
        ConnectionRecord r = new ConnectionRecord(++ids, ConnectionRecord.Direction.OUTGOING, "socket", null,
                "worker", new CallSite(siteFunction, "Writer.java", line), startNanos);
        r.endpoints(local, localPort, peer, peerPort);
        return r;
    }

    /** Ends {@code r} as closed by this side (as the JVM saw it), not yet confirmed by the kernel. */
    public static ConnectionRecord close(ConnectionRecord r) {
        return close(r, 2_000_000);
    }

    /** {@link #close}, at {@code endNanos}. */
    public static ConnectionRecord close(ConnectionRecord r, long endNanos) {
        r.end(ConnectionEnd.CLOSED, endNanos);
        return r;
    }
}
