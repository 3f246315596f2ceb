package io.portwatch.it.workload;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Small loopback workloads that a child JVM runs with the agent attached. Each has a server and a
 * client inside this JVM, bounded in count, and prints "done" at the end. Usage:
 * {@code SocketWorkload MODE HOST N [what else the mode takes]}.
 */
public final class SocketWorkload {

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        InetAddress host = InetAddress.getByName(args.length > 1 ? args[1] : "127.0.0.1");
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        switch (mode) {
            case "client-close": clientCloses(host, n, false); break;
            case "client-close-virtual": clientCloses(host, n, true); break;
            case "server-close": serverCloses(host, n); break;
            case "linger": lingerZero(host, n); break;
            case "channel": channels(host, n); break;
            case "nonblocking": nonBlocking(host, n); break;
            case "adaptor": adaptors(host, n); break;
            case "http": http(host, n); break;
            case "two-bursts": twoBursts(host, n, Long.parseLong(args[3]), Integer.parseInt(args[4])); break;
            case "refused": refused(host); break;
            case "leave-open": leaveOpen(host); break;
            case "hello": break;
            default: throw new IllegalArgumentException("unknown mode " + mode);
        }
        System.out.println("workload " + mode + " done");
    }

    /** The client writes a byte and closes; the server reads to end-of-stream, then closes. */
    static void clientCloses(InetAddress host, int n, boolean virtualThreads) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, host)) {
            Thread serverThread = serve(server, n, s -> {
                InputStream in = s.getInputStream();
                while (in.read() >= 0) { /* until the client's FIN */ }
            });
            ExecutorService clients = virtualThreads ? virtualThreadExecutor() : Executors.newFixedThreadPool(2);
            CountDownLatch done = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                clients.execute(() -> {
                    try (Socket s = new Socket(host, server.getLocalPort())) {
                        s.getOutputStream().write(1);
                    } catch (IOException e) {
                        e.printStackTrace();
                    } finally {
                        done.countDown();
                    }
                });
            }
            if (!done.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("clients did not finish");
            clients.shutdown();
            serverThread.join(60_000);
        }
    }

    /**
     * {@code first} connections one after another, a pause of {@code pauseMillis}, then the rest of
     * {@code n}: all from one line of code to one server, each closed by the client first.
     */
    static void twoBursts(InetAddress host, int n, long pauseMillis, int first) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, host)) {
            Thread serverThread = serve(server, n, s -> {
                InputStream in = s.getInputStream();
                while (in.read() >= 0) { /* until the client's FIN */ }
            });
            burst(host, server.getLocalPort(), first);
            Thread.sleep(pauseMillis);
            burst(host, server.getLocalPort(), n - first);
            serverThread.join(60_000);
            System.out.println("server port " + server.getLocalPort());
        }
    }

    private static void burst(InetAddress host, int port, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            try (Socket s = new Socket(host, port)) { // the one call site of both bursts
                s.getOutputStream().write(1);
            }
        }
    }

    /** The server writes a byte and closes; the client reads to end-of-stream, then closes. */
    static void serverCloses(InetAddress host, int n) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, host)) {
            Thread serverThread = serve(server, n, s -> s.getOutputStream().write(1));
            for (int i = 0; i < n; i++) {
                try (Socket s = new Socket(host, server.getLocalPort())) {
                    InputStream in = s.getInputStream();
                    while (in.read() >= 0) { /* until the server's FIN */ }
                }
            }
            serverThread.join(60_000);
        }
    }

    /** The client closes with SO_LINGER 0 (RST); the server's read sees the reset. */
    static void lingerZero(InetAddress host, int n) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, host)) {
            Thread serverThread = serve(server, n, s -> {
                InputStream in = s.getInputStream();
                try {
                    while (in.read() >= 0) { /* until the reset */ }
                } catch (IOException expected) {
                    // Connection reset
                }
            });
            for (int i = 0; i < n; i++) {
                Socket s = new Socket(host, server.getLocalPort());
                s.setSoLinger(true, 0);
                s.getOutputStream().write(1);
                s.close();
            }
            serverThread.join(60_000);
        }
    }

    /** Blocking channels: the client writes and closes; the server channel reads to -1 and closes. */
    static void channels(InetAddress host, int n) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(host, 0));
            InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
            Thread serverThread = new Thread(() -> {
                try {
                    for (int i = 0; i < n; i++) {
                        try (SocketChannel ch = server.accept()) {
                            ByteBuffer buf = ByteBuffer.allocate(16);
                            while (ch.read(buf) >= 0) buf.clear();
                        }
                    }
                } catch (IOException e) {
                    e.printStackTrace();
                }
            });
            serverThread.start();
            for (int i = 0; i < n; i++) {
                try (SocketChannel ch = SocketChannel.open(address)) {
                    ch.write(ByteBuffer.wrap(new byte[]{1}));
                }
            }
            serverThread.join(60_000);
        }
    }

    /**
     * A channel's socket adaptor: {@code channel.socket().connect(address, timeout)} and its input
     * stream. The adaptor overrides Socket's connect and close; one connection must be one record.
     */
    static void adaptors(InetAddress host, int n) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, host)) {
            Thread serverThread = serve(server, n, s -> s.getOutputStream().write(1));
            for (int i = 0; i < n; i++) {
                try (SocketChannel ch = SocketChannel.open()) {
                    Socket adaptor = ch.socket();
                    adaptor.connect(new InetSocketAddress(host, server.getLocalPort()), 5000);
                    InputStream in = adaptor.getInputStream();
                    while (in.read() >= 0) { /* until the server's FIN */ }
                }
            }
            serverThread.join(60_000);
        }
    }

    /** Non-blocking connects completed by finishConnect() from a selector, as event loops do. */
    static void nonBlocking(InetAddress host, int n) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, host); Selector selector = Selector.open()) {
            Thread serverThread = serve(server, n, s -> {
                InputStream in = s.getInputStream();
                while (in.read() >= 0) { /* until the client's FIN */ }
            });
            for (int i = 0; i < n; i++) {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                boolean connected = ch.connect(new InetSocketAddress(host, server.getLocalPort()));
                if (!connected) {
                    SelectionKey key = ch.register(selector, SelectionKey.OP_CONNECT);
                    while (!ch.finishConnect()) {
                        selector.select(1000);
                    }
                    key.cancel();
                    selector.selectNow();
                }
                ch.configureBlocking(true);
                ch.write(ByteBuffer.wrap(new byte[]{1}));
                ch.close();
            }
            serverThread.join(60_000);
        }
    }

    /** java.net.http.HttpClient against a loopback HTTP server in this JVM. */
    static void http(InetAddress host, int n) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, 0), 50);
        server.createContext("/", ex -> {
            byte[] body = "ok".getBytes();
            ex.getResponseHeaders().set("Connection", "close");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String hostPart = host.getHostAddress().contains(":") ? "[" + host.getHostAddress() + "]" : host.getHostAddress();
            for (int i = 0; i < n; i++) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                        URI.create("http://" + hostPart + ":" + server.getAddress().getPort() + "/x")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) throw new IllegalStateException("status " + r.statusCode());
            }
            System.out.println("http port " + server.getAddress().getPort());
        } finally {
            server.stop(0);
        }
    }

    /** A connect to a port nobody listens on. */
    static void refused(InetAddress host) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, host)) {
            port = probe.getLocalPort();
        }
        try (Socket s = new Socket(host, port)) {
            throw new IllegalStateException("connected to a closed port?");
        } catch (java.net.ConnectException expected) {
            System.out.println("refused port " + port + ": " + expected.getMessage());
        }
    }

    /**
     * Held until the JVM exits: a connection the application still holds then is open at exit; one
     * it dropped may be garbage collected before (a collection during the exit's wait for the
     * OpenTelemetry SDK), and is then ended as collected.
     */
    private static final java.util.List<java.io.Closeable> LEFT_OPEN = new java.util.ArrayList<>();

    /** A connection left open when main returns. */
    static void leaveOpen(InetAddress host) throws IOException {
        ServerSocket server = new ServerSocket(0, 1, host);
        Socket client = new Socket(host, server.getLocalPort());
        Socket accepted = server.accept();
        LEFT_OPEN.add(server);
        LEFT_OPEN.add(client);
        LEFT_OPEN.add(accepted);
        System.out.println("open " + client.getLocalPort() + " " + accepted.getPort());
    }

    interface Handler {
        void handle(Socket s) throws IOException;
    }

    /** Accepts {@code n} connections on a thread, each handled then closed. */
    static Thread serve(ServerSocket server, int n, Handler handler) {
        Thread t = new Thread(() -> {
            for (int i = 0; i < n; i++) {
                try (Socket s = server.accept()) {
                    handler.handle(s);
                } catch (IOException e) {
                    e.printStackTrace();
                }
            }
        }, "workload-server");
        t.start();
        return t;
    }

    /** Executors.newVirtualThreadPerTaskExecutor(), reached by reflection: this code targets Java 11. */
    static ExecutorService virtualThreadExecutor() throws Exception {
        return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    }
}
