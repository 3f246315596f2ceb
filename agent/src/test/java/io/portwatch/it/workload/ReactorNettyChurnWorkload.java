package io.portwatch.it.workload;

import com.sun.net.httpserver.HttpServer;
import io.netty.channel.epoll.Epoll;
import reactor.netty.http.HttpResources;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Reactor Netty's HttpClient (on Netty's native epoll transport, which it prefers on Linux)
 * against the JDK's HTTP server on 127.0.0.1, both in this JVM: N GET requests one after another,
 * bounded in count and time. Usage: {@code ReactorNettyChurnWorkload MODE N}, where MODE is
 * <ul>
 *   <li>{@code no-pool}: one client built with {@code HttpClient.newConnection()}, pooling off,
 *       the churn: each request opens a connection and closes it after the response;</li>
 *   <li>{@code pooled}: one client on a pooled ConnectionProvider, the cure: its connection is
 *       reused, and closed when the provider is disposed at the end.</li>
 * </ul>
 * Prints {@code server port P}, then {@code reactor-netty done: <n> requests}.
 */
public final class ReactorNettyChurnWorkload {

    private static final long MAX_SECONDS = 60;
    private static final Duration EACH = Duration.ofSeconds(10);

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int n = Integer.parseInt(args[1]);
        if (n > 1000) throw new IllegalArgumentException("at most 1000 requests: " + n);
        if (!mode.equals("no-pool") && !mode.equals("pooled")) throw new IllegalArgumentException("mode " + mode);
        // The client is to run on epoll, not quietly on NIO: fail loudly if the native transport is missing.
        Epoll.ensureAvailability();
        // Loading the epoll classes started the install of portwatch's Netty advice: wait for it.
        LibraryAdvice.await(60);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        server.createContext("/", ex -> {
            byte[] body = "ok".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        System.out.println("server port " + port);
        ConnectionProvider provider = mode.equals("pooled") ? ConnectionProvider.create("portwatch-it", 4) : null;
        HttpClient client = provider != null ? HttpClient.create(provider) : HttpClient.newConnection();
        client = client.baseUrl("http://127.0.0.1:" + port);
        long deadline = System.nanoTime() + MAX_SECONDS * 1_000_000_000L;
        int sent = 0;
        try {
            for (int i = 0; i < n && System.nanoTime() < deadline; i++) {
                String body = client.get().uri("/x").responseContent().aggregate().asString().block(EACH);
                if (!"ok".equals(body)) throw new IllegalStateException("body " + body);
                sent++;
            }
            if (provider != null) provider.disposeLater().block(EACH);
        } finally {
            HttpResources.disposeLoopsAndConnectionsLater(Duration.ZERO, EACH).block(EACH);
            server.stop(0);
        }
        // The kernel's word on the last connections comes about a second after their close.
        Thread.sleep(2_500);
        System.out.println("reactor-netty done: " + sent + " requests");
    }
}
