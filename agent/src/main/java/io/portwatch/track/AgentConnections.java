package io.portwatch.track;

import io.portwatch.kernel.ConnectionKey;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import java.util.function.LongConsumer;

/**
 * The agent's own connections (the OTLP sender's, the Prometheus endpoint's scrapes), which the
 * tracker ignores: their keys ({@link ConnectionKey}), noted on the agent's threads as they
 * connect or accept, so that the kernel catch-all does not take them for the application's
 * uninstrumented traffic. Never called on an application thread. Bounded: past {@link #CAPACITY}
 * keys not yet taken, the oldest are overwritten (the agent opens a few connections a minute).
 */
public final class AgentConnections {

    static final int CAPACITY = 256;

    private final long[] keys = new long[CAPACITY];
    private long written;
    private long taken;

    /** A connection made or accepted on an agent thread; its endpoints read here, on that thread. */
    void connected(Object connection) {
        long key = 0;
        if (connection instanceof Socket) {
            Socket s = (Socket) connection;
            key = ConnectionKey.of(s.getLocalPort(), s.getInetAddress(), s.getPort());
        } else if (connection instanceof NetworkChannel) {
            try {
                SocketAddress local = ((NetworkChannel) connection).getLocalAddress();
                SocketAddress remote = connection instanceof SocketChannel ? ((SocketChannel) connection).getRemoteAddress()
                        : connection instanceof AsynchronousSocketChannel
                        ? ((AsynchronousSocketChannel) connection).getRemoteAddress() : null;
                if (local instanceof InetSocketAddress && remote instanceof InetSocketAddress) {
                    InetSocketAddress r = (InetSocketAddress) remote;
                    key = ConnectionKey.of(((InetSocketAddress) local).getPort(), r.getAddress(), r.getPort());
                }
            } catch (IOException | RuntimeException closedAlready) {
                return;
            }
        }
        if (key != 0) note(key);
    }

    synchronized void note(long key) {
        keys[(int) (written++ % CAPACITY)] = key;
    }

    /** Hands every key noted since the last call to {@code to}. Any thread. */
    public synchronized void takeAll(LongConsumer to) {
        taken = Math.max(taken, written - CAPACITY);
        for (; taken < written; taken++) {
            to.accept(keys[(int) (taken % CAPACITY)]);
        }
    }
}
