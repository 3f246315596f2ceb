package io.portwatch.it.workload;

import org.apache.commons.dbcp2.BasicDataSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Commons DBCP 2 pool ({@code BasicDataSource}) of 4 connections through MySQL Connector/J, 4
 * threads each writing a row, then pausing 5 ms, bounded in count and time. Usage:
 * {@code DbcpPoolChurnWorkload MODE URL USER PASSWORD CONNECTIONS SECONDS}, where MODE is
 * <ul>
 *   <li>{@code short-lifetime}: {@code maxConnLifetimeMillis} 100 ms, the churn: a connection
 *       older than that is closed by the pool when it is given back or taken, and the next take
 *       opens a new one, on the writer's thread;</li>
 *   <li>{@code long-lifetime}: 30 minutes, the cure: the pool keeps the connections it opened.</li>
 * </ul>
 * The writes go on until the pool has opened {@code CONNECTIONS} connections, or for
 * {@code SECONDS}, or 20,000 writes, whichever comes first (each writer finishes the write it is
 * in). Every connection is taken at one line ({@link #execute}), the first when the pool starts:
 * there DBCP opens one more connection, outside its pool, to check its settings, and closes it at
 * once. Prints {@code session TLS: <version, or empty>}, then
 * {@code dbcp2 done: <w> writes, <c> connections opened by the pool}.
 */
public final class DbcpPoolChurnWorkload {

    private static final int THREADS = 4;
    private static final int MAX_WRITES = 20_000;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        if (!mode.equals("short-lifetime") && !mode.equals("long-lifetime")) throw new IllegalArgumentException(mode);
        int connections = Integer.parseInt(args[4]);
        long seconds = Long.parseLong(args[5]);
        if (connections > 1000 || seconds > 60) throw new IllegalArgumentException("at most 1000 connections, 60 s");
        // portwatch installs its JDBC advice on an agent thread once the first JDBC type loads;
        // connects made before it is in place have no jdbc.connection span, nor the pool's name. Wait for it.
        DriverManager.getDrivers();
        LibraryAdvice.await(60);

        BasicDataSource pool = new BasicDataSource();
        pool.setUrl(args[1]);
        pool.setUsername(args[2]);
        pool.setPassword(args[3]);
        pool.setMaxTotal(THREADS);
        pool.setMaxConn(mode.equals("short-lifetime") ? Duration.ofMillis(100) : Duration.ofMinutes(30));
        // Else each retired connection is a warning on stderr.
        pool.setLogExpiredConnections(false);

        AtomicInteger writes = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long created;
        try {
            System.out.println("session TLS: " + execute(pool, "SHOW SESSION STATUS LIKE 'Ssl_version'"));
            execute(pool, "CREATE TABLE IF NOT EXISTS dbcp_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64))");
            Thread[] writers = new Thread[THREADS];
            for (int t = 0; t < THREADS; t++) {
                writers[t] = new Thread(() -> {
                    try {
                        while (pool.getConnectionPool().getCreatedCount() < connections
                                && System.nanoTime() < deadline && writes.get() < MAX_WRITES) {
                            execute(pool, "INSERT INTO dbcp_rows (v) VALUES (?)");
                            writes.incrementAndGet();
                            Thread.sleep(5);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "writer-" + t);
                writers[t].start();
            }
            for (Thread w : writers) w.join();
            created = pool.getConnectionPool().getCreatedCount();
        } finally {
            pool.close();
        }
        if (failure.get() != null) throw new IllegalStateException("a write failed", failure.get());
        // The kernel's word on the last connections comes about a second after their close.
        Thread.sleep(2_500);
        System.out.println("dbcp2 done: " + writes.get() + " writes, " + created
                + " connections opened by the pool");
    }

    /**
     * One statement on a connection of the pool, the line every connection is opened at; returns the
     * second column of a query's first row ("" for none), null for an update.
     */
    private static String execute(BasicDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (sql.startsWith("INSERT")) ps.setString(1, Thread.currentThread().getName());
            if (!ps.execute()) return null;
            try (ResultSet rs = ps.getResultSet()) {
                return rs.next() ? rs.getString(2) : "";
            }
        }
    }
}
