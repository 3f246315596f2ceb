package io.portwatch.bootstrap;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What the code woven into the JDK's socket classes calls ({@code io.portwatch.instrument.jdk}):
 * one static method per thing a JDK method can tell as it ends, each handing it to
 * {@link Bridge#sockets}. The woven code only pushes values and calls one of these; every decision
 * (was the connect complete, was it end-of-stream, was the option SO_LINGER 0) is taken here, in
 * plain Java that the JIT inlines into the JDK method.
 *
 * <p>Parameters come in the order the woven code has them at hand: a method's return value or
 * exception first (it is already on the operand stack), then the connection, then the rest.
 *
 * <p>Every hook catches {@code Throwable} and counts it ({@link Bridge#adviceFailed}): it runs
 * inside {@code java.net.Socket} and {@code sun.nio.ch} code on the application's threads, where
 * an exception from the agent would be the application's problem.
 */
public final class JdkHooks {

    private JdkHooks() {}

    /** {@code Socket.connect(SocketAddress, int)} or {@code SocketChannelImpl.blockingConnect} returned. */
    public static void connected(Object connection, SocketAddress target, long startNanos) {
        try {
            Bridge.sockets.connected(connection, target, startNanos, null);
        } catch (Throwable t) {
            Bridge.adviceFailed(t);
        }
    }

    /** A blocking or non-blocking connect threw. */
    public static void connectFailed(Throwable error, Object connection, SocketAddress target, long startNanos) {
        try {
            Bridge.sockets.connected(connection, target, startNanos, error);
        } catch (Throwable t) {
            Bridge.adviceFailed(t);
        }
    }

    /**
     * {@code SocketChannelImpl.connect(SocketAddress)} returned: true when connected (blocking, or
     * a non-blocking connect that completed at once), false when {@code finishConnect} is to follow.
     */
    public static void channelConnectReturned(boolean connected, Object channel, SocketAddress target, long startNanos) {
        try {
            if (connected) {
                Bridge.sockets.connected(channel, target, startNanos, null);
            } else {
                Bridge.sockets.connectPending(channel, target, startNanos);
            }
        } catch (Throwable t) {
            Bridge.adviceFailed(t);
        }
    }

    /** {@code SocketChannelImpl.finishConnect()} returned; false means still pending. */
    public static void finishConnectReturned(boolean connected, Object channel) {
        try {
            if (connected) {
                Bridge.sockets.finishedConnect(channel, null);
            }
        } catch (Throwable t) {
            Bridge.adviceFailed(t);
        }
    }

    /** {@code SocketChannelImpl.finishConnect()} threw: the pending connect failed. */
    public static void finishConnectFailed(Throwable error, Object channel) {
        try {
            Bridge.sockets.finishedConnect(channel, error);
        } catch (Throwable t) {
            Bridge.adviceFailed(t);
        }
    }

    /** A server socket accepted {@code connection}, or a channel was made for an accepted one. */
    public static void accepted(Object connection) {
        try {
            Bridge.sockets.accepted(connection);
        } catch (Throwable t) {
            Bridge.adviceFailed(t);
        }
    }

    /** A read returned {@code n}: -1 is the peer's FIN. */
    public static void readReturned(int n, Object connection) {
        if (n < 0) {
            try {
                Bridge.sockets.endOfStream(connection);
            } catch (Throwable t) {
                Bridge.adviceFailed(t);
            }
        }
    }

    /** A scattering read returned {@code n}: -1 is the peer's FIN. */
    public static void readReturned(long n, Object connection) {
        if (n < 0) {
            try {
                Bridge.sockets.endOfStream(connection);
            } catch (Throwable t) {
                Bridge.adviceFailed(t);
            }
        }
    }

    /** A read or write threw; the listener tells a reset from the rest. */
    public static void ioFailed(Throwable error, Object connection) {
        try {
            Bridge.sockets.ioFailed(connection, error);
        } catch (Throwable t) {
            Bridge.adviceFailed(t);
        }
    }

    /** {@code bind(SocketAddress)} returned. */
    public static void bound(Object connection) {
        try {
            Bridge.sockets.bound(connection);
        } catch (Throwable t) {
            Bridge.adviceFailed(t);
        }
    }

    /** {@code shutdownOutput()} returned: this side's FIN is on its way. */
    public static void outputShutdown(Object connection) {
        try {
            Bridge.sockets.outputShutdown(connection);
        } catch (Throwable t) {
            Bridge.adviceFailed(t);
        }
    }

    /** {@code Socket.close()} or {@code SocketChannelImpl.implCloseSelectableChannel()} returned or threw. */
    public static void closed(Object connection) {
        try {
            Bridge.sockets.closed(connection);
        } catch (Throwable t) {
            Bridge.adviceFailed(t);
        }
    }

    /** {@code Socket.setSoLinger(on, linger)} returned: on with 0 makes the close send RST. */
    public static void soLingerSet(Object connection, boolean on, int linger) {
        try {
            Bridge.sockets.lingerSet(connection, on && linger == 0);
        } catch (Throwable t) {
            Bridge.adviceFailed(t);
        }
    }

    /** {@code setOption(option, value)} returned; only SO_LINGER matters. */
    public static void optionSet(Object connection, Object option, Object value) {
        try {
            if (option == java.net.StandardSocketOptions.SO_LINGER) {
                Bridge.sockets.lingerSet(connection, value instanceof Integer && ((Integer) value).intValue() == 0);
            }
        } catch (Throwable t) {
            Bridge.adviceFailed(t);
        }
    }

    /**
     * {@code UnixAsynchronousSocketChannelImpl.implConnect} is about to call {@code Net.connect}:
     * the attempt starts now, on the thread that asked for it. Its outcome comes later, often on
     * another thread ({@link #asyncConnectEnded}).
     */
    public static void asyncConnectStarting(Object channel, SocketAddress target) {
        try {
            Bridge.sockets.connectPending(channel, target, System.nanoTime());
        } catch (Throwable t) {
            Bridge.adviceFailed(t);
        }
    }

    /**
     * An asynchronous connect's outcome is about to be handed to its completion handler or future:
     * {@code error} null is connected. A failed one has closed its channel already.
     */
    public static void asyncConnectEnded(Object result, Throwable error, Object channel) {
        try {
            Bridge.sockets.finishedConnect(channel, error);
        } catch (Throwable t) {
            Bridge.adviceFailed(t);
        }
    }

    /**
     * An asynchronous read's outcome is about to be handed on: an {@code Integer} or {@code Long}
     * result of -1 is the peer's FIN; an error may be a reset.
     */
    public static void asyncReadEnded(Object result, Throwable error, Object channel) {
        try {
            if (error != null) {
                Bridge.sockets.ioFailed(channel, error);
            } else if (result instanceof Number && ((Number) result).longValue() < 0) {
                Bridge.sockets.endOfStream(channel);
            }
        } catch (Throwable t) {
            Bridge.adviceFailed(t);
        }
    }

    /** An asynchronous write's outcome is about to be handed on: an error may be a reset. */
    public static void asyncWriteEnded(Object result, Throwable error, Object channel) {
        if (error != null) {
            try {
                Bridge.sockets.ioFailed(channel, error);
            } catch (Throwable t) {
                Bridge.adviceFailed(t);
            }
        }
    }

    /**
     * {@code sun.nio.ch.Net.localAddress(FileDescriptor)} returned the address it read. Only its
     * parts go further, so that, this method inlined, the {@code InetSocketAddress} escapes no more
     * than without the agent.
     */
    public static void localAddressRead(InetSocketAddress address) {
        try {
            if (address != null) Bridge.sockets.localAddressRead(address.getAddress(), address.getPort());
        } catch (Throwable t) {
            Bridge.adviceFailed(t);
        }
    }
}
