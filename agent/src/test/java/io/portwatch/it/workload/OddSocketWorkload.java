package io.portwatch.it.workload;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Odd but legal uses of sockets, each printing one line of what the application saw: a result, or
 * the exception's class. Run with and without the agent, the lines must be the same. Nothing
 * printed depends on ports or timing. Usage: {@code OddSocketWorkload}.
 */
public final class OddSocketWorkload {

    private static final InetAddress HOST = InetAddress.getLoopbackAddress();

    interface Case {
        String run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        outcome("close before connect", OddSocketWorkload::closeBeforeConnect);
        outcome("double close", OddSocketWorkload::doubleClose);
        outcome("connect timeout", OddSocketWorkload::connectTimeout);
        outcome("interrupted connect", OddSocketWorkload::interruptedConnect);
        outcome("closed while a read blocks", OddSocketWorkload::closedWhileReading);
        outcome("half-closed", OddSocketWorkload::halfClosed);
        outcome("non-blocking finishConnect", OddSocketWorkload::nonBlocking);
        outcome("unix-domain channel", OddSocketWorkload::unixDomain);
        outcome("ipv6 loopback", () -> echo(InetAddress.getByName("::1"), InetAddress.getByName("::1")));
        outcome("ipv4-mapped address", () -> echo(InetAddress.getByName("::"), InetAddress.getByName("::ffff:127.0.0.1")));
        System.out.println("odd sockets done");
    }

    private static void outcome(String name, Case c) {
        String result;
        try {
            result = c.run();
        } catch (Exception e) {
            result = "threw " + e.getClass().getName();
        }
        System.out.println(name + ": " + result);
    }

    static String closeBeforeConnect() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, HOST)) {
            Socket s = new Socket();
            s.close();
            s.connect(server.getLocalSocketAddress());
            return "connected";
        }
    }

    static String doubleClose() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, HOST)) {
            Socket s = new Socket(HOST, server.getLocalPort());
            Socket accepted = server.accept();
            s.close();
            s.close();
            accepted.close();
            accepted.close();
            return "closed twice, isClosed " + s.isClosed();
        }
    }

    /**
     * A listener whose accept queue is full: Linux then drops new SYNs, so a connect waits until
     * its timeout. Returns the listener and the connections that filled it.
     */
    static List<AutoCloseable> fullListener(ServerSocket server) throws IOException {
        List<AutoCloseable> fill = new ArrayList<>();
        fill.add(server);
        for (int i = 0; i < 4; i++) {
            Socket s = new Socket();
            try {
                s.connect(server.getLocalSocketAddress(), 200);
                fill.add(s);
            } catch (IOException full) {
                s.close();
                break;
            }
        }
        return fill;
    }

    static String connectTimeout() throws Exception {
        List<AutoCloseable> fill = fullListener(new ServerSocket(0, 1, HOST));
        ServerSocket server = (ServerSocket) fill.get(0);
        try (Socket s = new Socket()) {
            s.connect(server.getLocalSocketAddress(), 300);
            return "connected";
        } finally {
            closeAll(fill);
        }
    }

    static String interruptedConnect() throws Exception {
        List<AutoCloseable> fill = fullListener(new ServerSocket(0, 1, HOST));
        ServerSocket server = (ServerSocket) fill.get(0);
        String[] seen = new String[1];
        Thread t = new Thread(() -> {
            try (SocketChannel ch = SocketChannel.open()) {
                ch.connect(server.getLocalSocketAddress());
                seen[0] = "connected";
            } catch (Exception e) {
                seen[0] = "threw " + e.getClass().getName();
            }
        });
        t.start();
        Thread.sleep(300);
        t.interrupt();
        t.join(10_000);
        closeAll(fill);
        return seen[0];
    }

    static String closedWhileReading() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, HOST);
             Socket client = new Socket(HOST, server.getLocalPort());
             Socket accepted = server.accept()) {
            Thread closer = new Thread(() -> {
                try {
                    Thread.sleep(200);
                    client.close();
                } catch (Exception ignored) {
                    // the read below reports what happened
                }
            });
            closer.start();
            try {
                return "read " + client.getInputStream().read();
            } finally {
                closer.join();
            }
        }
    }

    static String halfClosed() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, HOST);
             Socket client = new Socket(HOST, server.getLocalPort());
             Socket accepted = server.accept()) {
            client.getOutputStream().write(41);
            client.shutdownOutput();
            InputStream in = accepted.getInputStream();
            int got = in.read();
            int eof = in.read();
            accepted.getOutputStream().write(got + 1);
            accepted.close();
            InputStream back = client.getInputStream();
            return "server read " + got + " then " + eof + ", client read " + back.read() + " then " + back.read()
                    + ", output shut " + client.isOutputShutdown();
        }
    }

    static String nonBlocking() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, HOST);
             Selector selector = Selector.open();
             SocketChannel ch = SocketChannel.open()) {
            ch.configureBlocking(false);
            boolean now = ch.connect(server.getLocalSocketAddress());
            if (!now) {
                ch.register(selector, SelectionKey.OP_CONNECT);
                for (int i = 0; i < 50 && !ch.finishConnect(); i++) selector.select(100);
            }
            try (Socket accepted = server.accept()) {
                return "connected " + ch.isConnected() + ", finishConnect again " + ch.finishConnect();
            }
        }
    }

    /** A Unix-domain channel (JDK 16+), reached by reflection: this code targets Java 11. */
    static String unixDomain() throws Exception {
        Class<?> addressType;
        try {
            addressType = Class.forName("java.net.UnixDomainSocketAddress");
        } catch (ClassNotFoundException e) {
            return "no unix-domain channels on this JDK";
        }
        Path dir = Files.createTempDirectory("pw-unix");
        Path path = dir.resolve("s");
        SocketAddress address = (SocketAddress) addressType.getMethod("of", Path.class).invoke(null, path);
        ProtocolFamily unix = StandardProtocolFamily.valueOf("UNIX");
        try (ServerSocketChannel server = (ServerSocketChannel) ServerSocketChannel.class
                .getMethod("open", ProtocolFamily.class).invoke(null, unix)) {
            server.bind(address);
            try (SocketChannel client = (SocketChannel) SocketChannel.class
                    .getMethod("open", SocketAddress.class).invoke(null, address);
                 SocketChannel accepted = server.accept()) {
                client.write(ByteBuffer.wrap(new byte[]{7}));
                ByteBuffer buf = ByteBuffer.allocate(1);
                accepted.read(buf);
                return "read " + buf.get(0);
            }
        } finally {
            Files.deleteIfExists(path);
            Files.delete(dir);
        }
    }

    static String echo(InetAddress bind, InetAddress connect) throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(bind, 0));
            try (Socket client = new Socket(connect, server.getLocalPort()); Socket accepted = server.accept()) {
                client.getOutputStream().write(5);
                return "read " + accepted.getInputStream().read() + ", peer " + client.getInetAddress().getHostAddress();
            }
        }
    }

    private static void closeAll(List<AutoCloseable> all) {
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
    }
}
