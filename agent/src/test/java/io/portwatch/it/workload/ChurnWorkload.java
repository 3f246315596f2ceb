package io.portwatch.it.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Workloads for the kernel tests, run by a child JVM inside a test's network namespace, server and
 * client both in this JVM on 127.0.0.1, bounded in count and time. Usage:
 * <ul>
 *   <li>{@code churn PORT RATE SECONDS}: a new connection every 1/RATE s for at most SECONDS, the
 *       client writing a byte and closing first; stops at the first connect that fails with
 *       "Cannot assign requested address" (BindException), after printing
 *       {@code churn FIRST FAILURE at <epoch ms> after <n> connections: <message>} on stderr and
 *       stdout. Ends with {@code churn done: <n> connections, <f> failures, <ms> ms}.</li>
 *   <li>{@code churn PORT RATE SECONDS HOLD_MS}: the same, each connection kept open HOLD_MS
 *       before the client closes it (a request's time), on a timer thread.</li>
 *   <li>{@code churn-client PORT RATE SECONDS HOLD_MS}: the same as a client only, toward a server
 *       another process runs on PORT; refused connects are retried (for 30 s at most) until it
 *       listens.</li>
 *   <li>{@code churn-bound PORT RATE SECONDS}: the same, each socket bound to 127.0.0.1:0 before
 *       it connects, so its port comes from bind(); out of ports, that fails with "Address
 *       already in use".</li>
 *   <li>{@code mixed PORT N}: N rounds of three connections, one at a time: the client closes first
 *       ({@code C}), the server closes first ({@code S}), the client closes with SO_LINGER 0
 *       ({@code L}); prints {@code conn <kind> <client local port>} for each.</li>
 * </ul>
 * The server listens on a fixed PORT outside the narrow ephemeral range the tests set, so that it
 * takes no port from the pool being exhausted.
 */
public final class ChurnWorkload {

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        InetAddress host = InetAddress.getByName("127.0.0.1");
        switch (mode) {
            case "churn":
                churn(host, port, Double.parseDouble(args[2]), Double.parseDouble(args[3]), false,
                        args.length > 4 ? Long.parseLong(args[4]) : 0, true);
                break;
            case "churn-client":
                churn(host, port, Double.parseDouble(args[2]), Double.parseDouble(args[3]), false,
                        Long.parseLong(args[4]), false);
                break;
            case "churn-bound":
                churn(host, port, Double.parseDouble(args[2]), Double.parseDouble(args[3]), true, 0, true);
                break;
            case "mixed":
                mixed(host, port, Integer.parseInt(args[2]));
                break;
            default:
                throw new IllegalArgumentException("unknown mode " + mode);
        }
        System.out.println("workload " + mode + " done");
    }

    static void churn(InetAddress host, int port, double rate, double seconds, boolean bindFirst, long holdMillis,
                      boolean serve) throws Exception {
        long max = (long) Math.ceil(rate * seconds);
        if (max > 5000) throw new IllegalArgumentException("at most 5000 connections: " + max);
        if (!serve) {
            awaitServer(host, port);
            max--; // the probe was one
        }
        ScheduledExecutorService closer = Executors.newSingleThreadScheduledExecutor();
        ExecutorService handlers = Executors.newFixedThreadPool(16);
        AtomicLong accepted = new AtomicLong();
        long opened = 0;
        long failures = 0;
        long start = System.nanoTime();
        long period = (long) (1e9 / rate);
        try (ServerSocket server = serve ? new ServerSocket(port, 200, host) : null) {
            Thread acceptor = !serve ? new Thread(() -> { }) : new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        accepted.incrementAndGet();
                        handlers.execute(() -> {
                            try (Socket c = s; InputStream in = c.getInputStream()) {
                                while (in.read() >= 0) { /* until the client's FIN */ }
                            } catch (IOException e) {
                                e.printStackTrace();
                            }
                        });
                    } catch (IOException e) {
                        if (!server.isClosed()) e.printStackTrace();
                    }
                }
            }, "churn-acceptor");
            acceptor.start();
            long next = start;
            long stopBy = start + (long) (3 * seconds * 1e9);
            for (long i = 0; i < max; i++) {
                long wait = next - System.nanoTime();
                if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
                long now = System.nanoTime();
                if (now > stopBy) {
                    System.out.println("churn time limit reached");
                    break;
                }
                // Never faster than the rate, even to catch up after a stall: a steady load.
                next = now + period;
                try {
                    Socket s = bindFirst ? new Socket() : new Socket(host, port);
                    try {
                        if (bindFirst) {
                            s.bind(new java.net.InetSocketAddress(host, 0));
                            s.connect(new java.net.InetSocketAddress(host, port));
                        }
                        opened++;
                        s.getOutputStream().write(1);
                    } finally {
                        if (holdMillis > 0) closer.schedule(() -> closeQuietly(s), holdMillis, TimeUnit.MILLISECONDS);
                        else s.close();
                    }
                } catch (BindException e) {
                    failures++;
                    String line = "churn FIRST FAILURE at " + System.currentTimeMillis() + " after " + opened
                            + " connections: " + e;
                    System.err.println(line);
                    System.out.println(line);
                    break;
                }
            }
            closer.shutdown();
            closer.awaitTermination(holdMillis + 5000, TimeUnit.MILLISECONDS);
            // Let the server finish its side, so every accepted connection has ended before exit.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (serve && accepted.get() < opened && System.nanoTime() < deadline) Thread.sleep(10);
            handlers.shutdown();
            handlers.awaitTermination(5, TimeUnit.SECONDS);
        }
        String done = String.format("churn done: %d connections, %d failures, %d ms", opened, failures,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        System.err.println(done);
        System.out.println(done);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            e.printStackTrace();
        }
    }

    /** Connects until the server listens (refused meanwhile), 30 s at most; the connection is closed at once. */
    private static void awaitServer(InetAddress host, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket s = new Socket(host, port)) {
                s.getOutputStream().write(1);
                return;
            } catch (java.net.ConnectException refused) {
                if (System.nanoTime() > deadline) throw refused;
                Thread.sleep(50);
            }
        }
    }

    static void mixed(InetAddress host, int port, int rounds) throws Exception {
        if (rounds > 300) throw new IllegalArgumentException("at most 300 rounds");
        PrintStream out = System.out;
        try (ServerSocket server = new ServerSocket(port, 50, host)) {
            Thread serverThread = new Thread(() -> {
                for (int i = 0; i < 3 * rounds; i++) {
                    try (Socket s = server.accept()) {
                        InputStream in = s.getInputStream();
                        try {
                            int kind = in.read();
                            if (kind == 'S') {
                                s.getOutputStream().write(1); // then close: our FIN goes first
                            } else {
                                while (in.read() >= 0) { /* until the client's FIN, or its reset */ }
                            }
                        } catch (SocketException reset) {
                            // the SO_LINGER 0 client's RST
                        }
                    } catch (IOException e) {
                        e.printStackTrace();
                    }
                }
            }, "mixed-server");
            serverThread.start();
            for (int i = 0; i < rounds; i++) {
                try (Socket s = new Socket(host, port)) {
                    out.println("conn C " + s.getLocalPort());
                    s.getOutputStream().write('C');
                }
                try (Socket s = new Socket(host, port)) {
                    out.println("conn S " + s.getLocalPort());
                    s.getOutputStream().write('S');
                    InputStream in = s.getInputStream();
                    while (in.read() >= 0) { /* until the server's FIN */ }
                }
                Socket s = new Socket(host, port);
                out.println("conn L " + s.getLocalPort());
                s.setSoLinger(true, 0);
                s.getOutputStream().write('L');
                s.close();
            }
            serverThread.join(30_000);
            if (serverThread.isAlive()) throw new IllegalStateException("server did not finish");
        }
    }
}
