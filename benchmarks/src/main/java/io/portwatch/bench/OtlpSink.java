package io.portwatch.bench;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * An OTLP/HTTP receiver on loopback that reads every request and discards it, answering 200 with
 * an empty body (an empty export response, which OTLP exporters accept). Runs in the harness's
 * process, so exporting costs the measured JVM what it would cost against a real collector,
 * minus the collector's own CPU.
 */
final class OtlpSink implements AutoCloseable {

    private final HttpServer server;
    private final java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();

    OtlpSink() throws IOException {
        this(0);
    }

    /** A slow collector: each answer {@code delayMillis} late (requests are served one at a time). */
    OtlpSink(long delayMillis) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                bytes.addAndGet(in.transferTo(OutputStream.nullOutputStream()));
            }
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    /** The base URL to give as {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** What was received so far: proof that the agents did export. */
    String received() {
        return requests.get() + " export requests, " + bytes.get() / 1024 + " KiB";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
