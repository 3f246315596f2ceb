package io.portwatch.it.workload;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;

/**
 * Jedis against a redis-server on 127.0.0.1 that the test started: N {@code INCR} commands one
 * after another, bounded in count and time. Usage: {@code JedisChurnWorkload MODE PORT N}, where
 * MODE is
 * <ul>
 *   <li>{@code per-command}: a {@code new Jedis(host, port)} for each command, closed after it,
 *       the churn: a Jedis is one connection, and closing it closes the connection from this
 *       side;</li>
 *   <li>{@code pooled}: one {@code JedisPooled} (a pool of connections under Commons Pool 2) for
 *       all commands, the cure: one connection, taken and given back each time, closed with the
 *       pool at the end.</li>
 * </ul>
 * Prints {@code server port P}, then {@code jedis done: <n> commands}.
 */
public final class JedisChurnWorkload {

    private static final long MAX_SECONDS = 60;
    private static final String HOST = "127.0.0.1";

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        if (n > 1000) throw new IllegalArgumentException("at most 1000 commands: " + n);
        if (!mode.equals("per-command") && !mode.equals("pooled")) throw new IllegalArgumentException("mode " + mode);
        System.out.println("server port " + port);
        long deadline = System.nanoTime() + MAX_SECONDS * 1_000_000_000L;
        int sent = 0;
        long last = 0;
        JedisPooled pool = mode.equals("pooled") ? new JedisPooled(HOST, port) : null;
        try {
            for (int i = 0; i < n && System.nanoTime() < deadline; i++) {
                long value;
                if (pool != null) {
                    value = pool.incr("portwatch:it");
                } else {
                    try (Jedis jedis = new Jedis(HOST, port)) {
                        value = jedis.incr("portwatch:it");
                    }
                }
                if (value <= last) throw new IllegalStateException("INCR went from " + last + " to " + value);
                last = value;
                sent++;
            }
        } finally {
            if (pool != null) pool.close();
        }
        // The kernel's word on the last connections comes about a second after their close.
        Thread.sleep(2_500);
        System.out.println("jedis done: " + sent + " commands");
    }
}
