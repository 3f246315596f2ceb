package io.portwatch.track;

import io.portwatch.kernel.IpAddress;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Everything portwatch knows about one physical TCP connection. Created and changed only on the
 * tracker thread; handed to the sinks once it has ended, and not changed after that.
 */
public final class ConnectionRecord {

    public enum Direction { OUTGOING, ACCEPTED }

    /** Which FIN went out first, as far as this JVM saw. */
    private enum FirstFin { NONE, LOCAL, PEER }

    public final long id;
    public final Direction direction;
    /** The {@code portwatch.api} value: "socket" for java.net.Socket, "channel" for SocketChannel, ... */
    public final String api;
    /** See {@link #serverName()}: set when known at once, else taken from {@link #requested} when first asked. */
    private String serverName;
    /**
     * Where the application asked to connect, kept as it came: its host string is taken only when
     * a span, a report or a recording scope asks for it. Formatting an address (a driver that
     * resolves its URL's literal each time hands a new one) for every connection was a sixth of
     * the tracker thread's profile under JDBC churn.
     */
    InetSocketAddress requested;
    public final String threadName;
    public final CallSite callSite;
    /** When connect started, or when the connection was accepted ({@link System#nanoTime()}). */
    public final long startNanos;

    InetAddress localAddress;
    int localPort;
    InetAddress peerAddress;
    int peerPort;
    /** When the connect completed or failed; 0 while a non-blocking connect is pending. */
    long connectedNanos;
    long endNanos;
    ConnectionEnd end;
    /** The physical database connection this socket was opened for, or null. */
    JdbcRecord jdbc;
    String errorType;
    String errorMessage;

    /**
     * Opened before the agent attached: its start time is the moment it was first seen, and it
     * has no call site.
     */
    boolean openedBeforeAttach;
    /**
     * Bound to a local address before it connected: its port came from bind(), which needs a port
     * free toward every destination (one pool per local address), not from connect().
     */
    boolean boundBeforeConnect;
    /** Opened, and its opened report not yet handed to the reporter: the tracker's thread only. */
    boolean openedPending;
    /**
     * Its ended report carries its opened report too: set by the tracker before handing it over,
     * read by the reporter after taking it.
     */
    boolean carriesOpened;

    /** False for a connection no advice reported, found in the kernel's tables ({@link #seenByKernel}). */
    private boolean instrumented = true;

    private FirstFin firstFin = FirstFin.NONE;
    private boolean reset;
    private boolean lingerZero;
    /** Whether this host holds the TIME_WAIT: null until the kernel has been asked. */
    private Boolean timeWait;
    /** The closer the kernel's tables showed, when they showed one; it beats the JVM's guess. */
    private Closer kernelCloser;
    /**
     * 0 until a read of the kernel's tables finds the connection gone where the JVM saw no reason;
     * 1 while it waits for the next read to agree (a read can miss a row); 2 once looked up again.
     */
    private byte goneReads;

    ConnectionRecord(long id, Direction direction, String api, String serverName, String threadName,
                     CallSite callSite, long startNanos) {
        this.id = id;
        this.direction = direction;
        this.api = api;
        this.serverName = serverName;
        this.threadName = threadName;
        this.callSite = callSite;
        this.startNanos = startNanos;
    }

    /**
     * A connection of this JVM that no advice reported, found by the kernel catch-all: open (or
     * accepted) at least since {@code firstSeenNanos}, when a read of the tables first listed it.
     */
    public static ConnectionRecord seenByKernel(long id, Direction direction, InetAddress localAddress, int localPort,
                                                InetAddress peerAddress, int peerPort, long firstSeenNanos) {
        ConnectionRecord r = new ConnectionRecord(id, direction, "uninstrumented", null, null, null, firstSeenNanos);
        r.instrumented = false;
        r.connectedNanos = firstSeenNanos;
        r.endpoints(localAddress, localPort, peerAddress, peerPort);
        return r;
    }

    /**
     * The end of a connection {@link #seenByKernel}, as the tables told it: {@code closer} null
     * when they could not tell; {@code timeWait} null when unknown.
     */
    public void endSeenByKernel(ConnectionEnd how, long nanos, Boolean timeWait, Closer closer) {
        end = how;
        endNanos = nanos;
        this.timeWait = timeWait;
        this.kernelCloser = closer;
    }

    /** False for a connection no advice reported, counted from the kernel's tables alone. */
    public boolean instrumented() {
        return instrumented;
    }

    void endpoints(InetAddress localAddress, int localPort, InetAddress peerAddress, int peerPort) {
        this.localAddress = LocalAddresses.shared(localAddress);
        this.localPort = localPort;
        this.peerAddress = peerAddress;
        this.peerPort = peerPort;
    }

    void peerFin() {
        if (firstFin == FirstFin.NONE) firstFin = FirstFin.PEER;
    }

    void localFin() {
        if (firstFin == FirstFin.NONE) firstFin = FirstFin.LOCAL;
    }

    void reset() {
        reset = true;
    }

    void lingerZero(boolean zero) {
        lingerZero = zero;
    }

    boolean isConnecting() {
        return connectedNanos == 0 && end == null;
    }

    void end(ConnectionEnd how, long nanos) {
        if (how == ConnectionEnd.CLOSED) {
            localFin(); // the close sends our FIN, unless the peer's came first
        }
        this.end = how;
        this.endNanos = nanos;
    }

    void fail(Throwable error, long nanos) {
        this.errorType = ConnectErrors.errorType(error);
        this.errorMessage = error.getMessage() != null ? error.getMessage() : error.getClass().getName();
        this.connectedNanos = nanos;
        end(ConnectionEnd.FAILED, nanos);
    }

    /**
     * Who closed first: the kernel's word when its tables showed it, else the JVM's guess
     * ({@link #jvmCloser()}).
     */
    public Closer closer() {
        return kernelCloser != null ? kernelCloser : jvmCloser();
    }

    /** Whether {@link #closer()} is the kernel's word ("kernel") or the JVM's guess ("jvm"). */
    public String closerSource() {
        return kernelCloser != null ? "kernel" : "jvm";
    }

    /**
     * Who closed first, decided from what this JVM saw: a reset (a read or write saw one, or the
     * close sent RST because SO_LINGER was 0) beats everything; then whichever FIN came first.
     * docs/how-it-works.md explains the method and its blind spots.
     */
    public Closer jvmCloser() {
        if (end == ConnectionEnd.FAILED || end == ConnectionEnd.ABANDONED) return Closer.UNKNOWN;
        if (reset || (lingerZero && end == ConnectionEnd.CLOSED)) return Closer.RESET;
        switch (firstFin) {
            case PEER: return Closer.PEER;
            case LOCAL: return Closer.LOCAL;
            default: return Closer.UNKNOWN;
        }
    }

    /**
     * Whether this side ended the connection: its FIN came first, or its close went out as a reset
     * (a close with unread data in the receive buffer sends RST, not FIN, as grpc-java's channel
     * shutdown often does; so does every close with SO_LINGER 0, as Jedis sets on its sockets): the
     * kernel's tables then show a reset, while this JVM saw its own close before any end from the
     * peer and no read or write saw a reset. What a churn pattern asks of the closer;
     * {@link #closer()} is what this host's ports ask.
     */
    public boolean closedHereFirst() {
        Closer c = closer();
        return c == Closer.LOCAL || (c == Closer.RESET && !reset && firstFin == FirstFin.LOCAL);
    }

    /** Whether this host holds the connection's TIME_WAIT; null while unknown. */
    public Boolean timeWait() {
        return timeWait;
    }

    /**
     * What the kernel's tables said: whether this host holds the TIME_WAIT, and the closer they
     * show (null: they show none, the JVM's guess stands).
     */
    public void confirmByKernel(boolean timeWaitHere, Closer closer) {
        this.timeWait = timeWaitHere;
        this.kernelCloser = closer;
    }

    /**
     * A read of the kernel's tables found the connection gone, and would say what the JVM did not
     * see (a reset, or an unknown closer). Returns true the first time: the record then waits for
     * the next read ({@link #awaitsAnotherRead}); false once it has been looked up again.
     */
    public boolean lookAgain() {
        if (goneReads != 0) return false;
        goneReads = 1;
        return true;
    }

    /** Whether the last read left this record for the next one to decide. */
    public boolean awaitsAnotherRead() {
        return goneReads == 1;
    }

    /** A read is looking the record up: if it was waiting for that read, it waits no more. */
    public void lookedUp() {
        if (goneReads == 1) goneReads = 2;
    }

    /**
     * The host name or address the application asked for ({@code server.address}); null if
     * accepted. Threads that ask at once may each format it: the same string.
     */
    public String serverName() {
        String s = serverName;
        if (s == null && requested != null) {
            s = requested.getHostString();
            serverName = s;
        }
        return s;
    }

    public InetAddress localAddress() { return localAddress; }
    public int localPort() { return localPort; }
    public InetAddress peerAddress() { return peerAddress; }
    public int peerPort() { return peerPort; }
    public long connectedNanos() { return connectedNanos; }
    public long endNanos() { return endNanos; }
    public ConnectionEnd end() { return end; }
    public String errorType() { return errorType; }
    public String errorMessage() { return errorMessage; }
    public boolean failed() { return end == ConnectionEnd.FAILED; }
    public JdbcRecord jdbc() { return jdbc; }
    public boolean openedBeforeAttach() { return openedBeforeAttach; }
    public boolean boundBeforeConnect() { return boundBeforeConnect; }

    /**
     * One instance per local address for every record that has it. The JDK makes a new
     * {@code InetAddress} each time a socket's local address is asked for (56 bytes with its
     * holder, for IPv4), which an open connection's record would otherwise keep to itself; a
     * process uses very few local addresses. The peer's address needs nothing: it is the socket's own.
     */
    static final class LocalAddresses {
        /** Enough for a host's interfaces; past it, the oldest is forgotten (and then simply not shared). */
        private static final int MAX = 8;
        /** Most recent first; replaced, never changed, so that a reader on another thread (tests) sees whole instances. */
        private static volatile InetAddress[] known = new InetAddress[0];

        private LocalAddresses() {}

        static InetAddress shared(InetAddress address) {
            if (address == null) {
                return null;
            }
            InetAddress[] now = known;
            for (InetAddress k : now) {
                if (k == address || sameValue(k, address)) {
                    return k;
                }
            }
            InetAddress[] next = new InetAddress[Math.min(now.length + 1, MAX)];
            next[0] = address;
            System.arraycopy(now, 0, next, 1, next.length - 1);
            known = next;
            return address;
        }

        /**
         * Equal addresses, and for IPv6 the same scope as well: {@code Inet6Address.equals} ignores
         * it, but its text ({@code fe80::1%eth0}) carries it. What portwatch records of an address
         * is its text and its bytes, never its host name, which {@code equals} ignores too.
         */
        private static boolean sameValue(InetAddress a, InetAddress b) {
            if (!a.equals(b)) {
                return false;
            }
            if (a instanceof Inet6Address) {
                Inet6Address a6 = (Inet6Address) a;
                Inet6Address b6 = (Inet6Address) b;
                return a6.getScopeId() == b6.getScopeId()
                        && Objects.equals(a6.getScopedInterface(), b6.getScopedInterface());
            }
            return true;
        }
    }

    /**
     * The destination as the application named it, {@code host:port}: the server name it
     * connected to, else the peer's address; null when neither is known.
     */
    public String serverHostPort() {
        String host = serverName() != null ? serverName() : peerAddress != null ? peerAddress.getHostAddress() : null;
        return host == null ? null : IpAddress.hostPort(host, peerPort);
    }

    @Override
    public String toString() {
        return direction + " " + localAddress + ":" + localPort + " -> " + peerAddress + ":" + peerPort
                + " end=" + end + " closer=" + closer();
    }
}
