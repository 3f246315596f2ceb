package io.portwatch.it.workload;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.netty.channel.epoll.Epoll;

import java.time.Duration;

/**
 * Lettuce against a redis-server on 127.0.0.1 that the test started: N {@code INCR} commands one
 * after another, bounded in count and time, on Netty's native epoll transport (Lettuce takes it
 * when the jar is there). Usage: {@code LettuceChurnWorkload MODE PORT N}, where MODE is
 * <ul>
 *   <li>{@code per-command}: one RedisClient, a new connection for each command, closed after
 *       it, the churn (Lettuce without a pool, used like a JDBC driver);</li>
 *   <li>{@code shared}: one connection for all commands, the cure: one connection, closed at
 *       the end.</li>
 * </ul>
 * Prints {@code server port P}, then {@code lettuce done: <n> commands}.
 */
public final class LettuceChurnWorkload {

    private static final long MAX_SECONDS = 60;
    private static final Duration EACH = Duration.ofSeconds(10);

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        if (n > 1000) throw new IllegalArgumentException("at most 1000 commands: " + n);
        if (!mode.equals("per-command") && !mode.equals("shared")) throw new IllegalArgumentException("mode " + mode);
        // Lettuce is to run on epoll, not quietly on NIO: fail loudly if the native transport is missing.
        Epoll.ensureAvailability();
        // Loading the epoll classes started the install of portwatch's Netty advice: wait for it.
        LibraryAdvice.await(60);
        System.out.println("server port " + port);
        RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(port).withTimeout(EACH).build();
        RedisClient client = RedisClient.create(uri);
        long deadline = System.nanoTime() + MAX_SECONDS * 1_000_000_000L;
        int sent = 0;
        try {
            StatefulRedisConnection<String, String> shared = mode.equals("shared") ? client.connect() : null;
            long last = 0;
            for (int i = 0; i < n && System.nanoTime() < deadline; i++) {
                StatefulRedisConnection<String, String> connection = shared != null ? shared : client.connect();
                long value = connection.sync().incr("portwatch:it");
                if (value <= last) throw new IllegalStateException("INCR went from " + last + " to " + value);
                last = value;
                sent++;
                if (shared == null) connection.close();
            }
            if (shared != null) shared.close();
        } finally {
            client.shutdown(Duration.ZERO, EACH);
        }
        // The kernel's word on the last connections comes about a second after their close.
        Thread.sleep(2_500);
        System.out.println("lettuce done: " + sent + " commands");
    }
}
