package io.portwatch.it.workload;

import com.sun.net.httpserver.HttpServer;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;


/**
 * Apache HttpClient 4 against the JDK's HTTP server on 127.0.0.1, both in this JVM: N GET requests
 * one after another, bounded in count and time. Usage: {@code ApacheHttpClient4ChurnWorkload MODE N},
 * where MODE is
 * <ul>
 *   <li>{@code per-request}: a new CloseableHttpClient ({@code HttpClients.createDefault()}, its own
 *       PoolingHttpClientConnectionManager) for each request, closed after it, the churn: closing
 *       the client shuts its connection manager down and closes the request's connection with it,
 *       from this side;</li>
 *   <li>{@code shared}: one client for all requests, the cure: one connection, kept alive, closed
 *       with the client at the end so that the report sees it.</li>
 * </ul>
 * Each response goes through a ResponseHandler, which consumes its entity, so its connection goes
 * back to the pool. Prints {@code server port P}, then
 * {@code apache-httpclient-4 done: <n> requests, <c> clients}.
 */
public final class ApacheHttpClient4ChurnWorkload {

    private static final long MAX_SECONDS = 60;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int n = Integer.parseInt(args[1]);
        if (n > 1000) throw new IllegalArgumentException("at most 1000 requests: " + n);
        if (!mode.equals("per-request") && !mode.equals("shared")) throw new IllegalArgumentException("mode " + mode);
        HttpServer server = JdkHttpServer.start();
        int port = server.getAddress().getPort();
        System.out.println("server port " + port);
        String uri = "http://127.0.0.1:" + port + "/x";
        long deadline = System.nanoTime() + MAX_SECONDS * 1_000_000_000L;
        int clients = 0;
        int sent = 0;
        try {
            CloseableHttpClient shared = mode.equals("shared") ? HttpClients.createDefault() : null;
            if (shared != null) clients++;
            for (int i = 0; i < n && System.nanoTime() < deadline; i++) {
                CloseableHttpClient client = shared != null ? shared : HttpClients.createDefault();
                if (shared == null) clients++;
                try {
                    String body = client.execute(new HttpGet(uri), response -> {
                        String b = EntityUtils.toString(response.getEntity());
                        int status = response.getStatusLine().getStatusCode();
                        if (status != 200) throw new IllegalStateException("status " + status);
                        return b;
                    });
                    if (!"ok".equals(body)) throw new IllegalStateException("body " + body);
                } finally {
                    if (shared == null) client.close();
                }
                sent++;
            }
            if (shared != null) shared.close();
        } finally {
            server.stop(0);
        }
        // The kernel's word on the last connections comes about a second after their close.
        Thread.sleep(2_500);
        System.out.println("apache-httpclient-4 done: " + sent + " requests, " + clients + " clients");
    }
}
