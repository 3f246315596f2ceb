package io.portwatch.sample;

import java.sql.Connection;
import java.sql.SQLException;

/** churn: a new physical connection (DriverManager) per write, closed right after it. The incident. */
final class ChurningConnections implements ConnectionSource {
    private final DatabaseTarget target;

    ChurningConnections(DatabaseTarget target) {
        this.target = target;
    }

    @Override
    public Connection acquire() throws SQLException {
        return target.connect();
    }

    @Override
    public void release(Connection connection) throws SQLException {
        connection.close();
    }

    @Override
    public String describe() {
        return "a new connection per write (DriverManager.getConnection), closed after it";
    }

    @Override
    public void close() {
        // nothing held between writes
    }
}
