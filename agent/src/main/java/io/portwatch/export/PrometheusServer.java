package io.portwatch.export;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.portwatch.otlp.OtlpMetric;
import io.portwatch.track.AgentThreads;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * The agent's Prometheus endpoint, served by the JDK's own HTTP server ({@code jdk.httpserver})
 * the way the OpenTelemetry SDK's Prometheus exporter serves it: {@code /metrics} in the
 * Prometheus text format, or OpenMetrics when the {@code Accept} header names it (as Prometheus
 * does), gzipped when {@code Accept-Encoding} says gzip; its {@code name[]} and {@code debug}
 * parameters; {@code /-/healthy}; a page at {@code /} (and any other path). Each scrape collects
 * afresh through {@link Collection} and writes with {@link PrometheusText}, whose problems
 * callback also hears of failed scrapes.
 *
 * <p>A scraper that asks for Prometheus' protobuf format first (a Prometheus with native
 * histograms on) gets what the exporter without its protobuf module gave: HTTP 500, "Prometheus
 * protobuf writer not available" (docs/prometheus.md says how to configure such a scrape). The
 * exporter's client does not fall back to text there; nor does this. (Asked with gzip, the
 * exporter sent a 200 whose zipped body broke off; this sends the 500 all the same.)
 *
 * <p>Not carried over: the {@code escaping} parameter of {@code Accept}. The names written here
 * are valid legacy names, which the underscores (default) and allow-utf-8 schemes leave as they
 * are; only a Prometheus configured for the dots or values scheme would have had them escaped.
 * Nor does it set the {@code sun.net.httpserver.maxReqTime} and {@code maxRspTime} system
 * properties, as the client's HTTPServer did for the whole JVM.
 *
 * <p>All of the server's threads are the agent's: the handler thread comes from
 * {@link AgentThreads#factory}, and the JDK's dispatcher and timer threads, which inherit the
 * group and daemon status of the thread that creates the server, are created on that thread. The
 * agent ignores its own threads' sockets, so scrapes are never tracked as the application's.
 */
public final class PrometheusServer {

    /** What a scrape serves: the integrator's metrics, collected when the scrape comes. */
    public interface Collection {
        List<OtlpMetric> collect();
    }

    static final String METRICS_PATH = "/metrics";
    static final String HEALTH_PATH = "/-/healthy";
    private static final String PLAIN = "text/plain; charset=utf-8";
    private static final String HEALTHY = "Exporter is healthy.\n";
    private static final String PROTOBUF_MISSING = "An Exception occurred while scraping metrics: "
            + "java.lang.UnsupportedOperationException: Prometheus protobuf writer not available\n";
    private static final String INDEX = "<html>\n<head><title>portwatch</title></head>\n<body>\n<h1>portwatch</h1>\n"
            + "<p>Metrics: <a href=\"metrics\">/metrics</a>, in the Prometheus text format, or OpenMetrics when the"
            + " <tt>Accept</tt> header asks for it. <tt>name[]=NAME</tt> picks metrics;"
            + " <a href=\"metrics?debug=openmetrics\">debug=openmetrics</a> and <a href=\"metrics?debug=text\">debug=text</a>"
            + " show a format in a browser.</p>\n<p>Health: <a href=\"-/healthy\">/-/healthy</a>.</p>\n</body>\n</html>\n";
    /** How a body is sent: with its length, chunked, or gzipped (and chunked). */
    private static final int SIZED = 0;
    private static final int CHUNKED = 1;
    private static final int GZIPPED = 2;
    /** The exporter's backlog (HTTPServer.Builder): scrapes come one at a time. */
    private static final int BACKLOG = 3;

    private final HttpServer server;
    private final ExecutorService executor;

    private PrometheusServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Serves on {@code host} ({@code 0.0.0.0} for every interface) and {@code port} (0 for any
     * free one, see {@link #address}) until {@link #stop}.
     *
     * @throws IOException why it could not: a {@link java.net.BindException} for a port in use,
     *                     an {@link UnknownHostException} for a host that does not resolve
     */
    public static PrometheusServer start(String host, int port, Collection collection, PrometheusText text) throws IOException {
        // One thread: the handler's. Scrapes are seconds apart, and one at a time keeps
        // collecting and rendering free of concurrency.
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0L, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<Runnable>(), AgentThreads.factory("prometheus-http"));
        Future<HttpServer> started = executor.submit(new Starter(host, port, new Exchanges(collection, text), executor));
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return new PrometheusServer(started.get(), executor);
                } catch (InterruptedException e) {
                    // Binding takes a moment; given up now, a started server would be left running.
                    interrupted = true;
                } catch (ExecutionException e) {
                    executor.shutdown();
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException) throw (IOException) cause;
                    throw new IOException(cause.getMessage() != null ? cause.getMessage() : cause.toString(), cause);
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Where it listens; the port is the one bound when 0 was asked. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Stops serving at once (a scrape under way is cut short) and ends the server's threads. */
    public void stop() {
        server.stop(0);
        executor.shutdown();
    }

    /** Creates and starts the server on the handler's thread, so the JDK's threads are born in the agent's group. */
    private static final class Starter implements Callable<HttpServer> {
        private final String host;
        private final int port;
        private final HttpHandler handler;
        private final ExecutorService executor;

        Starter(String host, int port, HttpHandler handler, ExecutorService executor) {
            this.host = host;
            this.port = port;
            this.handler = handler;
            this.executor = executor;
        }

        @Override
        public HttpServer call() throws IOException {
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (address.isUnresolved()) throw new UnknownHostException(host);
            HttpServer server = HttpServer.create(address, BACKLOG);
            server.createContext("/", handler);
            server.createContext(METRICS_PATH, handler);
            server.createContext(HEALTH_PATH, handler);
            server.setExecutor(executor);
            server.start();
            return server;
        }
    }

    /** Answers every path; a context's path says which answer. */
    private static final class Exchanges implements HttpHandler {
        private final Collection collection;
        private final PrometheusText text;

        Exchanges(Collection collection, PrometheusText text) {
            this.collection = collection;
            this.text = text;
        }

        @Override
        public void handle(HttpExchange exchange) {
            try {
                String path = exchange.getHttpContext().getPath();
                if (path.equals(METRICS_PATH)) {
                    scrape(exchange);
                } else if (path.equals(HEALTH_PATH)) {
                    respond(exchange, 200, PLAIN, utf8(HEALTHY), SIZED);
                } else {
                    respond(exchange, 200, "text/html; charset=utf-8", utf8(INDEX), SIZED);
                }
            } catch (IOException gone) {
                // The scraper went away or timed out; the next scrape starts afresh.
            } catch (RuntimeException | LinkageError e) {
                // The collection is the integrator's code: a failure costs this scrape, not the server.
                text.say("Prometheus: a scrape failed: " + e);
                try {
                    respond(exchange, 500, PLAIN, utf8("An Exception occurred while scraping metrics: " + e + "\n"), SIZED);
                } catch (IOException | RuntimeException alreadyAnswered) {
                    // Headers were sent before the failure: closing is all that is left.
                }
            } finally {
                exchange.close();
            }
        }

        private void scrape(HttpExchange exchange) throws IOException {
            Headers request = exchange.getRequestHeaders();
            String accept = request.getFirst("Accept");
            String query = exchange.getRequestURI().getRawQuery();
            List<String> names = parameters(query, "name[]");
            List<String> debug = parameters(query, "debug");
            if (!debug.isEmpty()) {
                debug(exchange, debug.get(0), names);
                return;
            }
            if (accept != null && accept.contains("application/vnd.google.protobuf")
                    && accept.contains("proto=io.prometheus.client.MetricFamily")) {
                respond(exchange, 500, PLAIN, utf8(PROTOBUF_MISSING), SIZED);
                return;
            }
            boolean openMetrics = accept != null && accept.contains("application/openmetrics-text");
            byte[] body = utf8(text.render(collected(), openMetrics, names));
            respond(exchange, 200, openMetrics ? PrometheusText.OPENMETRICS_CONTENT_TYPE : PrometheusText.TEXT_CONTENT_TYPE,
                    body, gzipAccepted(request.get("Accept-Encoding")) ? GZIPPED : SIZED);
        }

        /** {@code ?debug=}: a format as plain text, for a browser; never zipped, chunked as the exporter sends it. */
        private void debug(HttpExchange exchange, String format, List<String> names) throws IOException {
            if (format.equals("openmetrics") || format.equals("text")) {
                respond(exchange, 200, PLAIN, utf8(text.render(collected(), format.equals("openmetrics"), names)), CHUNKED);
            } else if (format.equals("prometheus-protobuf")) {
                respond(exchange, 500, PLAIN, utf8(PROTOBUF_MISSING), CHUNKED);
            } else {
                respond(exchange, 500, PLAIN, utf8("debug=" + format + ": Unsupported query parameter. Valid values are"
                        + " 'openmetrics', 'text', and 'prometheus-protobuf'."), CHUNKED);
            }
        }

        private List<OtlpMetric> collected() {
            List<OtlpMetric> metrics = collection.collect();
            return metrics != null ? metrics : Collections.<OtlpMetric>emptyList();
        }
    }

    /** Whether any {@code Accept-Encoding} header lists gzip (parameters such as {@code ;q=} not understood, as in the exporter). */
    static boolean gzipAccepted(List<String> acceptEncoding) {
        if (acceptEncoding == null) return false;
        for (String header : acceptEncoding) {
            for (String coding : header.split(",")) {
                if (coding.trim().equalsIgnoreCase("gzip")) return true;
            }
        }
        return false;
    }

    /** The decoded values of query parameter {@code name}, in order. */
    static List<String> parameters(String rawQuery, String name) {
        List<String> values = new ArrayList<>(1);
        if (rawQuery == null) return values;
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            if (equals >= 0 && decode(pair.substring(0, equals)).equals(name)) values.add(decode(pair.substring(equals + 1)));
        }
        return values;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, "UTF-8");
        } catch (UnsupportedEncodingException | IllegalArgumentException malformed) {
            return s;
        }
    }

    /**
     * Sends the answer ({@link #SIZED}, {@link #CHUNKED} or {@link #GZIPPED}); a HEAD request gets
     * the headers alone, with the length the body would have.
     */
    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body, int how) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", contentType);
        if (exchange.getRequestMethod().equalsIgnoreCase("HEAD")) {
            headers.set("Content-Length", String.valueOf(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        if (how == GZIPPED) {
            headers.set("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(status, 0);
            GZIPOutputStream zipped = new GZIPOutputStream(exchange.getResponseBody());
            zipped.write(body);
            zipped.close();
        } else {
            // 0 is chunked to the JDK's server, -1 no body.
            exchange.sendResponseHeaders(status, how == CHUNKED ? 0 : body.length == 0 ? -1 : body.length);
            OutputStream out = exchange.getResponseBody();
            out.write(body);
            out.close();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
