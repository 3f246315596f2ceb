package io.portwatch.it.workload;

import com.sun.net.httpserver.HttpServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;


/**
 * OkHttp against the JDK's HTTP server on 127.0.0.1, both in this JVM: N GET requests one after
 * another, bounded in count and time. Usage: {@code OkHttpChurnWorkload MODE N}, where MODE is
 * <ul>
 *   <li>{@code per-request}: a new OkHttpClient for each request, the churn. Dropped as it is, a
 *       client's idle connection would stay open until its pool evicts it (5 minutes), holding
 *       ports rather than churning them; code that builds a client per request and cleans up
 *       after it does what OkHttp's documentation says to release a client: its dispatcher's
 *       executor shut down and its connection pool's connections evicted ({@code evictAll()}),
 *       which closes the request's connection from this side;</li>
 *   <li>{@code shared}: one OkHttpClient for all requests, the cure: one connection, kept alive,
 *       evicted (closed) the same way at the end so that the report sees it.</li>
 * </ul>
 * Each response is closed, so its connection goes back to the client's pool. Prints
 * {@code server port P}, then {@code okhttp done: <n> requests, <c> clients}.
 */
public final class OkHttpChurnWorkload {

    private static final long MAX_SECONDS = 60;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int n = Integer.parseInt(args[1]);
        if (n > 1000) throw new IllegalArgumentException("at most 1000 requests: " + n);
        if (!mode.equals("per-request") && !mode.equals("shared")) throw new IllegalArgumentException("mode " + mode);
        HttpServer server = JdkHttpServer.start();
        int port = server.getAddress().getPort();
        System.out.println("server port " + port);
        Request request = new Request.Builder().url("http://127.0.0.1:" + port + "/x").build();
        long deadline = System.nanoTime() + MAX_SECONDS * 1_000_000_000L;
        int clients = 0;
        int sent = 0;
        try {
            OkHttpClient shared = mode.equals("shared") ? new OkHttpClient() : null;
            if (shared != null) clients++;
            for (int i = 0; i < n && System.nanoTime() < deadline; i++) {
                OkHttpClient client = shared != null ? shared : new OkHttpClient();
                if (shared == null) clients++;
                try (Response response = client.newCall(request).execute()) {
                    String body = response.body().string();
                    if (response.code() != 200 || !"ok".equals(body)) {
                        throw new IllegalStateException("status " + response.code() + ", body " + body);
                    }
                }
                sent++;
                if (shared == null) release(client);
            }
            if (shared != null) release(shared);
        } finally {
            server.stop(0);
        }
        // The kernel's word on the last connections comes about a second after their close.
        Thread.sleep(2_500);
        System.out.println("okhttp done: " + sent + " requests, " + clients + " clients");
    }

    /** What OkHttp's documentation says releases a client's resources at once. */
    private static void release(OkHttpClient client) {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
