package io.portwatch.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fills the TIME_WAIT table with loopback connections that the client closes first, to give the
 * benchmark a real kernel table. Bounded in count and time; loopback only. Meant to run inside a
 * network namespace made for it (see {@code run-netns.sh}), where {@code tcp_tw_reuse=0} and a wide
 * {@code ip_local_port_range} let the TIME_WAITs pile up.
 *
 * <p>Usage: {@code LoopbackChurn CONNECTIONS MAX_SECONDS [THREADS]}.
 */
public final class LoopbackChurn {

    public static void main(String[] args) throws Exception {
        int total = Integer.parseInt(args[0]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 4096, loopback)) {
            ExecutorService closers = Executors.newFixedThreadPool(threads);
            Thread acceptor = new Thread(() -> acceptLoop(server, closers), "acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
            AtomicInteger next = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            Thread[] clients = new Thread[threads];
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                clients[t] = new Thread(() -> {
                    while (next.getAndIncrement() < total && System.nanoTime() < deadline) {
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress(loopback, server.getLocalPort()), 1000);
                        } catch (IOException e) { // closing first: the TIME_WAIT stays on this side
                            if (failures.incrementAndGet() > 100) {
                                return;
                            }
                        }
                    }
                });
                clients[t].start();
            }
            for (Thread c : clients) {
                c.join();
            }
            closers.shutdown();
            closers.awaitTermination(10, TimeUnit.SECONDS);
            System.out.printf("churned %d connections in %.1f s, %d failures%n", Math.min(total, next.get()),
                (System.nanoTime() - start) / 1e9, failures.get());
        }
    }

    /** The server reads until the client's FIN, then closes: the client closed first. */
    private static void acceptLoop(ServerSocket server, ExecutorService closers) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                closers.execute(() -> {
                    try (Socket c = s; InputStream in = c.getInputStream()) {
                        while (in.read() >= 0) {
                            // drain until end of stream
                        }
                    } catch (IOException ignored) {
                        // the client is gone either way
                    }
                });
            } catch (IOException | RejectedExecutionException e) {
                return; // the server or the closers were shut down: the run is over
            }
        }
    }
}
