package io.portwatch.otel;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which signals leave the process, as the SDK's own settings say; a refused loopback port as the collector. */
class TelemetryTest {

    private static final String NOWHERE = "http://127.0.0.1:1";

    @Test
    void anEndpointExportsSpans() {
        Telemetry t = start(Map.of("otel.exporter.otlp.endpoint", NOWHERE));
        assertTrue(t.exporting());
        assertTrue(t.tracesExported());
    }

    /** Metrics only: the counters go out, and no span is built for nothing (nor counted as lost). */
    @Test
    void tracesExporterNoneBuildsNoSpans() {
        Telemetry t = start(Map.of("otel.exporter.otlp.endpoint", NOWHERE, "otel.traces.exporter", "none"));
        assertTrue(t.exporting(), "metrics are exported");
        assertFalse(t.tracesExported());
    }

    /**
     * The agent's exporter has no gRPC sender (it sends over HTTP/1.1 with HttpURLConnection): one
     * line that says what to set instead, and nothing exported.
     */
    @Test
    void grpcIsRefusedInOneLine() {
        List<String> problems = new ArrayList<>();
        Telemetry t = start(Map.of("otel.exporter.otlp.endpoint", NOWHERE, "otel.exporter.otlp.protocol", "grpc"), problems);
        assertFalse(t.exporting());
        assertFalse(t.tracesExported());
        assertEquals(1, problems.size(), problems::toString);
        assertEquals("OpenTelemetry configuration rejected, exporting nothing: OTLP over gRPC is not supported:"
                + " OTEL_EXPORTER_OTLP_PROTOCOL (otel.exporter.otlp.protocol) is grpc; set http/protobuf instead,"
                + " and the endpoint to the collector's OTLP/HTTP port, usually 4318", problems.get(0));
    }

    /** A signal's own protocol wins over the general one, as in the SDK. */
    @Test
    void grpcForOneSignalIsNamed() {
        List<String> problems = new ArrayList<>();
        Telemetry t = start(Map.of("otel.exporter.otlp.endpoint", NOWHERE, "otel.exporter.otlp.protocol", "grpc",
                "otel.exporter.otlp.traces.protocol", "http/protobuf", "otel.exporter.otlp.logs.protocol", "grpc"), problems);
        assertFalse(t.exporting());
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).contains(": OTEL_EXPORTER_OTLP_PROTOCOL (otel.exporter.otlp.protocol),"
                + " OTEL_EXPORTER_OTLP_LOGS_PROTOCOL (otel.exporter.otlp.logs.protocol) are grpc;"), problems::toString);
    }

    /** gRPC only where nothing uses it: a signal not exported over OTLP, or no exporter at all. */
    @Test
    void grpcWhereNothingUsesItIsNoProblem() {
        Telemetry t = start(Map.of("otel.exporter.otlp.endpoint", NOWHERE, "otel.exporter.otlp.metrics.protocol", "grpc",
                "otel.metrics.exporter", "none"));
        assertTrue(t.exporting());
        assertTrue(t.tracesExported());
        Telemetry off = start(Map.of("otel.exporter.otlp.protocol", "grpc"));
        assertFalse(off.exporting());
    }

    /** {@code console}: a line per span on the info output, none on the problems one; nothing sent. */
    @Test
    void consoleWritesASpanPerLine() {
        List<String> problems = new ArrayList<>();
        List<String> info = new java.util.concurrent.CopyOnWriteArrayList<>();
        Telemetry t = Telemetry.start(Map.of("otel.traces.exporter", "console", "otel.metrics.exporter", "none",
                "otel.logs.exporter", "none"), problems::add, info::add);
        assertTrue(t.tracesExported());
        SpanOutput out = t.spans();
        assertTrue(out.room());
        byte[] trace = out.traceId();
        out.end(new io.portwatch.otlp.OtlpSpan(trace, out.spanId(), null, "tcp.connection", io.portwatch.otlp.OtlpSpan.Kind.CLIENT,
                1_000_000, 3_000_000, io.portwatch.otlp.OtlpAttributes.of("server.port", 3306L), java.util.List.of(), false, null));
        t.shutdown(5_000, problems::add);
        assertEquals(List.of(), problems);
        assertEquals(1, info.size(), info::toString);
        assertTrue(info.get(0).startsWith("span tcp.connection CLIENT trace="), info::toString);
        assertTrue(info.get(0).endsWith(" 2.0 ms {server.port=3306}"), info::toString);
    }

    private static Telemetry start(Map<String, String> arguments) {
        List<String> problems = new ArrayList<>();
        Telemetry t = start(arguments, problems);
        assertEquals(List.of(), problems);
        return t;
    }

    private static Telemetry start(Map<String, String> arguments, List<String> problems) {
        Telemetry t = Telemetry.start(arguments, problems::add, note -> {});
        t.shutdown(0, problems::add);
        return t;
    }
}
