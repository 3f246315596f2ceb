package io.portwatch.it.workload;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A short run for the whole-run budget: {@code connects} loopback connections (client closes
 * first), then one more from the application's own shutdown hook, which must be counted too.
 * Ends by returning from main ({@code return}) or by {@code System.exit(0)} ({@code exit}). A file
 * marked deleteOnExit ({@code args[2]}) shows that the JDK's own hooks still run.
 */
public final class BudgetWorkload {

    private BudgetWorkload() {}

    public static void main(String[] args) throws Exception {
        int connects = Integer.parseInt(args[0]);
        boolean exit = args[1].equals("exit");
        Path marker = Paths.get(args[2]);
        Files.write(marker, new byte[0]);
        marker.toFile().deleteOnExit();
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (true) {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    while (in.read() >= 0) {
                        // until the client's FIN
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, "acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        for (int i = 0; i < connects; i++) {
            connectAndClose(server.getLocalPort());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Thread.sleep(300); // slower than the agent's own hook: still counted
                connectAndClose(server.getLocalPort());
                System.out.println("hook done");
            } catch (Exception e) {
                System.out.println("hook failed: " + e);
            }
        }, "app-hook"));
        System.out.println("workload done");
        if (exit) {
            System.exit(0);
        }
    }

    private static void connectAndClose(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(1);
        }
    }
}
