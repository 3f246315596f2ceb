package io.portwatch.it.workload;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load for the agent, on loopback, bounded in count and time. Usage:
 * <ul>
 *   <li>{@code hold N}: opens N connections and holds them (2N sockets) until exit;</li>
 *   <li>{@code threads THREADS EACH platform|virtual}: THREADS threads at once, each opening and
 *       closing (client first) EACH connections; prints {@code failures F};</li>
 *   <li>{@code soak SECONDS}: a steady 200 connections a second for SECONDS, printing the heap in
 *       use after a GC every 5 s as {@code heap kB K}.</li>
 * </ul>
 */
public final class LoadWorkload {

    private static final InetAddress HOST = InetAddress.getLoopbackAddress();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "hold": hold(Integer.parseInt(args[1])); break;
            case "threads": threads(Integer.parseInt(args[1]), Integer.parseInt(args[2]), args[3].equals("virtual")); break;
            case "soak": soak(Integer.parseInt(args[1])); break;
            default: throw new IllegalArgumentException(args[0]);
        }
        System.out.println("workload " + args[0] + " done");
    }

    static void hold(int n) throws Exception {
        if (n > 8000) throw new IllegalArgumentException("at most 8000: two descriptors each");
        List<Socket> held = new ArrayList<>();
        ServerSocket server = new ServerSocket(0, 1000, HOST);
        for (int i = 0; i < n; i++) {
            held.add(new Socket(HOST, server.getLocalPort()));
            held.add(server.accept());
        }
        System.out.println("holding " + n);
    }

    static void threads(int threads, int each, boolean virtual) throws Exception {
        AtomicLong failures = new AtomicLong();
        try (ServerSocket server = new ServerSocket(0, 1000, HOST)) {
            ExecutorService handlers = Executors.newFixedThreadPool(8);
            Thread acceptor = new Thread(() -> {
                for (int i = 0; i < threads * each; i++) {
                    try {
                        Socket s = server.accept();
                        handlers.execute(() -> readToEnd(s));
                    } catch (Exception e) {
                        e.printStackTrace();
                        return;
                    }
                }
            }, "load-acceptor");
            acceptor.start();
            ExecutorService clients = virtual ? SocketWorkload.virtualThreadExecutor() : Executors.newFixedThreadPool(threads);
            for (int t = 0; t < threads; t++) {
                clients.execute(() -> {
                    for (int i = 0; i < each; i++) {
                        try (Socket s = new Socket(HOST, server.getLocalPort())) {
                            s.getOutputStream().write(1);
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                    }
                });
            }
            clients.shutdown();
            clients.awaitTermination(120, TimeUnit.SECONDS);
            acceptor.join(60_000);
            handlers.shutdown();
            handlers.awaitTermination(60, TimeUnit.SECONDS);
        }
        System.out.println("failures " + failures.get());
    }

    static void soak(int seconds) throws Exception {
        if (seconds > 300) throw new IllegalArgumentException("at most 300 s");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (ServerSocket server = new ServerSocket(0, 200, HOST)) {
            ExecutorService handlers = Executors.newFixedThreadPool(2);
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        handlers.execute(() -> readToEnd(s));
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "soak-acceptor");
            acceptor.start();
            long start = System.nanoTime();
            long next = start;
            long nextSample = start;
            while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds)) {
                if (System.nanoTime() >= nextSample) {
                    System.gc();
                    System.out.println("heap kB " + memory.getHeapMemoryUsage().getUsed() / 1024);
                    nextSample += TimeUnit.SECONDS.toNanos(5);
                }
                // Server and client close in turn: TIME_WAITs on both sides, records of both kinds.
                try (Socket s = new Socket(HOST, server.getLocalPort())) {
                    s.getOutputStream().write(1);
                }
                next += TimeUnit.MILLISECONDS.toNanos(5);
                long wait = next - System.nanoTime();
                if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            }
            handlers.shutdown();
            handlers.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static void readToEnd(Socket socket) {
        try (Socket s = socket; InputStream in = s.getInputStream()) {
            while (in.read() >= 0) { /* until the client's FIN */ }
        } catch (Exception e) {
            e.printStackTrace();
        }
    }
}
