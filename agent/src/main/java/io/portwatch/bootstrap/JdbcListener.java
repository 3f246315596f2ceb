package io.portwatch.bootstrap;

import java.util.Properties;

/**
 * What the JDBC advice reports: the physical connects of any {@code java.sql.Driver} and the
 * closes of the connections they return. Loaded by the bootstrap class loader, so JDK types only;
 * must never throw or block.
 */
public interface JdbcListener {

    /** A driver's {@code connect(url, info)} starts; sockets opened until it ends belong to it. */
    void connectStarted(Object driver, String url, Properties info);

    /** That {@code connect} returned {@code connection} (null: the driver does not take the URL) or threw. */
    void connectEnded(Object driver, Object connection, Throwable error);

    /** {@code Connection.close()} (abort == false) or {@code Connection.abort(executor)} returned. */
    void closed(Object connection, boolean abort);

    JdbcListener NOOP = new JdbcListener() {
        @Override public void connectStarted(Object d, String u, Properties i) {}
        @Override public void connectEnded(Object d, Object c, Throwable e) {}
        @Override public void closed(Object c, boolean a) {}
    };
}
