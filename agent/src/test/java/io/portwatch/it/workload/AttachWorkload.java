package io.portwatch.it.workload;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A JVM to attach to, started without the agent: a loopback server, one connection to it held
 * open from the start, and commands on stdin, one per line:
 * <ul>
 *   <li>{@code burst N}: N connections one after another, each to a second server port, the
 *       client writing a byte and closing first; prints {@code burst done};</li>
 *   <li>{@code close-held}: closes the held connection; prints {@code held closed};</li>
 *   <li>{@code jdbc N}: N JDBC connections through {@link StubDriver} to the first server port,
 *       each closed at once (with the agent attached, once its JDBC advice is in place); prints
 *       {@code jdbc done};</li>
 *   <li>{@code exit}.</li>
 * </ul>
 * Prints {@code ready HELD_LOCAL_PORT SERVER_PORT BURST_PORT} first. Exits by itself after
 * {@code args[0]} seconds, so that a failed test leaves nothing behind.
 */
public final class AttachWorkload {

    private static final java.sql.Driver DRIVER = new StubDriver();

    public static void main(String[] args) throws Exception {
        long deadline = System.currentTimeMillis() + Long.parseLong(args[0]) * 1000;
        PrintStream out = System.out;
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        ServerSocket server = serve(new ServerSocket(0, 50, loopback));
        ServerSocket burstServer = serve(new ServerSocket(0, 50, loopback));
        Socket held = new Socket(loopback, server.getLocalPort());
        out.println("ready " + held.getLocalPort() + " " + server.getLocalPort() + " " + burstServer.getLocalPort());
        out.flush();
        Thread timeout = new Thread(() -> {
            while (System.currentTimeMillis() < deadline) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.exit(3);
        });
        timeout.setDaemon(true);
        timeout.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("burst ")) {
                int n = Integer.parseInt(line.substring(6).trim());
                for (int i = 0; i < n; i++) {
                    try (Socket s = new Socket(loopback, burstServer.getLocalPort())) {
                        s.getOutputStream().write(1);
                    }
                }
                out.println("burst done");
            } else if (line.startsWith("jdbc ")) {
                if (LibraryAdvice.agentPresent()) {
                    LibraryAdvice.await(30);
                }
                int n = Integer.parseInt(line.substring(5).trim());
                String url = StubDriver.PREFIX + "127.0.0.1:" + server.getLocalPort() + "/attach";
                for (int i = 0; i < n; i++) {
                    DRIVER.connect(url, new java.util.Properties()).close();
                }
                out.println("jdbc done");
            } else if (line.equals("close-held")) {
                held.close();
                out.println("held closed");
            } else if (line.equals("exit")) {
                break;
            }
            out.flush();
        }
        System.exit(0);
    }

    /**
     * Accepts on a daemon thread; each accepted connection is read to its end, then closed. Shared
     * with the other workloads of this package that need such a server.
     */
    static ServerSocket serve(ServerSocket server) {
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Socket s = server.accept();
                    Thread reader = new Thread(() -> {
                        try (Socket c = s) {
                            while (c.getInputStream().read() >= 0) { }
                        } catch (IOException ignored) {
                            // the test ends the JVM
                        }
                    });
                    reader.setDaemon(true);
                    reader.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }
}
