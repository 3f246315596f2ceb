package io.portwatch.junit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.portwatch.sample.DatabaseTarget;

import java.sql.Connection;
import java.sql.DriverManager;

/** The two write paths the budgets are tried on: a connection per write, and a pool. */
final class Writes {

    static final int POOL_SIZE = 4;

    private Writes() {}

    /** The founding incident in miniature: a new physical connection for every row. */
    static void churn(DatabaseTarget target, int rows) throws Exception {
        for (int i = 0; i < rows; i++) {
            try (Connection c = DriverManager.getConnection(target.url(), target.user(), target.password())) {
                SharedDatabase.insert(c, "churn " + i);
            }
        }
    }

    /** The cure: the same rows through a small HikariCP pool, opened and closed here. */
    static void pooled(DatabaseTarget target, int rows) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setPoolName("budget-test-pool");
        config.setJdbcUrl(target.url());
        config.setUsername(target.user());
        config.setPassword(target.password());
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(10_000);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            for (int i = 0; i < rows; i++) {
                try (Connection c = pool.getConnection()) {
                    SharedDatabase.insert(c, "pooled " + i);
                }
            }
        }
    }
}
