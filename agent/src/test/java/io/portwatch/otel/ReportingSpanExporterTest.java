package io.portwatch.otel;

import io.opentelemetry.sdk.common.CompletableResultCode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lines about a collector that fails, and then works again: one each, not one per batch. */
class ReportingSpanExporterTest {

    private boolean accept;

    @Test
    void oneLineWhenExportFailsAndOneWhenItWorksAgain() {
        List<String> lines = new ArrayList<>();
        SpanLosses losses = new SpanLosses(line -> {});
        ReportingSpanExporter exporter = new ReportingSpanExporter(TestExporters.exporting(
                spans -> accept ? CompletableResultCode.ofSuccess() : CompletableResultCode.ofFailure()), lines::add, losses);

        exporter.export(Collections.emptyList());
        exporter.export(Collections.emptyList());
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).startsWith("cannot export spans"), lines::toString);
        assertTrue(losses.lastExportFailed());

        accept = true;
        exporter.export(Collections.emptyList());
        exporter.export(Collections.emptyList());
        assertEquals(List.of(lines.get(0), "exporting spans works again"), lines);
        assertFalse(losses.lastExportFailed());
    }
}
