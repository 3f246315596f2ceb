package io.portwatch.it;

import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.ClientLibraryRuns;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.RedisServer;
import io.portwatch.it.workload.JedisChurnWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.portwatch.it.AsyncChannelTrackingIT.clients;
import static io.portwatch.it.support.ClientLibraryRuns.assertChurnPattern;
import static io.portwatch.it.SocketTrackingIT.assertAll;
import static io.portwatch.it.SocketTrackingIT.assertNoExporterSpans;
import static io.portwatch.it.SocketTrackingIT.distinct;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Jedis named under its churn: a child JVM with the agent sends {@code INCR} commands to a real
 * {@code redis-server} that the test starts on loopback ({@link RedisServer},
 * {@link JedisChurnWorkload}): a {@code new Jedis} per command (the churn, {@code no_pool}) or one
 * {@code JedisPooled} (the cure). The server is another process, so the port's spans are the
 * client's alone. Jedis sets {@code SO_LINGER} 0 on its sockets, so each close goes out as a reset
 * and leaves no TIME_WAIT on either side: the churn costs a connection set-up per command, not
 * ports, and the pattern counts this JVM's reset as its close. Skipped, and says so, where
 * {@code redis-server} is not installed. Once per JDK.
 */
class JedisIT {

    private static final int COMMANDS = 120;
    /** The workload's line that connected: a regular expression. */
    private static final String SITE =
            "io\\.portwatch\\.it\\.workload\\.JedisChurnWorkload\\.main\\(JedisChurnWorkload\\.java:\\d+\\)";

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    private static ChildJvm.Result run(String jdk, OtlpReceiver receiver, String mode) throws Exception {
        assumeTrue(RedisServer.installed(), "redis-server is not installed (Debian's package redis-server;"
                + " .ci/run installs it as root): the Jedis tests need a real one");
        try (RedisServer redis = new RedisServer()) {
            ChildJvm child = ClientLibraryRuns.child(jdk, receiver)
                    .main(JedisChurnWorkload.class, mode, String.valueOf(redis.port()), String.valueOf(COMMANDS));
            return ClientLibraryRuns.run(child, "jedis done: " + COMMANDS + " commands");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aJedisPerCommandIsNamedJedisAndNoPool(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "per-command");
            long port = ClientLibraryRuns.serverPort(r);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(COMMANDS, clients.size(), () -> "one span per command's connection: " + clients);
            assertAll(clients, "network.peer.address", "127.0.0.1");
            assertEquals(COMMANDS, distinct(clients, "network.local.port").size(), "one local port per connection");
            assertAll(clients, "portwatch.closed_by", "reset");
            assertAll(clients, "portwatch.time_wait", false);
            assertAll(clients, "code.function.name", JedisChurnWorkload.class.getName() + ".main");
            assertAll(clients, "portwatch.client.library", "jedis");
            assertChurnPattern(clients, "no_pool");
            ClientLibraryRuns.assertOnlySpansOfThePort(receiver, port, clients, List.of());
            assertNoExporterSpans(receiver);

            ClientLibraryRuns.assertSummaryRow(r, COMMANDS, SITE, "jedis", "no_pool");
            assertTrue(Pattern.compile("to do 1: Reuse the connections opened at " + SITE + ": [^\\n]* through Jedis"
                    + " \\(no_pool\\)\\. Use one JedisPool \\(or JedisPooled\\) for the application and take"
                    + " connections with getResource\\(\\)").matcher(r.stderr).find(), r::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void oneJedisPooledIsOneConnectionAndNoChurn(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "pooled");
            // No recommendation first: a cure that churned would fail here, on what a user reads.
            assertFalse(r.stderr.contains("Reuse the connections"), r::toString);
            assertFalse(r.stderr.contains("JedisPool"), r::toString);
            long port = ClientLibraryRuns.serverPort(r);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(1, clients.size(), () -> "one connection for all commands: " + clients);
            assertAll(clients, "portwatch.closed_by", "reset");
            assertAll(clients, "portwatch.client.library", "jedis");
            assertAll(clients, "portwatch.churn.pattern", "none");
            ClientLibraryRuns.assertSummaryRow(r, 1, SITE, "jedis", "none");
        }
    }
}
