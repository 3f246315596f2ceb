package io.portwatch.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's first command, {@code scripts/demo.sh}, as a new user runs it (shorter: 800 writes),
 * on the jars this build made: it says what it does, its output carries no terminal escape codes
 * when it goes to a file, the agent's summary says who closed first and that the kernel confirmed
 * it, and it ends with the HTML report's path, a page that exists. The default {@code java}
 * runs it, as it would for the user.
 */
class DemoScriptIT {

    @Test
    void theDemoRunsAndEndsWithItsReport(@TempDir Path dir) throws Exception {
        Path script = Paths.get("..", "scripts", "demo.sh").toAbsolutePath().normalize();
        Path report = dir.resolve("demo-report.html");
        Path out = dir.resolve("output");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "--writes", "800")
                .directory(script.getParent().getParent().toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("PORTWATCH_DEMO_REPORT", report.toString());
        pb.environment().put("PORTWATCH_DEMO_NO_BUILD", "1"); // never a Maven build inside this one
        Process p = pb.start();
        boolean ended = p.waitFor(180, TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly();
        String output = new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
        assertTrue(ended, () -> "the demo did not end within 180 s:\n" + output);
        assertEquals(0, p.exitValue(), output);
        assertFalse(output.contains("\u001b"), () -> "terminal escape codes in output sent to a file:\n" + output);
        assertTrue(output.contains("demo: running the sample's churn job with the agent"), output);
        assertTrue(output.contains("[portwatch] tracking TCP connections"), output);
        Matcher summary = Pattern.compile("(?m)^\\[portwatch\\] summary: .*").matcher(output);
        assertTrue(summary.find(), () -> "no summary line:\n" + output);
        if (Files.isReadable(Paths.get("/proc/net/tcp6"))) {
            assertTrue(output.contains("confirmed by the kernel"), () -> "the closers' source is not said:\n" + output);
        }
        String last = output.trim().substring(output.trim().lastIndexOf('\n') + 1);
        assertEquals("demo: the churn report as an HTML page: " + report, last, output);
        String page = new String(Files.readAllBytes(report), StandardCharsets.UTF_8);
        assertTrue(page.startsWith("<!DOCTYPE html>") && page.contains("<svg"), () -> "not the report page: "
                + page.substring(0, Math.min(200, page.length())));
        System.out.println("[DemoScriptIT] " + summary.group());
    }
}
