package io.portwatch.sample;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What the server says about itself and this session: version, TLS, and the global counters that
 * show connection churn from the server's side (Connections, Aborted_clients).
 */
public final class ServerProbe {
    private final String version;
    private final String tls;
    private final long connections;
    private final long abortedClients;

    private ServerProbe(String version, String tls, long connections, long abortedClients) {
        this.version = version;
        this.tls = tls;
        this.connections = connections;
        this.abortedClients = abortedClients;
    }

    /** Reads the probe over {@code connection}; counters it cannot read are -1. */
    public static ServerProbe read(Connection connection) throws SQLException {
        String version = "?";
        String tls = "";
        long connections = -1;
        long abortedClients = -1;
        try (Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT VERSION()")) {
                if (rs.next()) {
                    version = rs.getString(1);
                }
            }
            try (ResultSet rs = statement.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_version'")) {
                if (rs.next()) {
                    tls = rs.getString(2);
                }
            }
            try (ResultSet rs = statement.executeQuery(
                    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Connections', 'Aborted_clients')")) {
                while (rs.next()) {
                    long value = parse(rs.getString(2));
                    if ("Connections".equalsIgnoreCase(rs.getString(1))) {
                        connections = value;
                    } else {
                        abortedClients = value;
                    }
                }
            }
        }
        return new ServerProbe(version, tls == null ? "" : tls, connections, abortedClients);
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    public String version() {
        return version;
    }

    /** e.g. "TLSv1.3", or "" when the session is not encrypted. */
    public String tls() {
        return tls;
    }

    /** Server-wide count of connection attempts since it started. */
    public long connections() {
        return connections;
    }

    /** Server-wide count of connections that ended without COM_QUIT (abort, wait_timeout, network). */
    public long abortedClients() {
        return abortedClients;
    }
}
