package io.portwatch.it.workload;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A JDBC driver for the tests, JDK types only so that any class loader can load its own copy:
 * {@code connect("jdbc:stub://HOST:PORT/DB")} opens one TCP connection to HOST:PORT and returns
 * a {@code Connection} whose {@code close()} closes that socket; every other call fails.
 */
public final class StubDriver implements Driver {

    static final String PREFIX = "jdbc:stub://";

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        URI uri = URI.create(url.substring("jdbc:".length()));
        Socket socket;
        try {
            socket = new Socket(uri.getHost(), uri.getPort());
        } catch (IOException e) {
            throw new SQLException("cannot connect to " + url, "08001", e);
        }
        return (Connection) Proxy.newProxyInstance(StubDriver.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close":
                        case "abort":
                            socket.close();
                            return null;
                        case "isClosed":
                            return socket.isClosed();
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        case "toString":
                            return "StubConnection " + url;
                        default:
                            throw new SQLException(method.getName() + " is not supported by the stub driver");
                    }
                });
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getGlobal();
    }
}
