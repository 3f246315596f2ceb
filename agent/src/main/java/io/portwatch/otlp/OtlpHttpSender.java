package io.portwatch.otlp;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * Posts OTLP/HTTP protobuf bodies through {@link HttpURLConnection}, which is in {@code java.base}.
 * Not {@code java.net.http.HttpClient}: its construction alone initialises the JVM's default TLS
 * context (the trust store parsed, hundreds of {@code sun.security} classes) even for an
 * {@code http://} endpoint, about 680 classes and 16 MB of peak resident memory in a hello-world.
 * An {@code http://} post here loads none of that; {@code https://} uses the given TLS context
 * ({@link OtlpTls}), or the JVM's default. A proxy is the JVM's own ({@code http.proxyHost},
 * {@code https.proxyHost}, the default {@code ProxySelector}).
 *
 * <p>Retried as the SDK's default {@code RetryPolicy} does: up to 5 attempts, on status 429, 502,
 * 503 and 504 and on every I/O failure but a TLS one (a retry does not mend a certificate), after
 * a random wait below a backoff that starts at 1 s and grows by 1.5 up to 5 s; a
 * {@code Retry-After} in seconds replaces that wait, capped at 5 s so that one export cannot hold
 * the exporting thread for long. The connection is kept alive between posts by the JDK's own
 * keep-alive cache. Redirects are not followed: a streamed POST cannot be resent to the new
 * location, and the user is better told to fix the endpoint. One sender may be used by several
 * threads.
 */
public final class OtlpHttpSender {

    private static final int[] RETRYABLE_STATUS = {429, 502, 503, 504};
    private static final double BACKOFF_MULTIPLIER = 1.5;
    /** How much of an error response the detail line quotes. */
    private static final int QUOTED_CHARS = 200;

    private final URL endpoint;
    private final String[] headerNames;
    private final String[] headerValues;
    private final int timeoutMillis;
    private final boolean gzip;
    /**
     * Made once: the JDK's keep-alive cache hands a cached HTTPS connection only to a request
     * with the same socket factory, and {@code SSLContext.getSocketFactory()} makes a new one per call.
     */
    private final SSLSocketFactory tls;
    private final int maxAttempts;
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;

    /**
     * @param endpoint      the full URL, e.g. {@code http://collector:4318/v1/traces}
     * @param headers       sent with every request (e.g. {@code OTEL_EXPORTER_OTLP_HEADERS})
     * @param timeoutMillis the connect and the read timeout of one attempt (the SDK's default is 10000)
     * @param gzip          whether to compress the body ({@code Content-Encoding: gzip})
     * @param tls           the context for {@code https://}, null for the JVM's default
     */
    public OtlpHttpSender(URL endpoint, Map<String, String> headers, long timeoutMillis, boolean gzip, SSLContext tls) {
        this(endpoint, headers, timeoutMillis, gzip, tls, 5, TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(5));
    }

    /** With another retry schedule: tests must not wait seconds. */
    OtlpHttpSender(URL endpoint, Map<String, String> headers, long timeoutMillis, boolean gzip, SSLContext tls,
                   int maxAttempts, long initialBackoffNanos, long maxBackoffNanos) {
        this.endpoint = endpoint;
        int n = headers == null ? 0 : headers.size();
        this.headerNames = new String[n];
        this.headerValues = new String[n];
        if (headers != null) {
            int i = 0;
            for (Map.Entry<String, String> h : headers.entrySet()) {
                headerNames[i] = h.getKey();
                headerValues[i++] = h.getValue();
            }
        }
        this.timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutMillis));
        this.gzip = gzip;
        this.tls = tls == null ? null : tls.getSocketFactory();
        this.maxAttempts = Math.max(1, maxAttempts);
        this.initialBackoffNanos = initialBackoffNanos;
        this.maxBackoffNanos = maxBackoffNanos;
    }

    /** Posts one protobuf message, retried as the class says, on the calling thread. Never throws. */
    public Outcome post(byte[] message) {
        byte[] body;
        try {
            body = gzip ? gzip(message) : message;
        } catch (IOException | RuntimeException e) {
            return new Outcome(false, -1, e.toString(), false, -1).after(endpoint, 0);
        }
        long backoffNanos = initialBackoffNanos;
        for (int attempt = 1; ; attempt++) {
            Outcome outcome = attempt(body);
            if (outcome.delivered || !outcome.retryable || attempt >= maxAttempts) return outcome.after(endpoint, attempt);
            // Jitter as the SDK's: a random wait below the backoff, so that agents do not retry in step.
            long waitNanos = ThreadLocalRandom.current().nextLong(Math.max(1, Math.min(backoffNanos, maxBackoffNanos)));
            if (outcome.retryAfterSeconds >= 0) {
                waitNanos = Math.min(TimeUnit.SECONDS.toNanos(outcome.retryAfterSeconds), maxBackoffNanos);
            }
            try {
                TimeUnit.NANOSECONDS.sleep(waitNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the caller is stopping: no more attempts
                return outcome.after(endpoint, attempt);
            }
            backoffNanos = (long) (backoffNanos * BACKOFF_MULTIPLIER);
        }
    }

    private Outcome attempt(byte[] body) {
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) endpoint.openConnection();
            if (tls != null && c instanceof HttpsURLConnection) ((HttpsURLConnection) c).setSSLSocketFactory(tls);
            c.setConnectTimeout(timeoutMillis);
            c.setReadTimeout(timeoutMillis);
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setUseCaches(false);
            c.setInstanceFollowRedirects(false);
            // Streamed, not buffered: no copy of the body, and no silent resend of a buffered POST by the
            // JDK (sun.net.http.retryPost) behind the retry count's back.
            c.setFixedLengthStreamingMode(body.length);
            for (int i = 0; i < headerNames.length; i++) c.setRequestProperty(headerNames[i], headerValues[i]);
            c.setRequestProperty("Content-Type", "application/x-protobuf");
            if (gzip) c.setRequestProperty("Content-Encoding", "gzip");
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            // Read to the end, so that the connection goes back to the keep-alive cache.
            byte[] quoted = in == null ? new byte[0] : readQuoting(in);
            if (status >= 200 && status < 300) return new Outcome(true, status, null, false, -1);
            return new Outcome(false, status, problem(c, status, quoted), retryable(status),
                    retryAfter(c.getHeaderField("Retry-After")));
        } catch (IOException e) {
            if (c != null) c.disconnect(); // a connection in an unknown state is not reused
            return new Outcome(false, -1, e.toString(), !(e instanceof SSLException), -1);
        } catch (RuntimeException e) { // e.g. a header value with a line break: the same next time
            if (c != null) c.disconnect();
            return new Outcome(false, -1, e.toString(), false, -1);
        }
    }

    /** "HTTP 400 Bad Request: what the collector said", on one line. */
    private static String problem(HttpURLConnection c, int status, byte[] body) throws IOException {
        StringBuilder s = new StringBuilder("HTTP ").append(status);
        String message = c.getResponseMessage();
        if (message != null && !message.isEmpty()) s.append(' ').append(message);
        String location = c.getHeaderField("Location");
        if (location != null) s.append(", redirected to ").append(location);
        String type = c.getContentType();
        String said = type != null && type.startsWith("application/x-protobuf")
                ? OtlpStatusMessage.of(body) : new String(body, StandardCharsets.UTF_8);
        said = oneLine(said);
        if (!said.isEmpty()) {
            s.append(": ").append(said.length() > QUOTED_CHARS ? said.substring(0, QUOTED_CHARS).trim() + "..." : said);
        }
        return s.toString();
    }

    /** Line breaks and other control characters as single spaces: the detail is one line of a log. */
    private static String oneLine(String text) {
        StringBuilder s = new StringBuilder(Math.min(text.length(), QUOTED_CHARS + 8));
        for (int i = 0; i < text.length() && s.length() <= QUOTED_CHARS; i++) {
            char ch = text.charAt(i);
            boolean blank = Character.isISOControl(ch) || Character.isWhitespace(ch) || ch == '\uFFFD';
            if (!blank) s.append(ch);
            else if (s.length() > 0 && s.charAt(s.length() - 1) != ' ') s.append(' ');
        }
        return s.toString().trim();
    }

    static boolean retryable(int status) {
        for (int s : RETRYABLE_STATUS) {
            if (s == status) return true;
        }
        return false;
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

    /** Reads the stream to its end, keeping only what the detail line may quote. */
    private static byte[] readQuoting(InputStream in) throws IOException {
        try (InputStream body = in) {
            ByteArrayOutputStream kept = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            // Four times the quoted chars: room for multi-byte characters and a protobuf's framing.
            int max = 4 * QUOTED_CHARS;
            for (int n; (n = body.read(buffer)) >= 0; ) {
                if (kept.size() < max) kept.write(buffer, 0, Math.min(n, max - kept.size()));
            }
            return kept.toByteArray();
        }
    }

    private static byte[] gzip(byte[] message) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(64, message.length / 4));
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(message);
        }
        return bytes.toByteArray();
    }

    /** What became of one post. */
    public static final class Outcome {
        /** Whether the collector accepted the body (a 2xx status). */
        public final boolean delivered;
        /** The last HTTP status, or -1 when the last attempt got no response. */
        public final int status;
        /** One line for the user when not delivered (the endpoint, what failed, after how many attempts); null when delivered. */
        public final String detail;
        /** How many times the body was sent (or tried to be). */
        public final int attempts;
        final boolean retryable;
        final long retryAfterSeconds;

        private Outcome(boolean delivered, int status, String detail, boolean retryable, long retryAfterSeconds) {
            this(delivered, status, detail, retryable, retryAfterSeconds, 1);
        }

        private Outcome(boolean delivered, int status, String detail, boolean retryable, long retryAfterSeconds,
                        int attempts) {
            this.delivered = delivered;
            this.status = status;
            this.detail = detail;
            this.retryable = retryable;
            this.retryAfterSeconds = retryAfterSeconds;
            this.attempts = attempts;
        }

        /** The final outcome: the problem of the last attempt told with the endpoint and the count. */
        Outcome after(URL endpoint, int attempts) {
            String told = null;
            if (!delivered) {
                told = "OTLP export to " + endpoint + " failed"
                        + (attempts > 1 ? " after " + attempts + " attempts" : "") + ": " + detail;
            }
            return new Outcome(delivered, status, told, retryable, retryAfterSeconds, attempts);
        }

        @Override
        public String toString() {
            return delivered ? "delivered (HTTP " + status + ")" : detail;
        }
    }
}
