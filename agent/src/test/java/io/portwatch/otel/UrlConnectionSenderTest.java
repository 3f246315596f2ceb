package io.portwatch.otel;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.ProxyOptions;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OTLP sender against the JDK's own HTTP server on loopback. */
class UrlConnectionSenderTest {

    private static final byte[] BODY = "an OTLP message".getBytes(StandardCharsets.UTF_8);
    private static final RetryPolicy QUICK_RETRIES = RetryPolicy.builder().setMaxAttempts(3)
            .setInitialBackoff(Duration.ofMillis(10)).setMaxBackoff(Duration.ofMillis(20)).build();

    private HttpServer server;
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    /** A server that answers each request with the next of {@code statuses} (the last one repeats). */
    private URI serve(int... statuses) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger n = new AtomicInteger();
        server.createContext("/v1/traces", exchange -> {
            InputStream in = exchange.getRequestBody();
            if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) in = new GZIPInputStream(in);
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestHeaders().getFirst("Content-Type") + "|"
                    + exchange.getRequestHeaders().getFirst("X-Tenant") + "|" + body);
            int status = statuses[Math.min(n.getAndIncrement(), statuses.length - 1)];
            byte[] answer = ("status " + status).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces");
    }

    /** What the sender answers for one export: the response, or the error. */
    private static Object send(HttpSenderConfig config) throws Exception {
        UrlConnectionSender sender = new UrlConnectionSender(config);
        CompletableFuture<Object> result = new CompletableFuture<>();
        sender.send(new Message(), result::complete, result::complete);
        try {
            return result.get(20, TimeUnit.SECONDS);
        } finally {
            sender.shutdown();
        }
    }

    @Test
    void sendsTheBodyWithItsContentTypeAndHeaders() throws Exception {
        URI endpoint = serve(200);
        Object result = send(new Config(endpoint, null, QUICK_RETRIES));
        HttpResponse response = (HttpResponse) result;
        assertEquals(200, response.getStatusCode());
        assertArrayEquals("status 200".getBytes(StandardCharsets.UTF_8), response.getResponseBody());
        assertEquals(List.of("application/x-protobuf|tenant-1|an OTLP message"), requests);
    }

    @Test
    void compressesWhenSoConfigured() throws Exception {
        URI endpoint = serve(200);
        Compressor gzip = new Compressor() {
            @Override
            public String getEncoding() {
                return "gzip";
            }

            @Override
            public OutputStream compress(OutputStream out) throws IOException {
                return new GZIPOutputStream(out);
            }
        };
        assertEquals(200, ((HttpResponse) send(new Config(endpoint, gzip, QUICK_RETRIES))).getStatusCode());
        assertEquals(List.of("application/x-protobuf|tenant-1|an OTLP message"), requests);
    }

    @Test
    void retriesTheStatusesTheSpecificationSaysToRetry() throws Exception {
        URI endpoint = serve(503, 429, 200);
        assertEquals(200, ((HttpResponse) send(new Config(endpoint, null, QUICK_RETRIES))).getStatusCode());
        assertEquals(3, requests.size(), requests::toString);
    }

    @Test
    void aClientErrorIsNotRetriedAndItsBodyIsKept() throws Exception {
        URI endpoint = serve(400);
        HttpResponse response = (HttpResponse) send(new Config(endpoint, null, QUICK_RETRIES));
        assertEquals(400, response.getStatusCode());
        assertArrayEquals("status 400".getBytes(StandardCharsets.UTF_8), response.getResponseBody());
        assertEquals(1, requests.size());
    }

    @Test
    void givesUpAfterThePolicysAttempts() throws Exception {
        URI endpoint = serve(503);
        assertEquals(503, ((HttpResponse) send(new Config(endpoint, null, QUICK_RETRIES))).getStatusCode());
        assertEquals(3, requests.size());
        requests.clear();
        assertEquals(503, ((HttpResponse) send(new Config(endpoint, null, null))).getStatusCode());
        assertEquals(1, requests.size(), "no policy: one attempt");
    }

    @Test
    void aRefusedConnectionIsAnErrorAfterTheRetries() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        long start = System.nanoTime();
        Object result = send(new Config(URI.create("http://127.0.0.1:" + closedPort + "/v1/traces"), null, QUICK_RETRIES));
        assertTrue(result instanceof ConnectException, String.valueOf(result));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
    }

    @Test
    void retryAfterInSecondsOnly() {
        assertEquals(3, UrlConnectionSender.retryAfter(" 3 "));
        assertEquals(-1, UrlConnectionSender.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT"));
        assertEquals(-1, UrlConnectionSender.retryAfter(null));
        assertTrue(UrlConnectionSender.retryable(new IOException("Connection reset"), null));
        assertFalse(UrlConnectionSender.retryable(new javax.net.ssl.SSLHandshakeException("bad certificate"), null));
        assertFalse(UrlConnectionSender.retryable(404));
    }

    private static final class Message implements MessageWriter {
        @Override
        public void writeMessage(OutputStream out) throws IOException {
            out.write(BODY);
        }

        @Override
        public int getContentLength() {
            return BODY.length;
        }
    }

    private static final class Config implements HttpSenderConfig {
        private final URI endpoint;
        private final Compressor compressor;
        private final RetryPolicy retryPolicy;

        Config(URI endpoint, Compressor compressor, RetryPolicy retryPolicy) {
            this.endpoint = endpoint;
            this.compressor = compressor;
            this.retryPolicy = retryPolicy;
        }

        @Override public URI getEndpoint() { return endpoint; }
        @Override public String getContentType() { return "application/x-protobuf"; }
        @Override public Compressor getCompressor() { return compressor; }
        @Override public Duration getTimeout() { return Duration.ofSeconds(5); }
        @Override public Duration getConnectTimeout() { return Duration.ofSeconds(2); }
        @Override public Supplier<Map<String, List<String>>> getHeadersSupplier() {
            return () -> Map.of("X-Tenant", List.of("tenant-1"));
        }
        @Override public ProxyOptions getProxyOptions() { return null; }
        @Override public RetryPolicy getRetryPolicy() { return retryPolicy; }
        @Override public SSLContext getSslContext() { return null; }
        @Override public X509TrustManager getTrustManager() { return null; }
        @Override public ExecutorService getExecutorService() { return null; }
    }
}
