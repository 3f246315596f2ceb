package io.portwatch.otel;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.portwatch.track.AgentThreads;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Sends the OTLP/HTTP exports through {@link HttpURLConnection}, which is in {@code java.base}.
 * The SDK's JDK sender goes through {@code java.net.http.HttpClient}, whose construction alone
 * initialises the JVM's default TLS context (the trust store parsed, hundreds of
 * {@code sun.security} classes) even for an {@code http://} endpoint: in a hello-world, the
 * agent's start loaded about 680 classes for it and the process's peak resident memory grew by
 * about 16 MB. An {@code http://} export here loads none of that; {@code https://} uses the
 * configured TLS context, or the JVM's default.
 *
 * <p>Same contract as the SDK's senders: each export is sent on an agent thread, retried per the
 * {@link RetryPolicy} (status 429, 502, 503 and 504, and every I/O failure but a TLS one, unless
 * the policy says which), with exponential backoff and jitter, honouring {@code Retry-After}.
 * The connection is kept alive between exports by the JDK's own keep-alive cache. Not supported:
 * a restricted list of TLS protocols ({@code getEnabledProtocols}); the context's own apply.
 */
final class UrlConnectionSender implements HttpSender {

    /** Statuses the OTLP specification says to retry. */
    private static final int[] RETRYABLE_STATUS = {429, 502, 503, 504};

    private final HttpSenderConfig config;
    private final URL endpoint;
    private final ExecutorService executor;
    private final boolean ownExecutor;

    UrlConnectionSender(HttpSenderConfig config) throws IOException {
        this.config = config;
        this.endpoint = config.getEndpoint().toURL();
        ExecutorService given = config.getExecutorService();
        this.ownExecutor = given == null;
        // One of the agent's threads: the tracker ignores the exporter's own sockets by their thread.
        this.executor = given != null ? given : Executors.newSingleThreadExecutor(AgentThreads.factory("otlp-sender"));
    }

    @Override
    public void send(MessageWriter message, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
        try {
            executor.execute(() -> {
                HttpResponse response;
                try {
                    response = sendWithRetries(body(message));
                } catch (Throwable t) {
                    onError.accept(t);
                    return;
                }
                onResponse.accept(response);
            });
        } catch (RejectedExecutionException e) {
            onError.accept(e); // shut down
        }
    }

    /** The request body, compressed if so configured: written once, sent as often as retried. */
    private byte[] body(MessageWriter message) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(32, message.getContentLength()));
        Compressor compressor = config.getCompressor();
        if (compressor == null) {
            message.writeMessage(bytes);
        } else {
            try (OutputStream out = compressor.compress(bytes)) {
                message.writeMessage(out);
            }
        }
        return bytes.toByteArray();
    }

    private HttpResponse sendWithRetries(byte[] body) throws IOException, InterruptedException {
        RetryPolicy policy = config.getRetryPolicy();
        int attempts = policy == null ? 1 : Math.max(1, policy.getMaxAttempts());
        long backoffNanos = policy == null ? 0 : policy.getInitialBackoff().toNanos();
        for (int attempt = 1; ; attempt++) {
            Response response = null;
            IOException failure = null;
            try {
                response = post(body);
            } catch (IOException e) {
                failure = e;
            }
            boolean retry = attempt < attempts
                    && (response != null ? retryable(response.status) : retryable(failure, policy));
            if (!retry) {
                if (failure != null) throw failure;
                return response;
            }
            long maxNanos = policy.getMaxBackoff().toNanos();
            long waitNanos = ThreadLocalRandom.current().nextLong(Math.max(1, Math.min(backoffNanos, maxNanos)));
            if (response != null && response.retryAfterSeconds >= 0) {
                waitNanos = Math.min(TimeUnit.SECONDS.toNanos(response.retryAfterSeconds), maxNanos);
            }
            TimeUnit.NANOSECONDS.sleep(waitNanos);
            backoffNanos = (long) (backoffNanos * policy.getBackoffMultiplier());
        }
    }

    private Response post(byte[] body) throws IOException {
        Proxy proxy = proxy();
        HttpURLConnection c = (HttpURLConnection) (proxy == null ? endpoint.openConnection() : endpoint.openConnection(proxy));
        try {
            if (c instanceof HttpsURLConnection && config.getSslContext() != null) {
                ((HttpsURLConnection) c).setSSLSocketFactory(config.getSslContext().getSocketFactory());
            }
            c.setConnectTimeout(millis(config.getConnectTimeout()));
            c.setReadTimeout(millis(config.getTimeout()));
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setUseCaches(false);
            c.setFixedLengthStreamingMode(body.length);
            c.setRequestProperty("Content-Type", config.getContentType());
            if (config.getCompressor() != null) c.setRequestProperty("Content-Encoding", config.getCompressor().getEncoding());
            Map<String, List<String>> headers = config.getHeadersSupplier() == null ? null : config.getHeadersSupplier().get();
            if (headers != null) {
                for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                    for (String value : h.getValue()) c.addRequestProperty(h.getKey(), value);
                }
            }
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            // Read to the end, so that the connection goes back to the keep-alive cache.
            byte[] responseBody = in == null ? new byte[0] : read(in, config.getMaxResponseBodySize());
            return new Response(status, c.getResponseMessage(), responseBody, retryAfter(c.getHeaderField("Retry-After")));
        } catch (IOException e) {
            c.disconnect(); // a connection in an unknown state is not reused
            throw e;
        }
    }

    private Proxy proxy() {
        if (config.getProxyOptions() == null) return null;
        List<Proxy> proxies = config.getProxyOptions().getProxySelector().select(config.getEndpoint());
        return proxies.isEmpty() ? null : proxies.get(0);
    }

    static boolean retryable(int status) {
        for (int s : RETRYABLE_STATUS) {
            if (s == status) return true;
        }
        return false;
    }

    /**
     * The policy's own rule, or the SDK senders' default: every I/O failure is transient (a
     * refused or reset connection, a timeout) but a TLS one, which a retry does not mend.
     */
    static boolean retryable(IOException failure, RetryPolicy policy) {
        Predicate<IOException> rule = policy == null ? null : policy.getRetryExceptionPredicate();
        return rule != null ? rule.test(failure) : !(failure instanceof SSLException);
    }

    /** {@code Retry-After} in seconds, or -1 when absent or an HTTP date (left to the backoff). */
    static long retryAfter(String header) {
        if (header == null) return -1;
        try {
            return Math.max(0, Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static byte[] read(InputStream in, long max) throws IOException {
        try (InputStream body = in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            for (int n; (n = body.read(buffer)) > 0; ) {
                if (out.size() < max) out.write(buffer, 0, (int) Math.min(n, max - out.size()));
            }
            return out.toByteArray();
        }
    }

    private static int millis(Duration d) {
        return d == null ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    @Override
    public CompletableResultCode shutdown() {
        if (ownExecutor) executor.shutdown();
        return CompletableResultCode.ofSuccess();
    }

    /** One response: what the SDK is told, and the server's wish for the next attempt. */
    private static final class Response implements HttpResponse {
        final int status;
        final String message;
        final byte[] body;
        final long retryAfterSeconds;

        Response(int status, String message, byte[] body, long retryAfterSeconds) {
            this.status = status;
            this.message = message == null ? "" : message;
            this.body = body;
            this.retryAfterSeconds = retryAfterSeconds;
        }

        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        public String getStatusMessage() {
            return message;
        }

        @Override
        public byte[] getResponseBody() {
            return body;
        }
    }
}
