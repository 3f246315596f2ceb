package io.portwatch.it.workload;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.1 server on 127.0.0.1 that answers every GET with {@code ok}, written on plain sockets
 * so that it decides exactly who closes first, which the JDK's HttpServer leaves to a race:
 * <ul>
 *   <li>keep-alive: {@code Content-Length}, and the connection stays open for the next request
 *       until the client closes it;</li>
 *   <li>closing: {@code Connection: close} and no {@code Content-Length}, the body ending with the
 *       connection (RFC 9112, 6.3): the server closes right after writing, and the client, which
 *       reads to the end of the body, cannot close before the server's FIN arrives.</li>
 * </ul>
 * A thread per connection; every thread a daemon, ended by {@link #close()}.
 */
final class LoopbackHttpServer implements AutoCloseable {

    private final ServerSocket listener;
    private final boolean closing;

    LoopbackHttpServer(boolean closing) throws IOException {
        this.closing = closing;
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread accept = new Thread(this::acceptLoop, "loopback-http-accept");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                Thread t = new Thread(() -> serve(s), "loopback-http-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (Socket socket = s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            while (readRequestHead(in)) {
                String head = closing
                        ? "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
                        : "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n";
                out.write((head + "ok").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (closing) return;
            }
        } catch (IOException e) {
            // the client went away: nothing to answer
        }
    }

    /** Reads a GET's request line and headers; false at the end of the connection. */
    private static boolean readRequestHead(BufferedReader in) throws IOException {
        String line = in.readLine();
        if (line == null) return false;
        while (line != null && !line.isEmpty()) line = in.readLine();
        return line != null;
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
