package io.portwatch.track;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Map;

/**
 * The connections that were open before the agent attached, as the kernel's tables listed them,
 * each waiting for the first event of its socket: the advice reports the socket object, and only
 * its endpoints tell which of these it is. Listed from any thread ({@link #listed}), taken in
 * and claimed on the tracker thread.
 */
final class OpenedBeforeAttach {

    /** One waiting connection. */
    static final class Waiting {
        final InetAddress localAddress;
        final int localPort;
        final InetAddress peerAddress;
        final int peerPort;
        final boolean accepted;
        /** When the kernel listed it ({@link System#nanoTime()}): it was open at least since then. */
        final long seenNanos;

        Waiting(InetAddress localAddress, int localPort, InetAddress peerAddress, int peerPort, boolean accepted,
                long seenNanos) {
            this.localAddress = localAddress;
            this.localPort = localPort;
            this.peerAddress = peerAddress;
            this.peerPort = peerPort;
            this.accepted = accepted;
            this.seenNanos = seenNanos;
        }
    }

    private final Map<String, Waiting> byEndpoints = new HashMap<>();
    /** Listed and not taken in yet: any thread adds, the tracker takes them in at its next drain. */
    private final java.util.Queue<Waiting> listed = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** A connection the kernel listed as this JVM's when the agent attached. Any thread. */
    void listed(Waiting w) {
        listed.add(w);
    }

    /** Takes in what was listed since the last call. Tracker thread. */
    void takeListed() {
        for (Waiting w; (w = listed.poll()) != null; ) {
            add(w);
        }
    }

    /**
     * The record of a connection opened before attach, at the first event of its socket: marked
     * as such and started when the kernel listed it; null if {@code connection} is none of them.
     */
    ConnectionRecord recordFor(Object connection, java.util.concurrent.atomic.AtomicLong ids) {
        if (byEndpoints.isEmpty()) return null;
        Waiting w = claim(connection);
        if (w == null) return null;
        ConnectionRecord r = new ConnectionRecord(ids.incrementAndGet(),
                w.accepted ? ConnectionRecord.Direction.ACCEPTED : ConnectionRecord.Direction.OUTGOING,
                connection instanceof Socket ? "socket" : "channel", null, null, null, w.seenNanos);
        r.openedBeforeAttach = true;
        r.connectedNanos = w.seenNanos;
        r.endpoints(w.localAddress, w.localPort, w.peerAddress, w.peerPort);
        return r;
    }

    void add(Waiting w) {
        byEndpoints.put(key(w.localPort, w.peerAddress, w.peerPort), w);
    }

    boolean isEmpty() {
        return byEndpoints.isEmpty();
    }

    int size() {
        return byEndpoints.size();
    }

    /**
     * The waiting connection that {@code connection} (a Socket or SocketChannel) carries, removed
     * from the list; null if it carries none of them. A closed Socket still reports its endpoints;
     * a closed channel does not, so a channel is recognised only by an event before its close.
     */
    Waiting claim(Object connection) {
        int localPort;
        InetAddress peer;
        int peerPort;
        if (connection instanceof Socket) {
            Socket s = (Socket) connection;
            localPort = s.getLocalPort();
            peer = s.getInetAddress();
            peerPort = s.getPort();
        } else if (connection instanceof SocketChannel) {
            try {
                SocketAddress local = ((SocketChannel) connection).getLocalAddress();
                SocketAddress remote = ((SocketChannel) connection).getRemoteAddress();
                if (!(local instanceof InetSocketAddress) || !(remote instanceof InetSocketAddress)) return null;
                localPort = ((InetSocketAddress) local).getPort();
                peer = ((InetSocketAddress) remote).getAddress();
                peerPort = ((InetSocketAddress) remote).getPort();
            } catch (IOException | RuntimeException closed) {
                return null;
            }
        } else {
            return null;
        }
        if (peer == null || localPort <= 0) return null;
        return byEndpoints.remove(key(localPort, peer, peerPort));
    }

    /** InetAddress turns IPv4-mapped IPv6 addresses into IPv4 ones, on both sides of the match. */
    private static String key(int localPort, InetAddress peer, int peerPort) {
        return localPort + "|" + peer.getHostAddress() + "|" + peerPort;
    }
}
