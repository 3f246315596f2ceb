package com.example;

import io.portwatch.junit.ConnectionBudget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A user's test suite (MavenProjectIT builds it): one write path that opens a connection per order,
 * one that reuses a connection, against a loopback server the application names "localhost".
 */
class OrderWriterTest {

    static final int ORDERS = 20;

    static ServerSocket server;

    @BeforeAll
    static void startServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        System.setProperty("orders.port", Integer.toString(server.getLocalPort()));
        Thread acceptor = new Thread(OrderWriterTest::accept, "order-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Reads each connection to its end on a thread of its own, until the server is closed. */
    private static void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread reader = new Thread(() -> {
                    try (Socket socket = s; InputStream in = socket.getInputStream()) {
                        while (in.read() >= 0) {
                            // until the client closes
                        }
                    } catch (IOException ignored) {
                        // the client went away
                    }
                }, "order-reader");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    @AfterAll
    static void stopServer() throws IOException {
        server.close();
    }

    @Test
    @ConnectionBudget(destination = "localhost:${orders.port}", maxPhysicalConnects = 5, maxLocalCloses = 5)
    void connectionPerOrder() throws IOException {
        for (int i = 0; i < ORDERS; i++) {
            try (Socket s = new Socket("localhost", server.getLocalPort())) {
                s.getOutputStream().write(i);
            }
        }
    }

    @Test
    @ConnectionBudget(destination = "localhost:${orders.port}", maxPhysicalConnects = 1, maxLocalCloses = 1)
    void oneConnectionForAllOrders() throws IOException {
        try (Socket s = new Socket("localhost", server.getLocalPort())) {
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < ORDERS; i++) {
                out.write(i);
            }
        }
    }
}
