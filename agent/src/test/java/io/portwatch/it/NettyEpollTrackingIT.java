package io.portwatch.it;

import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static io.portwatch.it.AsyncChannelTrackingIT.clients;
import static io.portwatch.it.AsyncChannelTrackingIT.servers;
import static io.portwatch.it.SocketTrackingIT.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Netty's native epoll transport end to end, on Netty 4.1's jars and on 4.2's: the checks every
 * native transport must pass ({@link NettyTransportChecks}), and that Netty's NIO transport is
 * counted once, through the JDK.
 */
class NettyEpollTrackingIT extends NettyTransportChecks {

    @Override
    String api() {
        return "netty_epoll";
    }

    @Override
    List<String> transportOptions() {
        return List.of();
    }

    @Override
    String classNamePart() {
        return "Epoll";
    }

    @Override
    List<Path> nettyWithTransport() {
        return nettyDirs();
    }

    /** Netty's NIO transport is seen through the JDK's SocketChannelImpl: once, and not as epoll. */
    @ParameterizedTest
    @MethodSource("jdks")
    void theNioTransportIsCountedOnce(String jdk, Path netty) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            long port = run(jdk, netty, receiver, "nio", 10);
            List<ReceivedSpan> clients = clients(receiver, port);
            assertEquals(10, clients.size(), () -> "spans: " + clients);
            assertAll(clients, "portwatch.api", "channel");
            List<ReceivedSpan> servers = servers(receiver, port);
            assertEquals(10, servers.size(), () -> "spans: " + servers);
            assertAll(servers, "portwatch.api", "channel");
        }
    }
}
