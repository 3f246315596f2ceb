package io.portwatch.track;

import java.net.InetAddress;
import java.net.SocketAddress;

/**
 * One reusable slot of the {@link EventRing}: an application thread fills it, the tracker thread
 * reads it and clears it. Plain fields, written before the slot is published and read after, so
 * the ring's volatile sequence orders them.
 */
final class Event {
    /** The sequence number this slot holds once published; -1 before the first use. */
    volatile long published = -1;

    EventKind kind;
    Object connection;
    SocketAddress target;
    InetAddress localAddress;
    int localPort;
    InetAddress peerAddress;
    int peerPort;
    long startNanos;
    long nanos;
    Throwable error;
    String threadName;
    /** Connect and accept events: the span's {@code portwatch.api} ({@code socket}, {@code channel}, ...). */
    String api;
    StackWalker.StackFrame callSite;
    /** The driver connect in progress on the thread, for socket and JDBC events. */
    JdbcScope jdbcScope;
    String url;
    java.util.List<String> secrets;
    String driverClass;
    String pool;
    /**
     * LINGER: SO_LINGER is 0; JDBC_CLOSED: it was an abort; JDBC_CONNECTED: the stack was walked,
     * so {@link #pool} says whether a pool opened it.
     */
    boolean flag;

    /** Drops every reference so a slot never keeps a socket or an exception alive. */
    void clear() {
        connection = null;
        target = null;
        localAddress = null;
        peerAddress = null;
        error = null;
        threadName = null;
        api = null;
        callSite = null;
        jdbcScope = null;
        url = null;
        secrets = null;
        driverClass = null;
        pool = null;
        flag = false;
    }
}
