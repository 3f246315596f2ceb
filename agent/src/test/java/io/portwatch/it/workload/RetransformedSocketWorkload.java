package io.portwatch.it.workload;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Once portwatch has finished starting (its start thread gone), has {@link RetransformingAgent}
 * retransform every JDK socket class loaded, as another agent may at any time, then makes
 * {@code count} connections on loopback with {@code java.net.Socket}. Prints
 * {@code retransformed N} and {@code done}.
 */
public final class RetransformedSocketWorkload {

    private static final String[] SOCKET_TYPES = {
            "java.net.Socket", "java.net.Socket$SocketInputStream", "java.net.Socket$SocketOutputStream",
            "java.net.ServerSocket", "sun.nio.ch.SocketChannelImpl", "sun.nio.ch.Net",
    };

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        awaitAgentStarted();
        List<Class<?>> types = new ArrayList<>();
        for (Class<?> c : RetransformingAgent.inst.getAllLoadedClasses()) {
            for (String name : SOCKET_TYPES) {
                if (c.getName().equals(name) && c.getClassLoader() == null) types.add(c);
            }
        }
        RetransformingAgent.inst.retransformClasses(types.toArray(new Class<?>[0]));
        System.out.println("retransformed " + types.size());
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < count; i++) {
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                     Socket accepted = server.accept()) {
                    accepted.close();
                    InputStream in = client.getInputStream();
                    in.read(); // the server's FIN: the client closes second
                }
            }
        }
        System.out.println("done");
    }

    /** Waits (20 s at most) until portwatch's start thread has run to its end. */
    private static void awaitAgentStarted() throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean starting = false;
            boolean reporting = false;
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                starting |= t.getName().equals("portwatch-start");
                reporting |= t.getName().startsWith("portwatch-reporter");
            }
            if (reporting && !starting) return;
            Thread.sleep(20);
        }
        throw new IllegalStateException("portwatch did not finish starting in 20 s");
    }
}
