package io.portwatch.it.support;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A collector gone wrong, on loopback: {@link Fault#HANG} accepts connections and never answers
 * nor reads; {@link Fault#SLOW} reads each request and answers 200 only after a delay. The
 * connections it holds are bounded in number; past it, new ones are closed at once.
 */
public final class FaultyCollector implements AutoCloseable {

    public enum Fault { HANG, SLOW }

    private static final int MAX_CONNECTIONS = 64;

    private final Fault fault;
    private final long delayMillis;
    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    public FaultyCollector(Fault fault, long delayMillis) throws IOException {
        this.fault = fault;
        this.delayMillis = delayMillis;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "faulty-collector");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Requests answered so far (SLOW only). */
    public int requests() {
        return requests.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                if (held.size() >= MAX_CONNECTIONS) {
                    s.close();
                    continue;
                }
                held.add(s);
                if (fault == Fault.SLOW) {
                    Thread t = new Thread(() -> answerSlowly(s), "faulty-collector-slow");
                    t.setDaemon(true);
                    t.start();
                }
            } catch (IOException e) {
                // closed
            }
        }
    }

    /**
     * HTTP/1.1 keep-alive: each request read whole, then after the delay an empty 200. Buffered:
     * read a byte at a time, a batch of spans cost this thread a system call per byte: CPU taken
     * from the child whose throughput is measured, on two cores.
     */
    private void answerSlowly(Socket s) {
        try (Socket socket = s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            while (true) {
                long length = readHeaders(in);
                if (length < 0) return;
                for (long i = 0; i < length; i++) {
                    if (in.read() < 0) return;
                }
                Thread.sleep(delayMillis);
                out.write("HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                requests.incrementAndGet();
            }
        } catch (IOException | InterruptedException e) {
            // the client went away, or we were closed
        } finally {
            held.remove(s);
        }
    }

    /** Reads a request's headers; returns its Content-Length (0 if none), or -1 at end of stream. */
    private static long readHeaders(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        long length = 0;
        boolean any = false;
        int c;
        while ((c = in.read()) >= 0) {
            any = true;
            if (c == '\n') {
                String l = line.toString().trim();
                if (l.isEmpty()) return length;
                if (l.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Long.parseLong(l.substring("content-length:".length()).trim());
                }
                line.setLength(0);
            } else if (line.length() < 8192) {
                line.append((char) c);
            }
        }
        return any ? length : -1;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : held) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
