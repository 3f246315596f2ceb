package io.portwatch.it.workload;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * JDBC workloads for a child JVM with the agent: the founding incident's pattern (a new
 * connection per write, from several threads), the same through a HikariCP pool, a connect with
 * a wrong password (each once the agent's JDBC advice is in place), and one connect first thing
 * in {@code main} ({@code first}). Usage: {@code JdbcWorkload MODE URL USER PASSWORD WRITES THREADS}.
 * {@code steady} is the incident's job at a steady rate until its first failed write:
 * {@code ... WRITES THREADS PER_SECOND}; it prints when it started and when a write first failed.
 */
public final class JdbcWorkload {

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String url = args[1];
        Properties info = new Properties();
        info.setProperty("user", args[2]);
        info.setProperty("password", args[3]);
        int writes = Integer.parseInt(args[4]);
        int threads = Integer.parseInt(args[5]);
        if (!mode.equals("first")) {
            // portwatch installs its JDBC advice on an agent thread once the first JDBC type loads;
            // connects made before it is in place have no jdbc.connection span. Wait for it.
            DriverManager.getDrivers();
            LibraryAdvice.await(60);
        }
        switch (mode) {
            case "first":
                try (Connection c = DriverManager.getConnection(url, info)) {
                    System.out.println("advice installed after the connect: " + LibraryAdvice.installed());
                }
                break;
            case "churn":
                createTable(DriverManager.getConnection(url, info));
                run(writes, threads, () -> {
                    try (Connection c = DriverManager.getConnection(url, info)) {
                        insert(c);
                    }
                });
                break;
            case "pooled":
                HikariConfig config = new HikariConfig();
                config.setJdbcUrl(url);
                config.setDataSourceProperties(info);
                config.setMaximumPoolSize(threads);
                config.setMinimumIdle(threads);
                config.setPoolName("it-pool");
                try (HikariDataSource pool = new HikariDataSource(config)) {
                    createTable(pool.getConnection());
                    run(writes, threads, () -> {
                        try (Connection c = pool.getConnection()) {
                            insert(c);
                        }
                    });
                }
                break;
            case "steady":
                createTable(DriverManager.getConnection(url, info));
                steady(writes, threads, Double.parseDouble(args[6]), () -> {
                    try (Connection c = DriverManager.getConnection(url, info)) {
                        insert(c);
                    }
                });
                break;
            case "wrong-password":
                try (Connection c = DriverManager.getConnection(url, info)) {
                    throw new IllegalStateException("connected with a wrong password?");
                } catch (SQLException expected) {
                    System.out.println("denied: SQLState " + expected.getSQLState());
                }
                break;
            default:
                throw new IllegalArgumentException("unknown mode " + mode);
        }
        System.out.println("jdbc workload " + mode + " done");
    }

    interface Write {
        void run() throws SQLException;
    }

    private static void createTable(Connection c) throws SQLException {
        try (Connection conn = c; Statement s = conn.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS it_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64))");
        }
    }

    private static void insert(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO it_rows (v) VALUES (?)")) {
            ps.setString(1, Thread.currentThread().getName());
            ps.executeUpdate();
        }
    }

    /**
     * {@code writes} at most, {@code perSecond} in all over {@code threads}, each on a new
     * connection, until the first one fails: then the failure's time and cause, and the end.
     * Bounded by the count and by two minutes.
     */
    private static void steady(int writes, int threads, double perSecond, Write write) throws InterruptedException {
        long periodNanos = (long) (1e9 / perSecond);
        long start = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        System.out.println("jdbc steady started at " + System.currentTimeMillis());
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                int i;
                while (!failed.get() && (i = next.getAndIncrement()) < writes
                        && System.nanoTime() - start < TimeUnit.MINUTES.toNanos(2)) {
                    long wait = start + i * periodNanos - System.nanoTime();
                    if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    try {
                        write.run();
                    } catch (SQLException e) {
                        if (failed.compareAndSet(false, true)) {
                            Throwable cause = e;
                            while (cause.getCause() != null) cause = cause.getCause();
                            System.out.println("jdbc FIRST FAILURE at " + System.currentTimeMillis() + " after " + i
                                    + " writes: " + cause);
                        }
                    }
                }
            }, "writer-" + t);
            workers[t].start();
        }
        for (Thread w : workers) w.join();
    }

    private static void run(int writes, int threads, Write write) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger failed = new AtomicInteger();
        for (int i = 0; i < writes; i++) {
            pool.execute(() -> {
                try {
                    write.run();
                } catch (SQLException e) {
                    failed.incrementAndGet();
                    e.printStackTrace();
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(120, TimeUnit.SECONDS)) throw new IllegalStateException("writes did not finish");
        if (failed.get() > 0) throw new IllegalStateException(failed.get() + " writes failed");
    }
}
