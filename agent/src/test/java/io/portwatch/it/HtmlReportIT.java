package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.Chromium;
import io.portwatch.it.support.ExhaustionRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The HTML report of a real churn run, opened in a real browser: headless Chromium takes a
 * screenshot of the page as written, and a copy with a measuring script added shows that every
 * chart rendered with a size and that its lines were drawn. Neither may print anything on the
 * browser's console: no script error, and no Content-Security-Policy violation (the page may not
 * load anything). Skipped, saying so, when Chromium is not installed ({@code .ci/run} installs it).
 */
class HtmlReportIT {

    private static final String CSP = "content=\"default-src 'none'; style-src 'unsafe-inline'\"";
    /** Added to the copy, before {@code </body>}: one line per chart, "width height lines drawn". */
    private static final String MEASURE = "<script>(function(){var out=[];"
            + "document.querySelectorAll('svg.chart').forEach(function(svg){var r=svg.getBoundingClientRect();"
            + "var lines=svg.querySelectorAll('polyline.series');var drawn=0;"
            + "lines.forEach(function(l){var b=l.getBBox();if(b.width>0)drawn++;});"
            + "out.push(Math.round(r.width)+' '+Math.round(r.height)+' '+lines.length+' '+drawn);});"
            + "var pre=document.createElement('pre');pre.id='portwatch-measure';pre.textContent=out.join('\\n');"
            + "document.body.appendChild(pre);})();</script>";

    @Test
    void theReportOfAChurnRunRendersItsChartsInChromium(@TempDir Path dir) throws Exception {
        Chromium chromium = Chromium.find(dir);
        assumeTrue(chromium != null, "headless Chromium not found on PATH (apt-get install chromium; .ci/run installs it)");
        String jdk = ChildJvm.javaHomes().get(0);
        Path html = dir.resolve("report.html");
        boolean namespace;
        ChildJvm.Result r;
        try (ExhaustionRun run = ExhaustionRun.prepare()) {
            namespace = run.inNamespace();
            r = run.run(jdk, c -> c.agentArgs("kernel.interval=500,summary=full,report=" + html));
        }
        assertEquals(0, r.exitCode, r::toString);
        assertTrue(Files.isRegularFile(html), r::toString);
        String page = Files.readString(html, StandardCharsets.UTF_8);
        System.out.println("HTML report: " + page.getBytes(StandardCharsets.UTF_8).length + " bytes"
                + (namespace ? " (namespace run, ports ran out)" : " (loopback run)"));
        if (namespace) {
            assertTrue(page.contains("port exhaustion ahead for 127.0.0.1:7000"), "the warning is in the report");
            assertTrue(page.contains("EADDRNOTAVAIL") || r.stderr.contains("failed connects {EADDRNOTAVAIL"), r::toString);
        }

        // As written: a screenshot, and nothing on the console.
        Path png = dir.resolve("report.png");
        Chromium.Run shot = chromium.screenshot(html, png, 1100, 1700);
        assertEquals(0, shot.exitCode, shot::toString);
        assertEquals(List.of(), shot.console(), "console messages of the page as written");
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1100, image.getWidth());
        assertTrue(colours(image) > 20, "the screenshot is not blank");
        keep(png, html);

        // A copy with the measuring script (its CSP allowing inline script, nothing else).
        assertTrue(page.contains(CSP), "the page forbids loading anything");
        Path measured = dir.resolve("measured.html");
        Files.writeString(measured, page.replace(CSP, CSP.replace("'unsafe-inline'\"", "'unsafe-inline'; script-src 'unsafe-inline'\""))
                .replace("</body>", MEASURE + "</body>"), StandardCharsets.UTF_8);
        Chromium.Run dom = chromium.dumpDom(measured, 1100, 1700);
        assertEquals(0, dom.exitCode, dom::toString);
        assertEquals(List.of(), dom.console(), "console messages: script errors or blocked loads");
        Matcher m = Pattern.compile("(?s)<pre id=\"portwatch-measure\">(.*?)</pre>").matcher(dom.stdout);
        assertTrue(m.find(), () -> "the measuring script did not run:\n" + dom.stdout);
        List<int[]> charts = new ArrayList<>();
        for (String line : m.group(1).trim().split("\n")) {
            String[] f = line.trim().split(" ");
            charts.add(new int[] {Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3])});
        }
        System.out.println("charts rendered (width height lines drawn): " + m.group(1).trim().replace('\n', ';'));
        assertTrue(charts.size() >= 3, "a destination's ports, closers, host TIME_WAIT: " + charts.size() + " charts");
        for (int[] c : charts) {
            assertTrue(c[0] > 900 && c[1] > 100, "a chart narrower than the page's 980 px: " + c[0] + "x" + c[1]);
            assertTrue(c[3] >= 1 && c[3] == c[2], "a chart with a line not drawn: " + c[3] + " of " + c[2]);
        }
        assertTrue(charts.get(0)[3] >= 2, "ports in use and TIME_WAIT toward the destination");
    }

    private static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) seen.add(image.getRGB(x, y));
        }
        return seen.size();
    }

    /** Keeps the screenshot and the page under target/ for a look (docs/images/report.png comes from there). */
    private static void keep(Path png, Path html) throws Exception {
        Path out = Files.createDirectories(Paths.get("target", "report-it"));
        Files.copy(png, out.resolve("report.png"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(html, out.resolve("report.html"), StandardCopyOption.REPLACE_EXISTING);
        System.out.println("screenshot kept: " + out.resolve("report.png").toAbsolutePath());
    }
}
