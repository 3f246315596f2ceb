package io.portwatch.track;

import io.portwatch.bootstrap.SocketListener;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;

/**
 * The application-thread half of the tracker: turns what the advice reports into events on the
 * ring. It reads the few fields an event needs while they still exist (a closed channel no longer
 * has addresses), walks the stack if the call-site budget allows ({@link CallSites}), and
 * returns. No locks, no I/O; besides the walks, the only allocation is the JDK's own when a
 * channel must be asked for its addresses.
 */
public final class ConnectionEvents implements SocketListener {

    private final EventRing ring;
    private final CallSites callSites;
    private final JdbcEvents jdbc;
    /** The agent's own connections, which are not tracked, for the kernel catch-all to leave alone. */
    private final AgentConnections agentConnections = new AgentConnections();
    /**
     * Per thread, the local address the JDK last read from the kernel, until the next connect or
     * accept event on that thread takes it. A {@code Socket}'s own {@code getLocalAddress()} makes
     * two {@code getsockname} calls each time: on loopback churn, 5% of the machine.
     */
    private final ThreadLocal<LocalAddressRead> lastLocalAddress = new ThreadLocal<LocalAddressRead>() {
        @Override
        protected LocalAddressRead initialValue() {
            return new LocalAddressRead();
        }
    };

    /** One thread's last local address read by the JDK: its address (null: none) and port. */
    private static final class LocalAddressRead {
        InetAddress address;
        int port;
    }

    ConnectionEvents(EventRing ring, CallSites callSites, JdbcEvents jdbc) {
        this.ring = ring;
        this.callSites = callSites;
        this.jdbc = jdbc;
    }

    EventRing ring() {
        return ring;
    }

    CallSites callSites() {
        return callSites;
    }

    /** The agent's own connections, noted on its threads. */
    public AgentConnections agentConnections() {
        return agentConnections;
    }

    @Override
    public void connected(Object connection, SocketAddress target, long startNanos, Throwable error) {
        if (!(target instanceof InetSocketAddress)) {
            return; // Unix-domain
        }
        if (AgentThreads.isCurrent()) {
            if (error == null) agentConnections.connected(connection); // the agent's own exporter
            return;
        }
        if (error != null && ConnectErrors.isNotAnAttempt(error)) {
            return;
        }
        connectEvent(EventKind.CONNECTED, connection, target, startNanos, error);
    }

    @Override
    public void connectPending(Object connection, SocketAddress target, long startNanos) {
        if (!(target instanceof InetSocketAddress) || AgentThreads.isCurrent()) {
            return;
        }
        connectEvent(EventKind.CONNECT_PENDING, connection, target, startNanos, null);
    }

    @Override
    public void finishedConnect(Object connection, Throwable error) {
        if (AgentThreads.isCurrent()) {
            if (error == null) agentConnections.connected(connection);
            return;
        }
        connectEvent(EventKind.FINISHED_CONNECT, connection, null, 0, error);
    }

    @Override
    public void accepted(Object connection) {
        if (AgentThreads.isCurrent()) {
            agentConnections.connected(connection); // a scrape of the Prometheus endpoint
            return;
        }
        connectEvent(EventKind.ACCEPTED, connection, null, 0, null);
    }

    @Override
    public void endOfStream(Object connection) {
        simpleEvent(EventKind.END_OF_STREAM, connection);
    }

    @Override
    public void ioFailed(Object connection, Throwable error) {
        if (error != null && ConnectErrors.isReset(error)) {
            simpleEvent(EventKind.RESET, connection);
        }
    }

    @Override
    public void outputShutdown(Object connection) {
        simpleEvent(EventKind.OUTPUT_SHUTDOWN, connection);
    }

    @Override
    public void lingerSet(Object connection, boolean zero) {
        if (!AgentThreads.isCurrent()) {
            ring.offer(EventKind.LINGER, connection, zero);
        }
    }

    @Override
    public void bound(Object connection) {
        simpleEvent(EventKind.BOUND, connection);
    }

    @Override
    public void closed(Object connection) {
        simpleEvent(EventKind.CLOSED, connection);
    }

    @Override
    public void localAddressRead(InetAddress address, int port) {
        LocalAddressRead read = lastLocalAddress.get();
        read.address = address;
        read.port = port;
    }

    /**
     * The local address of {@code s}: the one the JDK read on this thread inside the connect or
     * accept that just returned, if it has the socket's port, else the socket's answer. A connect
     * that read none (JDK 11's {@code PlainSocketImpl}, a custom {@code SocketImpl}) may find one
     * left by a bind on this thread: the port turns it away, as the kernel gives a connect no
     * port that a bound TCP socket holds (a UDP socket's may match, and only there could it mislead).
     */
    private static InetAddress localAddressOf(Socket s, int localPort, InetAddress read, int readPort) {
        return read != null && readPort == localPort ? read : s.getLocalAddress();
    }

    private void simpleEvent(EventKind kind, Object connection) {
        if (!AgentThreads.isCurrent()) {
            ring.offer(kind, connection, false);
        }
    }

    private void connectEvent(EventKind kind, Object connection, SocketAddress target, long startNanos,
                              Throwable error) {
        long now = System.nanoTime();
        // Taken at every such event, used or not, so that it never outlives the call that read it.
        LocalAddressRead read = lastLocalAddress.get();
        InetAddress localRead = read.address;
        int localReadPort = read.port;
        read.address = null;
        // Everything that can fail or take time happens before the claim: a claimed slot must be published.
        InetAddress localAddress = null;
        int localPort = 0;
        InetAddress peerAddress = null;
        int peerPort = 0;
        // A pending connect's record takes its target only: its endpoints come with its end.
        if (error == null && kind != EventKind.CONNECT_PENDING) {
            if (connection instanceof Socket) {
                Socket s = (Socket) connection;
                localPort = s.getLocalPort();
                localAddress = localAddressOf(s, localPort, localRead, localReadPort);
                peerAddress = s.getInetAddress();
                peerPort = s.getPort();
            } else if (connection instanceof NetworkChannel) {
                SocketAddress local = null;
                SocketAddress remote = null;
                try {
                    local = ((NetworkChannel) connection).getLocalAddress();
                    remote = remoteAddressOf(connection);
                } catch (IOException | RuntimeException closedAlready) {
                    // left unknown: the channel was closed before we could look
                }
                if (kind == EventKind.ACCEPTED && !(remote instanceof InetSocketAddress)) {
                    return; // an accepted Unix-domain channel
                }
                if (local instanceof InetSocketAddress) {
                    localAddress = ((InetSocketAddress) local).getAddress();
                    localPort = ((InetSocketAddress) local).getPort();
                }
                if (remote instanceof InetSocketAddress) {
                    peerAddress = ((InetSocketAddress) remote).getAddress();
                    peerPort = ((InetSocketAddress) remote).getPort();
                }
            }
        }
        boolean outgoing = kind == EventKind.CONNECTED || kind == EventKind.CONNECT_PENDING;
        JdbcScope scope = outgoing ? jdbc.currentScope() : null;
        // Inside a driver connect, the first socket's walk also finds the connect's origin: one walk, not two.
        StackWalker.StackFrame site = !outgoing ? null
                : scope != null && !scope.originWalked ? callSites.captureWithOrigin(scope, target, now)
                : callSites.capture(target, now);
        publish(kind, connection, target, startNanos, now, error, localAddress, localPort, peerAddress, peerPort,
                apiOf(connection), site, scope);
    }

    /** The remote address of a socket channel or an asynchronous one; null for any other channel. */
    private static SocketAddress remoteAddressOf(Object channel) throws IOException {
        if (channel instanceof SocketChannel) return ((SocketChannel) channel).getRemoteAddress();
        if (channel instanceof AsynchronousSocketChannel) return ((AsynchronousSocketChannel) channel).getRemoteAddress();
        return null;
    }

    /** The span's {@code portwatch.api} for a connection of the JDK's. */
    static String apiOf(Object connection) {
        if (connection instanceof Socket) return "socket";
        if (connection instanceof AsynchronousSocketChannel) return "async_channel";
        return "channel";
    }

    /**
     * Fills and publishes a connect, finished-connect or accept event, once everything it holds was
     * read: also for the transports whose listener reads the endpoints itself ({@link NettyEvents}).
     */
    void publish(EventKind kind, Object connection, SocketAddress target, long startNanos, long now, Throwable error,
                 InetAddress localAddress, int localPort, InetAddress peerAddress, int peerPort, String api,
                 StackWalker.StackFrame site, JdbcScope scope) {
        String threadName = Thread.currentThread().getName();
        long seq = ring.claim();
        if (seq < 0) {
            return;
        }
        Event e = ring.slot(seq);
        e.kind = kind;
        e.connection = connection;
        e.target = target;
        e.localAddress = localAddress;
        e.localPort = localPort;
        e.peerAddress = peerAddress;
        e.peerPort = peerPort;
        e.startNanos = startNanos;
        e.nanos = now;
        e.error = error;
        e.threadName = threadName;
        e.callSite = site;
        e.jdbcScope = scope;
        e.api = api;
        ring.publish(seq);
    }
}
