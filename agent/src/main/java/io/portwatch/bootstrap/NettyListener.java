package io.portwatch.bootstrap;

import java.net.SocketAddress;

/**
 * What the advice in Netty's native epoll and io_uring transports reports
 * ({@code io.portwatch.instrument.netty}). Loaded by the bootstrap class loader, so JDK types only:
 * a channel (or a promise) is an {@code Object}, of any copy of Netty, shaded or not. The advice
 * reports on every channel of those transports (datagram and Unix-domain ones too, which share the
 * code); the listener keeps the TCP ones. Implementations must never throw and never block: they
 * run on Netty's event loops.
 */
public interface NettyListener {

    /** {@code Bootstrap.init(channel)}: on the thread that asked for the connection, before the event loop makes it. */
    void connectRequested(Object bootstrap, Object channel);

    /**
     * {@code doConnect(remote, local)} returned {@code connected} (false: pending, finish-connect
     * follows; true: connected at once, TCP Fast Open included) or threw {@code error}.
     */
    void connectReturned(Object channel, SocketAddress target, long startNanos, boolean connected, Throwable error);

    /**
     * io_uring's {@code connect(remote, local, promise)} returned: the connect was submitted to the
     * ring (the promise has not failed; the completion follows as {@link #finishConnectReturned}), or
     * it failed before (the promise says why).
     */
    void connectSubmitted(Object channel, SocketAddress target, long startNanos, Object promise);

    /**
     * A pending connect completed: epoll's {@code doFinishConnect()} returned {@code connected}
     * (false: still pending) or threw {@code error}; io_uring's completion succeeded or failed.
     */
    void finishConnectReturned(Object channel, boolean connected, Throwable error);

    /** A channel was made for an accepted connection. */
    void accepted(Object channel);

    /** A read returned -1 (the peer's FIN) or threw; reads that return data are not reported. */
    void readEnded(Object channel, int bytes, Throwable error);

    /** A write threw: the listener decides whether it was a reset. */
    void writeFailed(Object channel, Throwable error);

    /** An io_uring read or write completed with ECONNRESET (the ring reports an errno, not an exception). */
    void resetSeen(Object channel);

    /** The channel's output was shut down: this side's FIN goes out. */
    void outputShutdown(Object channel);

    /** SO_LINGER was set to {@code seconds} (negative: off); 0 makes the close send RST. */
    void soLingerSet(Object channel, int seconds);

    /** The channel's socket was closed. */
    void closed(Object channel);

    /** The listener used until the agent installs its own: does nothing. */
    NettyListener NOOP = new NettyListener() {
        @Override public void connectRequested(Object b, Object c) {}
        @Override public void connectReturned(Object c, SocketAddress t, long s, boolean ok, Throwable e) {}
        @Override public void connectSubmitted(Object c, SocketAddress t, long s, Object p) {}
        @Override public void finishConnectReturned(Object c, boolean ok, Throwable e) {}
        @Override public void accepted(Object c) {}
        @Override public void readEnded(Object c, int n, Throwable e) {}
        @Override public void writeFailed(Object c, Throwable e) {}
        @Override public void resetSeen(Object c) {}
        @Override public void outputShutdown(Object c) {}
        @Override public void soLingerSet(Object c, int s) {}
        @Override public void closed(Object c) {}
    };
}
