package io.portwatch.report;

import io.portwatch.track.Closer;
import io.portwatch.track.TestRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {

    @Test
    void theFileIsForItsOwnerOnlyAndReplacesAnOldOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/report.html");
        Files.createDirectories(file.getParent());
        Files.write(file, "old".getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        RunHistory r = new RunHistory();
        r.ended(TestRecords.outgoing("com.example.Work.write", 42, 3306, Closer.LOCAL, null, System.nanoTime()));
        Path written = new Report(r).writeHtml(file);
        assertEquals(file.toAbsolutePath(), written);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).contains("com.example.Work.write"));
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void onDemandNeedsARunningAgent(@TempDir Path dir) throws Exception {
        Report.activate(null);
        assertThrows(IllegalStateException.class, () -> Report.writeNow(dir.resolve("r.html")));
        Report.activate(new Report(new RunHistory()));
        try {
            assertTrue(Report.writeNow(dir.resolve("r.html")).toFile().isFile());
            assertTrue(Report.consoleNow(ConsoleReport.Detail.SHORT).startsWith("summary: 0 outgoing"));
        } finally {
            Report.activate(null);
        }
    }
}
