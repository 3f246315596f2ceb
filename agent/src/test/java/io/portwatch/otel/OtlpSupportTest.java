package io.portwatch.otel;

import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the exporter cannot do, said before the SDK fails at it. */
class OtlpSupportTest {

    private static String unsupported(Map<String, String> config, Map<String, String> overrides) {
        return OtlpSupport.unsupported(DefaultConfigProperties.createFromMap(config), overrides);
    }

    /** The agent's own "none" for every signal (no endpoint, no exporter named): nothing to send, nothing to say. */
    @Test
    void nothingExportedNeedsNothing() {
        Map<String, String> none = new HashMap<>();
        for (String s : new String[]{"traces", "metrics", "logs"}) none.put("otel." + s + ".exporter", "none");
        assertNull(unsupported(Map.of("otel.exporter.otlp.protocol", "grpc"), none));
        assertNull(unsupported(Map.of("otel.traces.exporter", "console", "otel.metrics.exporter", "none",
                "otel.logs.exporter", "none"), Map.of()));
    }

    @Test
    void grpcIsRefused() {
        String why = unsupported(Map.of("otel.exporter.otlp.protocol", "grpc"), Map.of());
        assertTrue(why.startsWith("OTLP over gRPC is not supported"), why);
    }

    /** An exporter list with OTLP among others; the agent's http/protobuf default in the overrides. */
    @Test
    void otlpAmongOtherExportersCounts() {
        assertEquals("OTLP over gRPC is not supported: OTEL_EXPORTER_OTLP_TRACES_PROTOCOL (otel.exporter.otlp.traces.protocol)"
                        + " is grpc; set http/protobuf instead, and the endpoint to the collector's OTLP/HTTP port, usually 4318",
                unsupported(Map.of("otel.traces.exporter", "console, otlp", "otel.exporter.otlp.traces.protocol", "grpc"),
                        Map.of("otel.exporter.otlp.protocol", "http/protobuf")));
        assertNull(unsupported(Map.of("otel.exporter.otlp.endpoint", "http://c:4318"),
                Map.of("otel.exporter.otlp.protocol", "http/protobuf")));
    }
}
