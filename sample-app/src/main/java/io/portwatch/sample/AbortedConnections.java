package io.portwatch.sample;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * abort: a new physical connection per write, ended with {@link Connection#abort(Executor)}: the
 * client drops the socket without sending COM_QUIT, as pools do with connections they give up on.
 */
final class AbortedConnections implements ConnectionSource {
    private final DatabaseTarget target;
    private final ExecutorService abortThreads;
    private final AtomicLong abortFailures = new AtomicLong();
    private final Executor executor;

    AbortedConnections(DatabaseTarget target, int threads) {
        this.target = target;
        AtomicInteger n = new AtomicInteger();
        this.abortThreads = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, 4)), r -> {
            Thread t = new Thread(r, "sample-abort-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.executor = task -> abortThreads.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                abortFailures.incrementAndGet();
            }
        });
    }

    @Override
    public Connection acquire() throws SQLException {
        return target.connect();
    }

    @Override
    public void release(Connection connection) throws SQLException {
        connection.abort(executor);
    }

    @Override
    public String describe() {
        return "a new connection per write (DriverManager.getConnection), ended with Connection.abort(executor)";
    }

    @Override
    public String summaryNote() {
        long failures = abortFailures.get();
        return failures == 0 ? "" : "aborts that failed on the abort executor: " + failures;
    }

    @Override
    public void close() {
        abortThreads.shutdown();
        try {
            abortThreads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
