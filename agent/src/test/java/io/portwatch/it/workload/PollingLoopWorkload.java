package io.portwatch.it.workload;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A line server on 127.0.0.1 in this JVM (one answer per line, a connection closed once the client
 * closed it, so the client closes first) and three clients of it, one after another, each from a
 * line of code and thread of its own, bounded in count and time. Usage: {@code PollingLoopWorkload N}:
 * <ul>
 *   <li>{@code loop}: a polling loop, on one thread: N times a new {@link Socket}, a line written,
 *       the answer read, the socket closed;</li>
 *   <li>{@code kept}: the cure, the same N exchanges over one socket kept open across the loop's
 *       iterations;</li>
 *   <li>{@code concurrent}: N connections from one line on 8 threads, eight open at once (each
 *       thread waits for the other seven before it closes): the same connections, overlapping.</li>
 * </ul>
 * Prints {@code server port P}, then {@code polling done: <n> loop, <n> kept, <n> concurrent}.
 */
public final class PollingLoopWorkload {

    private static final long MAX_SECONDS = 30;
    private static final int THREADS = 8;
    private static final int TIMEOUT_MILLIS = 10_000;

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        if (n > 1000 || n % THREADS != 0) throw new IllegalArgumentException("at most 1000, a multiple of 8: " + n);
        InetAddress host = InetAddress.getByName("127.0.0.1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MAX_SECONDS);
        ExecutorService handlers = Executors.newFixedThreadPool(THREADS + 2);
        AtomicInteger served = new AtomicInteger();
        int loop;
        int kept;
        int concurrent;
        try (ServerSocket server = new ServerSocket(0, 64, host)) {
            Thread acceptor = new Thread(() -> accept(server, handlers, served), "polling-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            int port = server.getLocalPort();
            System.out.println("server port " + port);
            // Each form on a thread of its own: past its first walks, a thread's connections toward one
            // destination take its last walk's call site (the agent's RecentWalks), the cure's too.
            loop = onItsOwnThread("polling-loop", () -> loop(host, port, n, deadline));
            kept = onItsOwnThread("polling-kept", () -> kept(host, port, n, deadline));
            concurrent = concurrent(host, port, n, deadline);
            // Every accepted connection ended before exit, so that the report sees both sides.
            int opened = loop + 1 + concurrent;
            while (served.get() < opened && System.nanoTime() < deadline) Thread.sleep(10);
        } finally {
            handlers.shutdown();
            handlers.awaitTermination(5, TimeUnit.SECONDS);
        }
        System.out.println("polling done: " + loop + " loop, " + kept + " kept, " + concurrent + " concurrent");
    }

    /** What a form did, or -1 when it failed (its stack trace printed). */
    private static int onItsOwnThread(String name, Callable<Integer> form) throws InterruptedException {
        AtomicInteger done = new AtomicInteger(-1);
        Thread t = new Thread(() -> {
            try {
                done.set(form.call());
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, name);
        t.start();
        t.join(TimeUnit.SECONDS.toMillis(MAX_SECONDS));
        return done.get();
    }

    /** The polling loop: a connection per iteration. */
    private static int loop(InetAddress host, int port, int n, long deadline) throws IOException {
        int done = 0;
        for (int i = 0; i < n && System.nanoTime() < deadline; i++) {
            try (Socket s = new Socket(host, port)) {
                exchange(s, i);
            }
            done++;
        }
        return done;
    }

    /** The cure: one connection for every iteration. */
    private static int kept(InetAddress host, int port, int n, long deadline) throws IOException {
        int done = 0;
        try (Socket s = new Socket(host, port)) {
            for (int i = 0; i < n && System.nanoTime() < deadline; i++) {
                exchange(s, i);
                done++;
            }
        }
        return done;
    }

    /** The contrast: the same number of connections, eight open at once. */
    private static int concurrent(InetAddress host, int port, int n, long deadline) throws Exception {
        CyclicBarrier allOpen = new CyclicBarrier(THREADS);
        AtomicInteger done = new AtomicInteger();
        Thread[] threads = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            threads[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < n / THREADS && System.nanoTime() < deadline; i++) {
                        concurrentRequest(host, port, i, allOpen);
                        done.incrementAndGet();
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }, "polling-concurrent-" + t);
            threads[t].start();
        }
        for (Thread t : threads) t.join(TimeUnit.SECONDS.toMillis(MAX_SECONDS));
        return done.get();
    }

    private static void concurrentRequest(InetAddress host, int port, int i, CyclicBarrier allOpen)
            throws IOException, InterruptedException, BrokenBarrierException, TimeoutException {
        try (Socket s = new Socket(host, port)) {
            exchange(s, i);
            allOpen.await(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Writes a line and reads the answer. */
    private static void exchange(Socket s, int i) throws IOException {
        s.setSoTimeout(TIMEOUT_MILLIS);
        OutputStream out = s.getOutputStream();
        out.write(("poll " + i + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        int b;
        StringBuilder answer = new StringBuilder();
        while ((b = s.getInputStream().read()) >= 0 && b != '\n') answer.append((char) b);
        if (!answer.toString().equals("ok " + i)) throw new IOException("answer '" + answer + "' to poll " + i);
    }

    private static void accept(ServerSocket server, ExecutorService handlers, AtomicInteger served) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                handlers.execute(() -> serve(s, served));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Answers each line until the client closes, then closes: the client's FIN first. */
    private static void serve(Socket s, AtomicInteger served) {
        try (Socket socket = s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.write(("ok " + line.substring("poll ".length()) + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            e.printStackTrace();
        } finally {
            served.incrementAndGet();
        }
    }
}
