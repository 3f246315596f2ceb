package io.portwatch.it.workload;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.TreeMap;

/**
 * Makes N loopback connections, idles long enough for the agent's exporter to send several span
 * batches and metric exports while the tracker runs, then prints every live thread as
 * {@code thread NAME group=GROUP daemon=BOOL}. Usage: {@code ExporterThreadsWorkload N IDLE_MILLIS}.
 */
public final class ExporterThreadsWorkload {

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        InetAddress host = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 50, host)) {
            for (int i = 0; i < n; i++) {
                try (Socket client = new Socket(host, server.getLocalPort()); Socket accepted = server.accept()) {
                    client.getOutputStream().write(1);
                    accepted.getInputStream().read();
                }
            }
        }
        Thread.sleep(Long.parseLong(args[1]));
        Map<String, String> threads = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            ThreadGroup g = t.getThreadGroup();
            threads.put(t.getName() + " #" + t.getId(), "group=" + (g == null ? "(ended)" : g.getName()) + " daemon=" + t.isDaemon());
        }
        threads.forEach((name, how) -> System.out.println("thread " + name + " " + how));
    }
}
