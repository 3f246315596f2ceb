package io.portwatch.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The measured workload of {@link CollectorFaultBench}, run in a child JVM: connection churn in
 * slices the harness asks for on stdin. {@code churn MILLIS} answers {@code churned N in NANOS};
 * {@code exit} ends it.
 * <ul>
 *   <li>{@code loopback}: connect + close on one thread to a server in the same JVM, which closes
 *       first (so the client's ports come free at once). The agent's worst case: it tracks both
 *       ends, and the application does nothing else.</li>
 *   <li>{@code jdbc URL USER PASSWORD THREADS}: the founding incident's pattern, a new Connector/J
 *       connection per insert, from THREADS threads.</li>
 * </ul>
 */
public final class SlicedChurn {

    /** One kind of churn: connections made until the deadline. */
    interface Churn {
        long until(long deadlineNanos) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Churn churn = args[0].equals("jdbc")
                ? jdbc(args[1], args[2], args[3], Integer.parseInt(args[4]))
                : loopback();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready");
        System.out.flush();
        for (String line; (line = commands.readLine()) != null && !line.equals("exit"); ) {
            long millis = Long.parseLong(line.substring("churn ".length()));
            long start = System.nanoTime();
            long n = churn.until(start + millis * 1_000_000);
            System.out.println("churned " + n + " in " + (System.nanoTime() - start));
            System.out.flush();
        }
        System.exit(0); // the loopback server and the JDBC threads are not waited for
    }

    private static Churn loopback() throws Exception {
        InetAddress host = InetAddress.getLoopbackAddress();
        ServerSocket server = ClosingServer.start();
        byte[] buf = new byte[16];
        return deadline -> {
            long n = 0;
            do {
                try (Socket s = new Socket(host, server.getLocalPort())) {
                    InputStream in = s.getInputStream();
                    while (in.read(buf) >= 0) { /* until the server's FIN */ }
                }
                n++;
            } while (System.nanoTime() < deadline);
            return n;
        };
    }

    private static Churn jdbc(String url, String user, String password, int threads) throws Exception {
        Properties info = new Properties();
        info.setProperty("user", user);
        info.setProperty("password", password);
        try (Connection c = DriverManager.getConnection(url, info); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS sliced_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64))");
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        return deadline -> {
            List<Future<Long>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                writers.add(pool.submit(() -> {
                    long n = 0;
                    do {
                        try (Connection c = DriverManager.getConnection(url, info);
                             PreparedStatement ps = c.prepareStatement("INSERT INTO sliced_rows (v) VALUES (?)")) {
                            ps.setString(1, Thread.currentThread().getName());
                            ps.executeUpdate();
                        }
                        n++;
                    } while (System.nanoTime() < deadline);
                    return n;
                }));
            }
            long n = 0;
            for (Future<Long> w : writers) n += w.get();
            return n;
        };
    }
}
