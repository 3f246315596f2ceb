package io.portwatch.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A loopback server that closes each connection as soon as it accepts it, on a daemon thread,
 * until the returned socket is closed. The server closes first, so the client's port comes free
 * at once and the TIME_WAIT stays on the server's side.
 */
final class ClosingServer {

    private ClosingServer() {
    }

    static ServerSocket start() throws IOException {
        ServerSocket server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (true) {
                try {
                    server.accept().close();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }, "churn-server");
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }
}
