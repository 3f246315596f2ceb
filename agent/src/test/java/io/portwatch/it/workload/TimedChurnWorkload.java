package io.portwatch.it.workload;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Connection churn, timed: a warm-up, then ROUNDS rounds of N loopback connections on one thread
 * (the server closes first, so the client's ports come free at once), printing the best round's
 * rate, the heap in use after a GC, and the wall-clock time at which main returned. The best
 * round stands for the throughput because the other builders on the machine only ever slow a
 * round down. With IDLE_MILLIS, the application then idles that long before main returns (a
 * service that ran a while). Usage: {@code TimedChurnWorkload N ROUNDS [IDLE_MILLIS]}.
 */
public final class TimedChurnWorkload {

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        InetAddress host = InetAddress.getLoopbackAddress();
        double best = 0;
        try (ServerSocket server = new ServerSocket(0, 50, host)) {
            Thread serverThread = new Thread(() -> serve(server, n * (rounds + 1)), "churn-server");
            serverThread.start();
            churn(host, server.getLocalPort(), n); // warm-up
            for (int r = 0; r < rounds; r++) {
                long start = System.nanoTime();
                churn(host, server.getLocalPort(), n);
                best = Math.max(best, n / ((System.nanoTime() - start) / 1e9));
            }
            serverThread.join(60_000);
        }
        if (args.length > 2) Thread.sleep(Long.parseLong(args[2]));
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        System.out.printf("connections per second: %.0f%n", best);
        System.out.println("heap used after gc kB: " + memory.getHeapMemoryUsage().getUsed() / 1024);
        System.out.println("main returns at ms: " + System.currentTimeMillis());
    }

    private static void churn(InetAddress host, int port, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            try (Socket s = new Socket(host, port)) {
                InputStream in = s.getInputStream();
                while (in.read() >= 0) { /* until the server's FIN */ }
            }
        }
    }

    private static void serve(ServerSocket server, int n) {
        for (int i = 0; i < n; i++) {
            try (Socket s = server.accept()) {
                s.getOutputStream().write(1);
            } catch (Exception e) {
                e.printStackTrace();
                return;
            }
        }
    }
}
