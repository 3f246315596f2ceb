package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.ClientLibraryRuns;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.support.RedisServer;
import io.portwatch.it.workload.LettuceChurnWorkload;
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
 * Lettuce end to end: a child JVM with the agent sends {@code INCR} commands over Netty's native
 * epoll transport to a real {@code redis-server} that the test starts on loopback
 * ({@link RedisServer}, {@link LettuceChurnWorkload}): a connection per command, and one shared
 * connection as the contrast. The server is another process, so the port's spans are the client's
 * alone: one per connection. Skipped, and says so, where {@code redis-server} is not installed.
 * Once per JDK.
 */
class LettuceIT {

    private static final int COMMANDS = 120;
    /** The workload's line that connected: a regular expression. */
    private static final String SITE =
            "io\\.portwatch\\.it\\.workload\\.LettuceChurnWorkload\\.main\\(LettuceChurnWorkload\\.java:\\d+\\)";

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    private static ChildJvm.Result run(String jdk, OtlpReceiver receiver, String mode) throws Exception {
        assumeTrue(RedisServer.installed(), "redis-server is not installed (Debian's package redis-server;"
                + " .ci/run installs it as root): the Lettuce tests need a real one");
        try (RedisServer redis = new RedisServer()) {
            ChildJvm child = ClientLibraryRuns.child(jdk, receiver)
                    .main(LettuceChurnWorkload.class, mode, String.valueOf(redis.port()), String.valueOf(COMMANDS));
            return ClientLibraryRuns.run(child, "lettuce done: " + COMMANDS + " commands");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aConnectionPerCommandIsNamedLettuceAndClientPerRequest(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "per-command");
            long port = ClientLibraryRuns.serverPort(r);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(COMMANDS, clients.size(), () -> "one span per command's connection: " + clients);
            assertAll(clients, "portwatch.api", "netty_epoll");
            assertAll(clients, "network.peer.address", "127.0.0.1");
            assertEquals(COMMANDS, distinct(clients, "network.local.port").size(), "one local port per connection");
            ClientLibraryRuns.assertClosedByThisSide(clients);
            assertAll(clients, "code.function.name", LettuceChurnWorkload.class.getName() + ".main");
            assertAll(clients, "portwatch.client.library", "lettuce");
            assertChurnPattern(clients, "client_per_request");
            ClientLibraryRuns.assertOnlySpansOfThePort(receiver, port, clients, List.of());
            assertNoExporterSpans(receiver);

            ClientLibraryRuns.assertSummaryRow(r, COMMANDS, SITE, "lettuce", "client_per_request");
            assertTrue(Pattern.compile("to do 1: Reuse the connections opened at " + SITE + ": [^\\n]* through Lettuce"
                    + " \\(client_per_request\\)\\. Build one RedisClient and share one StatefulRedisConnection")
                    .matcher(r.stderr).find(), r::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void oneSharedConnectionIsOneSpanAndNoChurn(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "shared");
            long port = ClientLibraryRuns.serverPort(r);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(1, clients.size(), () -> "one connection for all commands: " + clients);
            assertAll(clients, "portwatch.api", "netty_epoll");
            assertAll(clients, "portwatch.closed_by", "local");
            assertAll(clients, "portwatch.client.library", "lettuce");
            assertAll(clients, "portwatch.churn.pattern", "none");
            ClientLibraryRuns.assertSummaryRow(r, 1, SITE, "lettuce", "none");
            assertFalse(r.stderr.contains("Reuse the connections"), r::toString);
            assertFalse(r.stderr.contains("StatefulRedisConnection"), r::toString);
        }
    }
}
