package io.portwatch.otlp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OTLP/HTTP sender against the JDK's own HTTP server on loopback. */
class OtlpHttpSenderTest {

    private static final byte[] BODY = "an OTLP message, an OTLP message, an OTLP message".getBytes(StandardCharsets.UTF_8);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private HttpServer server;
    private ExecutorService serverThreads;
    private final CountDownLatch released = new CountDownLatch(1);
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<Request>());

    /** One request as the server saw it. */
    private static final class Request {
        final long nanos = System.nanoTime();
        final Map<String, String> headers = new LinkedHashMap<>();
        byte[] raw;
        byte[] body;
        int remotePort;
    }

    /** How the server answers the n-th request (from 0). */
    private interface Answer {
        void answer(int n, HttpExchange exchange) throws IOException;
    }

    @AfterEach
    void stop() {
        released.countDown();
        if (server != null) server.stop(0);
        if (serverThreads != null) serverThreads.shutdownNow();
    }

    private URL serve(Answer answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        AtomicInteger n = new AtomicInteger();
        server.createContext("/v1/traces", exchange -> {
            Request r = new Request();
            for (String name : new String[] {"Content-Type", "Content-Encoding", "X-Tenant", "Authorization"}) {
                r.headers.put(name, exchange.getRequestHeaders().getFirst(name));
            }
            r.raw = exchange.getRequestBody().readAllBytes();
            InputStream in = new java.io.ByteArrayInputStream(r.raw);
            r.body = ("gzip".equals(r.headers.get("Content-Encoding")) ? new GZIPInputStream(in) : in).readAllBytes();
            r.remotePort = exchange.getRemoteAddress().getPort();
            requests.add(r);
            answer.answer(n.getAndIncrement(), exchange);
        });
        server.start();
        return new URL("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces");
    }

    /** A server that answers each request with the next of {@code statuses} (the last one repeats). */
    private URL serve(int... statuses) throws IOException {
        return serve(new Answer() {
            @Override
            public void answer(int n, HttpExchange exchange) throws IOException {
                int status = statuses[Math.min(n, statuses.length - 1)];
                respond(exchange, status, "text/plain", ("status " + status).getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** A sender with a quick retry schedule: 1 ms, growing by 1.5, at most 20 ms. */
    private static OtlpHttpSender sender(URL endpoint, int maxAttempts) {
        return sender(endpoint, maxAttempts, 5000);
    }

    private static OtlpHttpSender sender(URL endpoint, int maxAttempts, long timeoutMillis) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Tenant", "tenant-1");
        headers.put("Authorization", "Bearer secret");
        return new OtlpHttpSender(endpoint, headers, timeoutMillis, false, null, maxAttempts, MS, 20 * MS);
    }

    @Test
    void sendsTheBodyWithItsContentTypeAndHeaders() throws Exception {
        URL endpoint = serve(200);
        OtlpHttpSender.Outcome outcome = sender(endpoint, 5).post(BODY);
        assertTrue(outcome.delivered, outcome.toString());
        assertEquals(200, outcome.status);
        assertEquals(1, outcome.attempts);
        assertNull(outcome.detail);
        Request r = requests.get(0);
        assertArrayEquals(BODY, r.raw);
        assertEquals("application/x-protobuf", r.headers.get("Content-Type"));
        assertNull(r.headers.get("Content-Encoding"));
        assertEquals("tenant-1", r.headers.get("X-Tenant"));
        assertEquals("Bearer secret", r.headers.get("Authorization"));
    }

    @Test
    void compressesWhenSoConfigured() throws Exception {
        URL endpoint = serve(200);
        OtlpHttpSender gzip = new OtlpHttpSender(endpoint, Collections.<String, String>emptyMap(), 5000, true, null);
        assertTrue(gzip.post(BODY).delivered);
        Request r = requests.get(0);
        assertEquals("gzip", r.headers.get("Content-Encoding"));
        assertEquals("application/x-protobuf", r.headers.get("Content-Type"));
        assertFalse(java.util.Arrays.equals(BODY, r.raw), "sent compressed");
        assertArrayEquals(BODY, r.body);
    }

    @Test
    void retriesTheStatusesTheSpecificationSaysToRetry() throws Exception {
        URL endpoint = serve(503, 429, 502, 504, 200);
        OtlpHttpSender.Outcome outcome = sender(endpoint, 5).post(BODY);
        assertTrue(outcome.delivered, outcome.toString());
        assertEquals(5, outcome.attempts);
        assertEquals(5, requests.size());
        for (Request r : requests) assertArrayEquals(BODY, r.body);
    }

    @Test
    void givesUpAfterTheLastAttempt() throws Exception {
        URL endpoint = serve(503);
        OtlpHttpSender.Outcome outcome = sender(endpoint, 4).post(BODY);
        assertFalse(outcome.delivered);
        assertEquals(503, outcome.status);
        assertEquals(4, outcome.attempts);
        assertEquals(4, requests.size());
        assertEquals("OTLP export to " + endpoint + " failed after 4 attempts: HTTP 503 Service Unavailable: status 503",
                outcome.detail);
    }

    @Test
    void retryAfterReplacesTheBackoffUpToItsMaximum() throws Exception {
        URL endpoint = serve(new Answer() {
            @Override
            public void answer(int n, HttpExchange exchange) throws IOException {
                if (n == 0) exchange.getResponseHeaders().set("Retry-After", "30");
                respond(exchange, n == 0 ? 429 : 200, "text/plain", new byte[0]);
            }
        });
        // Backoff of 1 ms, but at most 300 ms: a Retry-After of 30 s waits 300 ms.
        OtlpHttpSender sender = new OtlpHttpSender(endpoint, null, 5000, false, null, 5, MS, 300 * MS);
        long start = System.nanoTime();
        assertTrue(sender.post(BODY).delivered);
        assertEquals(2, requests.size());
        long waited = requests.get(1).nanos - requests.get(0).nanos;
        assertTrue(waited >= 280 * MS, "waited " + waited / MS + " ms");
        assertTrue(System.nanoTime() - start < 5000 * MS, "the wait is capped");
    }

    @Test
    void retryAfterInSecondsOnly() {
        assertEquals(3, OtlpHttpSender.retryAfter(" 3 "));
        assertEquals(0, OtlpHttpSender.retryAfter("-4"));
        assertEquals(-1, OtlpHttpSender.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT"));
        assertEquals(-1, OtlpHttpSender.retryAfter(null));
        assertFalse(OtlpHttpSender.retryable(500));
        assertFalse(OtlpHttpSender.retryable(408));
    }

    @Test
    void aClientErrorIsNotRetriedAndTheDetailQuotesTheResponse() throws Exception {
        StringBuilder long_ = new StringBuilder("invalid\r\n  span:");
        while (long_.length() < 1000) long_.append(" x");
        URL endpoint = serve(new Answer() {
            @Override
            public void answer(int n, HttpExchange exchange) throws IOException {
                respond(exchange, 400, "text/plain; charset=utf-8", long_.toString().getBytes(StandardCharsets.UTF_8));
            }
        });
        OtlpHttpSender.Outcome outcome = sender(endpoint, 5).post(BODY);
        assertFalse(outcome.delivered);
        assertEquals(400, outcome.status);
        assertEquals(1, outcome.attempts);
        assertEquals(1, requests.size());
        String expected = "OTLP export to " + endpoint + " failed: HTTP 400 Bad Request: invalid span:";
        assertTrue(outcome.detail.startsWith(expected), outcome.detail);
        assertTrue(outcome.detail.endsWith(" x x..."), outcome.detail);
        int quoted = outcome.detail.length() - (expected.length() - "invalid span:".length());
        assertTrue(quoted >= 199 + 3 && quoted <= 200 + 3, "quoted " + quoted);
    }

    @Test
    void aProtobufErrorIsQuotedByItsMessage() throws Exception {
        // Longer than 32 bytes, so that its length prints as a character: the framing must be parsed, not blanked.
        byte[] message = "proto: illegal wireType 7 at offset 42".getBytes(StandardCharsets.UTF_8);
        byte[] typeUrl = "type.googleapis.com/google.rpc.ErrorInfo".getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream status = new java.io.ByteArrayOutputStream();
        status.write(0x08); // code = 3, INVALID_ARGUMENT
        status.write(3);
        status.write(0x12); // message
        status.write(message.length);
        status.write(message);
        status.write(0x1a); // details: an Any with its type_url only
        status.write(typeUrl.length + 2);
        status.write(0x0a);
        status.write(typeUrl.length);
        status.write(typeUrl);
        URL endpoint = serve(new Answer() {
            @Override
            public void answer(int n, HttpExchange exchange) throws IOException {
                respond(exchange, 400, "application/x-protobuf", status.toByteArray());
            }
        });
        OtlpHttpSender.Outcome outcome = sender(endpoint, 5).post(BODY);
        assertTrue(outcome.detail.endsWith("failed: HTTP 400 Bad Request: proto: illegal wireType 7 at offset 42"), outcome.detail);
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        URL endpoint = serve(new Answer() {
            @Override
            public void answer(int n, HttpExchange exchange) throws IOException {
                exchange.getResponseHeaders().set("Location", "https://collector.example:4318/v1/traces");
                respond(exchange, 308, "text/plain", new byte[0]);
            }
        });
        OtlpHttpSender.Outcome outcome = sender(endpoint, 5).post(BODY);
        assertFalse(outcome.delivered);
        assertEquals(1, requests.size());
        assertTrue(outcome.detail.endsWith("failed: HTTP 308, redirected to https://collector.example:4318/v1/traces"),
                outcome.detail);
    }

    @Test
    void aRefusedConnectionIsRetriedThenReported() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        URL endpoint = new URL("http://127.0.0.1:" + closedPort + "/v1/traces");
        OtlpHttpSender.Outcome outcome = sender(endpoint, 3).post(BODY);
        assertFalse(outcome.delivered);
        assertEquals(-1, outcome.status);
        assertEquals(3, outcome.attempts);
        assertTrue(outcome.detail.startsWith("OTLP export to " + endpoint + " failed after 3 attempts: java.net.ConnectException: Connection refused"),
                outcome.detail);
    }

    @Test
    void aSilentCollectorTimesOutEachAttempt() throws Exception {
        URL endpoint = serve(new Answer() {
            @Override
            public void answer(int n, HttpExchange exchange) throws IOException {
                try {
                    released.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                respond(exchange, 200, "text/plain", new byte[0]);
            }
        });
        long start = System.nanoTime();
        OtlpHttpSender.Outcome outcome = sender(endpoint, 2, 300).post(BODY);
        long took = System.nanoTime() - start;
        assertFalse(outcome.delivered);
        assertEquals(-1, outcome.status);
        assertEquals(2, outcome.attempts);
        assertEquals(2, requests.size());
        assertTrue(outcome.detail.endsWith("failed after 2 attempts: java.net.SocketTimeoutException: Read timed out"), outcome.detail);
        assertTrue(took >= 600 * MS && took < 5000 * MS, took / MS + " ms");
    }

    @Test
    void theConnectionIsKeptAliveBetweenPosts() throws Exception {
        URL endpoint = serve(200, 400, 200);
        OtlpHttpSender sender = sender(endpoint, 1);
        assertTrue(sender.post(BODY).delivered);
        assertEquals(400, sender.post(BODY).status);
        assertTrue(sender.post(BODY).delivered);
        assertEquals(3, requests.size());
        assertEquals(requests.get(0).remotePort, requests.get(1).remotePort, "reused after a success");
        assertEquals(requests.get(1).remotePort, requests.get(2).remotePort, "reused after an error");
    }

    @Test
    void anInterruptedCallerGetsTheOutcomeSoFar() throws Exception {
        URL endpoint = serve(503);
        Thread.currentThread().interrupt();
        try {
            OtlpHttpSender.Outcome outcome = new OtlpHttpSender(endpoint, null, 5000, false, null).post(BODY);
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept");
            assertEquals(1, outcome.attempts);
            assertEquals(503, outcome.status);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aBadHeaderIsReportedNotThrown() throws Exception {
        URL endpoint = serve(200);
        OtlpHttpSender.Outcome outcome = new OtlpHttpSender(endpoint,
                Collections.singletonMap("X-Tenant", "one\r\nX-Injected: two"), 5000, false, null).post(BODY);
        assertFalse(outcome.delivered);
        assertEquals(1, outcome.attempts);
        assertTrue(outcome.detail.contains("IllegalArgumentException"), outcome.detail);
        assertEquals(0, requests.size());
    }
}
