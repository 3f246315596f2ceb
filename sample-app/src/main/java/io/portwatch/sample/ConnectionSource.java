package io.portwatch.sample;

import java.sql.Connection;
import java.sql.SQLException;

/** How a writer gets a connection for one write and gives it up afterwards; one implementation per mode. */
public interface ConnectionSource extends AutoCloseable {
    Connection acquire() throws SQLException;

    /** Gives up a connection after a successful write. */
    void release(Connection connection) throws SQLException;

    /** Gives up a connection after a failed write, never throwing. */
    default void releaseQuietly(Connection connection) {
        try {
            release(connection);
        } catch (SQLException | RuntimeException e) {
            // the write already failed and was counted
        }
    }

    /** One line for the start banner: what happens to connections. */
    String describe();

    /** Extra lines for the summary (may be empty). */
    default String summaryNote() {
        return "";
    }

    /** Releases everything; waits for work it handed to other threads. Never throws. */
    @Override
    void close();

    /** The source for a mode. */
    static ConnectionSource forMode(Mode mode, DatabaseTarget target, int threads) {
        switch (mode) {
            case CHURN:
                return new ChurningConnections(target);
            case ABORT:
                return new AbortedConnections(target, threads);
            case POOLED:
                return PooledConnections.pooled(target, threads);
            case IDLE_TIMEOUT:
                return PooledConnections.idleTimeout(target, threads);
            default:
                throw new IllegalArgumentException("no connection source for " + mode);
        }
    }
}
