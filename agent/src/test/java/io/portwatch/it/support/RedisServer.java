package io.portwatch.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code redis-server} (Debian's package; {@code .ci/run} installs it) started for one test on a
 * free port of 127.0.0.1, with a temporary directory and no persistence, and killed at the end.
 */
public final class RedisServer implements AutoCloseable {

    private static final String BINARY = "redis-server";

    private final Path dir;
    private final Process process;
    private final int port;

    /** Whether {@code redis-server} is on the PATH (the tests skip, and say so, when it is not). */
    public static boolean installed() {
        String path = System.getenv("PATH");
        if (path == null) return false;
        return Arrays.stream(path.split(":")).anyMatch(d -> Files.isExecutable(Paths.get(d, BINARY)));
    }

    public RedisServer() throws IOException, InterruptedException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        dir = Files.createTempDirectory("portwatch-redis");
        process = new ProcessBuilder(BINARY, "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--logfile", dir.resolve("redis.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout").toFile()).start();
        awaitPong();
    }

    public int port() {
        return port;
    }

    /** Until it answers PING, for at most 10 s. */
    private void awaitPong() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IOException("redis-server exited: " + log());
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 1000);
                s.setSoTimeout(1000);
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                byte[] reply = new byte[7];
                InputStream in = s.getInputStream();
                int n = in.read(reply);
                if (n > 0 && new String(reply, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG")) return;
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        close();
        throw new IOException("redis-server on port " + port + " did not answer PING in 10 s: " + log(), last);
    }

    private String log() {
        try {
            return new String(Files.readAllBytes(dir.resolve("redis.log")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is no test failure
        }
    }
}
