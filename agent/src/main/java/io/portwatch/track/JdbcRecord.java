package io.portwatch.track;

import java.util.Collections;
import java.util.List;

/**
 * One physical database connection: from the driver's {@code connect} to the close of the
 * connection it returned. Created and changed on the tracker thread only.
 */
public final class JdbcRecord {

    public final long id;
    public final long startNanos;
    public final String threadName;

    String redactedUrl;
    String system;
    String database;
    String host;
    int port = -1;
    String driverClass;
    /** Pool kind ("hikari", "dbcp", ...) when a pool opened it; null otherwise. */
    String pool;
    /** Whether the connect's stack was walked: if not ({@code callsite} off or over its limit), no pool is known. */
    boolean poolKnown;
    /** The pool's name when it can be told (HikariCP's connection-adder threads carry it). */
    String poolName;
    CallSite callSite;
    List<String> secrets = Collections.emptyList();
    long connectedNanos;
    long endNanos;
    ConnectionEnd end;
    boolean aborted;
    String errorType;
    String errorMessage;
    /** The closer of the last socket it used, once that socket has ended. */
    Closer closer;
    /** Sockets opened inside its connect call (tracker thread, while it connects). */
    int sockets;
    /** Of those, the ones whose records went to the sink (reporter thread). */
    int socketsEnded;
    /** Where a sink keeps what it needs while the connection is open (the span). */
    private Object attachment;

    JdbcRecord(long id, long startNanos, String threadName) {
        this.id = id;
        this.startNanos = startNanos;
        this.threadName = threadName;
    }

    public String redactedUrl() { return redactedUrl; }
    public String system() { return system; }
    public String database() { return database; }
    public String host() { return host; }
    public int port() { return port; }
    public String driverClass() { return driverClass; }
    public String pool() { return pool; }
    public boolean poolKnown() { return poolKnown; }
    public String poolName() { return poolName; }
    public CallSite callSite() { return callSite; }
    public long connectedNanos() { return connectedNanos; }
    public long endNanos() { return endNanos; }
    public ConnectionEnd end() { return end; }
    public boolean aborted() { return aborted; }
    public boolean failed() { return end == ConnectionEnd.FAILED; }
    public String errorType() { return errorType; }
    /** The failure's message, with every secret of this connection masked. */
    public String errorMessage() { return errorMessage; }
    public Closer closer() { return closer == null ? Closer.UNKNOWN : closer; }
    public int sockets() { return sockets; }

    public Object attachment() { return attachment; }
    public void attach(Object o) { attachment = o; }
}
