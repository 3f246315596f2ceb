package io.portwatch.sample;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * pooled and idle-timeout: a small HikariCP pool named "sample-pool". In idle-timeout mode every
 * pooled connection gets a short session wait_timeout, so the server closes idle ones first.
 */
final class PooledConnections implements ConnectionSource {
    public static final String POOL_NAME = "sample-pool";
    /** The pool never holds more than this many connections, whatever the thread count. */
    public static final int MAX_POOL_SIZE = 4;

    private final HikariDataSource pool;
    private final String description;

    private PooledConnections(HikariConfig config, String description) {
        this.pool = new HikariDataSource(config);
        this.description = description;
    }

    static PooledConnections pooled(DatabaseTarget target, int threads) {
        HikariConfig config = config(target, threads);
        return new PooledConnections(config, "HikariCP pool '" + POOL_NAME + "' of " + config.getMaximumPoolSize()
                + " connections, borrowed and returned per write");
    }

    static PooledConnections idleTimeout(DatabaseTarget target, int threads) {
        HikariConfig config = config(target, threads);
        config.setConnectionInitSql("SET SESSION wait_timeout=" + BatchPlan.WAIT_TIMEOUT_SECONDS);
        return new PooledConnections(config, "HikariCP pool '" + POOL_NAME + "' of " + config.getMaximumPoolSize()
                + " connections with session wait_timeout=" + BatchPlan.WAIT_TIMEOUT_SECONDS + " s; idle "
                + BatchPlan.IDLE_PAUSE_MILLIS / 1000.0 + " s before each batch of up to " + BatchPlan.IDLE_BATCH_WRITES
                + " writes, so the server closes first");
    }

    private static HikariConfig config(DatabaseTarget target, int threads) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(POOL_NAME);
        config.setJdbcUrl(target.url());
        if (target.user() != null) {
            config.setUsername(target.user());
        }
        if (target.password() != null) {
            config.setPassword(target.password());
        }
        int size = Math.max(1, Math.min(threads, MAX_POOL_SIZE));
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setConnectionTimeout(10_000);
        return config;
    }

    @Override
    public Connection acquire() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public void release(Connection connection) throws SQLException {
        connection.close(); // back to the pool; the physical connection stays open
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        pool.close();
    }
}
