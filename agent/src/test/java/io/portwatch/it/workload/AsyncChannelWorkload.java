package io.portwatch.it.workload;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Loopback workloads on {@code AsynchronousSocketChannel}, for a child JVM with the agent. Each
 * makes {@code N} connections, one after another, each bounded in time, and prints the server's
 * port and "done". Usage: {@code AsyncChannelWorkload MODE HOST N}.
 */
public final class AsyncChannelWorkload {

    private static final long TIMEOUT_SECONDS = 30;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        InetAddress host = InetAddress.getByName(args[1]);
        int n = Integer.parseInt(args[2]);
        switch (mode) {
            case "client-close": clientCloses(host, n); break;
            case "server-close": serverCloses(host, n); break;
            case "reset-to-client": resetToClient(host, n); break;
            case "reset-to-server": resetToServer(host, n); break;
            case "refused": refused(host); break;
            default: throw new IllegalArgumentException("unknown mode " + mode);
        }
        // The kernel's word on the last connections comes about a second after their close.
        Thread.sleep(2_500);
        System.out.println("workload " + mode + " done");
    }

    /** The client writes a byte and closes; the accepted channel reads to -1, then closes. */
    static void clientCloses(InetAddress host, int n) throws Exception {
        try (AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(host, 0));
            InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
            System.out.println("server port " + address.getPort());
            Thread acceptor = accept(server, n, ch -> readToEnd(ch));
            for (int i = 0; i < n; i++) {
                try (AsynchronousSocketChannel ch = AsynchronousSocketChannel.open()) {
                    connect(ch, address, i % 2 == 0);
                    ch.write(ByteBuffer.wrap(new byte[]{1})).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                }
            }
            acceptor.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        }
    }

    /** The accepted channel writes a byte and closes; the client reads to -1, then closes. */
    static void serverCloses(InetAddress host, int n) throws Exception {
        try (AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(host, 0));
            InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
            System.out.println("server port " + address.getPort());
            Thread acceptor = accept(server, n,
                    ch -> ch.write(ByteBuffer.wrap(new byte[]{1})).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            for (int i = 0; i < n; i++) {
                try (AsynchronousSocketChannel ch = AsynchronousSocketChannel.open()) {
                    connect(ch, address, i % 2 == 0);
                    readToEnd(ch);
                }
            }
            acceptor.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        }
    }

    /**
     * A plain server socket reads the client's byte, then closes with SO_LINGER 0 (RST); the
     * asynchronous client's read sees the reset. (Reset before the client's connect completes, the
     * connect itself would fail with it.)
     */
    static void resetToClient(InetAddress host, int n) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, host)) {
            System.out.println("server port " + server.getLocalPort());
            Thread resetter = new Thread(() -> {
                for (int i = 0; i < n; i++) {
                    try (Socket s = server.accept()) {
                        s.getInputStream().read();
                        s.setSoLinger(true, 0);
                    } catch (IOException e) {
                        e.printStackTrace();
                    }
                }
            }, "workload-resetter");
            resetter.start();
            for (int i = 0; i < n; i++) {
                try (AsynchronousSocketChannel ch = AsynchronousSocketChannel.open()) {
                    connect(ch, new InetSocketAddress(host, server.getLocalPort()), i % 2 == 0);
                    ch.write(ByteBuffer.wrap(new byte[]{1})).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    expectReset(ch);
                }
            }
            resetter.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        }
    }

    /** A plain client socket writes a byte and closes with SO_LINGER 0; the accepted channel's read sees the reset. */
    static void resetToServer(InetAddress host, int n) throws Exception {
        try (AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(host, 0));
            InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
            System.out.println("server port " + address.getPort());
            for (int i = 0; i < n; i++) {
                try (Socket s = new Socket(host, address.getPort())) {
                    try (AsynchronousSocketChannel accepted = server.accept().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        s.setSoLinger(true, 0);
                        s.getOutputStream().write(1);
                        s.close();
                        expectReset(accepted);
                    }
                }
            }
        }
    }

    /** A connect to a port nobody listens on. */
    static void refused(InetAddress host) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, host)) {
            port = probe.getLocalPort();
        }
        try (AsynchronousSocketChannel ch = AsynchronousSocketChannel.open()) {
            ch.connect(new InetSocketAddress(host, port)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            throw new IllegalStateException("connected to a closed port?");
        } catch (ExecutionException expected) {
            System.out.println("refused port " + port + ": " + expected.getCause());
        }
    }

    /** Connects through a Future, or through a CompletionHandler: both are the caller's call site. */
    private static void connect(AsynchronousSocketChannel ch, InetSocketAddress address, boolean withHandler)
            throws Exception {
        if (!withHandler) {
            ch.connect(address).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        ch.connect(address, null, new CompletionHandler<Void, Void>() {
            @Override public void completed(Void result, Void attachment) { done.complete(null); }
            @Override public void failed(Throwable error, Void attachment) { done.completeExceptionally(error); }
        });
        done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private static void readToEnd(AsynchronousSocketChannel ch) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(16);
        while (ch.read(buf).get(TIMEOUT_SECONDS, TimeUnit.SECONDS) >= 0) {
            buf.clear();
        }
    }

    private static void expectReset(AsynchronousSocketChannel ch) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(16);
        try {
            while (ch.read(buf).get(TIMEOUT_SECONDS, TimeUnit.SECONDS) >= 0) {
                buf.clear();
            }
            System.out.println("no reset: end of stream");
        } catch (ExecutionException expected) {
            // Connection reset
        }
    }

    interface Handler {
        void handle(AsynchronousSocketChannel ch) throws Exception;
    }

    /** Accepts {@code n} connections on a thread, each handled then closed. */
    private static Thread accept(AsynchronousServerSocketChannel server, int n, Handler handler) {
        Thread t = new Thread(() -> {
            for (int i = 0; i < n; i++) {
                try (AsynchronousSocketChannel ch = server.accept().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    handler.handle(ch);
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }
        }, "workload-acceptor");
        t.start();
        return t;
    }
}
