package io.portwatch.junit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A loopback TCP server for plain-socket churn. Each accepted connection gets one byte, then the
 * server either waits for the client to close (the client closes first: a local close) or, when
 * built {@code closingFirst}, closes at once (the peer closes first).
 */
final class LoopbackServer implements AutoCloseable {

    private static final int READ_TIMEOUT_MILLIS = 10_000;

    private final ServerSocket server;
    private final boolean closingFirst;
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "loopback-server");
        t.setDaemon(true);
        return t;
    });

    LoopbackServer(boolean closingFirst) throws IOException {
        this.closingFirst = closingFirst;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        handlers.execute(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                handlers.execute(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (Socket socket = s) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(1);
            out.flush();
            if (!closingFirst) {
                InputStream in = socket.getInputStream();
                while (in.read() >= 0) {
                    // until the client's FIN
                }
            }
        } catch (IOException ignored) {
            // a client that went away: nothing to do
        }
    }

    /**
     * Opens {@code n} connections to 127.0.0.1 one after the other, reads the server's byte, and
     * closes: first (before the server) unless the server closes first, in which case it reads the
     * FIN first.
     */
    void connect(int n) throws IOException {
        connect("127.0.0.1", n);
    }

    /** Like {@link #connect(int)}, to {@code host} as the application names it ("localhost"). */
    void connect(String host, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port()), 5_000);
                s.setSoTimeout(READ_TIMEOUT_MILLIS);
                InputStream in = s.getInputStream();
                in.read();
                if (closingFirst) {
                    in.read(); // end of stream: the peer's FIN came first
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        handlers.shutdownNow();
        try {
            handlers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
