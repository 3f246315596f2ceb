package io.portwatch.bootstrap;

import java.net.InetAddress;
import java.net.SocketAddress;

/**
 * What the inlined advice reports. Implemented by the agent's tracker; the default does nothing.
 *
 * <p>This interface is loaded by the bootstrap class loader, so it may mention JDK types only.
 * A "connection" argument is the {@code java.net.Socket}, {@code java.nio.channels.SocketChannel}
 * or {@code AsynchronousSocketChannel} that owns the physical TCP connection; it is typed {@code Object} so the advice needs no casts.
 * Implementations must never throw and never block: they run on application threads, inside JDK
 * methods, sometimes while the JDK holds a lock.
 */
public interface SocketListener {

    /** A blocking connect returned (error == null) or failed. */
    void connected(Object connection, SocketAddress target, long startNanos, Throwable error);

    /** A non-blocking connect was started; {@link #finishedConnect} follows. */
    void connectPending(Object connection, SocketAddress target, long startNanos);

    /** A pending non-blocking connect completed (error == null) or failed. */
    void finishedConnect(Object connection, Throwable error);

    /** A connection was accepted by a server socket or server socket channel. */
    void accepted(Object connection);

    /** A read returned end-of-stream: the peer's FIN arrived. */
    void endOfStream(Object connection);

    /** A read or write failed; the listener decides whether the failure was a reset. */
    void ioFailed(Object connection, Throwable error);

    /** The application half-closed its side: our FIN goes out now. */
    void outputShutdown(Object connection);

    /** SO_LINGER was set: {@code zero} means the close will send RST instead of FIN. */
    void lingerSet(Object connection, boolean zero);

    /** The socket was bound to a local address; before a connect, that changes where its port comes from. */
    void bound(Object connection);

    /** The application closed the connection. */
    void closed(Object connection);

    /**
     * The JDK read a socket's local address from the kernel on this thread
     * ({@code sun.nio.ch.Net.localAddress}, which every {@code Socket} connect and accept calls
     * since JDK 13): the connect or accept that follows may use it instead of asking again. Its
     * address and port, not the {@code InetSocketAddress}: passed on, that object would escape,
     * and the JIT could no longer leave it unallocated as it does without the agent.
     */
    void localAddressRead(InetAddress address, int port);

    /** The listener used until the agent installs its own: does nothing. */
    SocketListener NOOP = new SocketListener() {
        @Override public void connected(Object c, SocketAddress t, long s, Throwable e) {}
        @Override public void connectPending(Object c, SocketAddress t, long s) {}
        @Override public void finishedConnect(Object c, Throwable e) {}
        @Override public void accepted(Object c) {}
        @Override public void endOfStream(Object c) {}
        @Override public void ioFailed(Object c, Throwable e) {}
        @Override public void outputShutdown(Object c) {}
        @Override public void lingerSet(Object c, boolean z) {}
        @Override public void bound(Object c) {}
        @Override public void closed(Object c) {}
        @Override public void localAddressRead(InetAddress a, int p) {}
    };
}
