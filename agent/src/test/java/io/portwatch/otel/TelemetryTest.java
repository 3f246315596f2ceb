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

    private static Telemetry start(Map<String, String> arguments) {
        List<String> problems = new ArrayList<>();
        Telemetry t = Telemetry.start(arguments, problems::add);
        t.sdk().shutdown().join(5, TimeUnit.SECONDS);
        assertEquals(List.of(), problems);
        return t;
    }
}
