package io.portwatch.it.workload;

import com.sun.net.httpserver.HttpServer;

import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The JDK's HttpClient against the JDK's HTTP server on 127.0.0.1, both in this JVM, N requests
 * one at a time, bounded in count and time. Usage: {@code HttpClientChurnWorkload MODE N}, where
 * MODE is
 * <ul>
 *   <li>{@code per-request}: a new HttpClient for each request, dropped after it, the churn: each
 *       client has its own pool, so none reuses a connection. Its connections close when the
 *       client is closed (JDK 21+) or, before that, once it is garbage collected and its selector
 *       thread notices (within about 3 s): the workload collects every 25 requests, as a busy
 *       service's young collections would;</li>
 *   <li>{@code shared}: one HttpClient for all requests, the cure: one connection, kept alive,
 *       closed (the same way) at the end so the report sees it.</li>
 * </ul>
 * Ends with {@code http done: <n> requests, <s> clients} on stdout.
 */
public final class HttpClientChurnWorkload {

    private static final long MAX_SECONDS = 60;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int n = Integer.parseInt(args[1]);
        if (n > 2000) throw new IllegalArgumentException("at most 2000 requests: " + n);
        if (!mode.equals("per-request") && !mode.equals("shared")) throw new IllegalArgumentException("mode " + mode);
        HttpServer server = JdkHttpServer.start();
        long deadline = System.nanoTime() + MAX_SECONDS * 1_000_000_000L;
        int clients = 0;
        int sent = 0;
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/x");
            HttpRequest request = HttpRequest.newBuilder(uri).build();
            HttpClient shared = mode.equals("shared") ? newClient() : null;
            if (shared != null) clients++;
            WeakReference<HttpClient> last = null;
            for (int i = 0; i < n && System.nanoTime() < deadline; i++) {
                HttpClient client = shared != null ? shared : newClient();
                if (shared == null) clients++;
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) throw new IllegalStateException("status " + r.statusCode());
                sent++;
                if (shared == null) {
                    closeOnNewerJdks(client);
                    last = new WeakReference<>(client);
                    if (sent % 25 == 0) System.gc();
                }
            }
            if (shared != null) {
                closeOnNewerJdks(shared);
                last = new WeakReference<>(shared);
                shared = null;
            }
            awaitCollected(last, deadline);
        } finally {
            server.stop(0);
        }
        System.out.println("http done: " + sent + " requests, " + clients + " clients");
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    /** HttpClient is AutoCloseable from JDK 21: closing it closes its connections at once. */
    private static void closeOnNewerJdks(HttpClient client) throws Exception {
        if (client instanceof AutoCloseable) ((AutoCloseable) client).close();
    }

    /**
     * Until the last client is collected, then long enough for its selector thread to notice (it
     * wakes every 3 s at most) and close its connections.
     */
    private static void awaitCollected(WeakReference<HttpClient> last, long deadline) throws InterruptedException {
        while (last != null && last.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        Thread.sleep(4_000);
    }
}
