package io.portwatch.it.workload;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * HttpURLConnection against a server on 127.0.0.1 in this JVM ({@link LoopbackHttpServer}): N GET
 * requests one after another, bounded in count and time. Usage:
 * {@code UrlConnectionChurnWorkload MODE N}, where MODE is
 * <ul>
 *   <li>{@code disconnect}: the server keeps connections alive, but the client calls
 *       {@code disconnect()} after each response instead of closing its stream, so the connection
 *       never goes back to the keep-alive cache: this JVM closes each one first;</li>
 *   <li>{@code server-closes}: the server answers {@code Connection: close}, its body ending with
 *       the connection, so the server closes each one first and the client follows;</li>
 *   <li>{@code keep-alive}: the server keeps connections alive and the client reads each body to
 *       its end and closes its stream, the cure: one connection from the JVM's keep-alive cache for
 *       all requests; the last request disconnects, closing it so that the report sees it.</li>
 * </ul>
 * Prints {@code server port P}, then {@code httpurlconnection done: <n> requests}.
 */
public final class UrlConnectionChurnWorkload {

    private static final long MAX_SECONDS = 60;
    private static final int TIMEOUT_MILLIS = 10_000;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int n = Integer.parseInt(args[1]);
        if (n > 1000) throw new IllegalArgumentException("at most 1000 requests: " + n);
        if (!mode.equals("disconnect") && !mode.equals("server-closes") && !mode.equals("keep-alive")) {
            throw new IllegalArgumentException("mode " + mode);
        }
        long deadline = System.nanoTime() + MAX_SECONDS * 1_000_000_000L;
        int sent = 0;
        try (LoopbackHttpServer server = new LoopbackHttpServer(mode.equals("server-closes"))) {
            System.out.println("server port " + server.port());
            URL url = URI.create("http://127.0.0.1:" + server.port() + "/x").toURL();
            for (int i = 0; i < n && System.nanoTime() < deadline; i++) {
                boolean last = i == n - 1;
                HttpURLConnection c = (HttpURLConnection) url.openConnection();
                c.setConnectTimeout(TIMEOUT_MILLIS);
                c.setReadTimeout(TIMEOUT_MILLIS);
                if (c.getResponseCode() != 200) throw new IllegalStateException("status " + c.getResponseCode());
                InputStream in = c.getInputStream();
                String body = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                if (!"ok".equals(body)) throw new IllegalStateException("body " + body);
                if (mode.equals("disconnect") || (mode.equals("keep-alive") && last)) {
                    c.disconnect();
                } else {
                    closeQuietly(in);
                }
                sent++;
            }
            // The kernel's word on the last connections comes about a second after their close.
            Thread.sleep(2_500);
        }
        System.out.println("httpurlconnection done: " + sent + " requests");
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the body was read to its end: nothing left to lose
        }
    }
}
