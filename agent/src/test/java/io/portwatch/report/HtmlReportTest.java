package io.portwatch.report;

import io.portwatch.host.TestSnapshots;
import io.portwatch.track.Closer;
import io.portwatch.track.TestRecords;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {

    private final AtomicLong clock = new AtomicLong(0);

    @Test
    void everythingFromTheApplicationIsEscaped() {
        RunHistory r = new RunHistory(clock::get, 0, "<img src=x onerror=alert(1)>");
        // Constructors are real call sites with angle brackets: com.example.Dao.<init>
        r.ended(TestRecords.outgoing("com.example.Dao.<init>", 12, 3306, Closer.LOCAL, null, 0));
        r.ended(TestRecords.outgoing("x\"><script>alert(1)</script>", 1, 3306, Closer.LOCAL, null, 0));
        r.sampled(TestSnapshots.snapshot(1, List.of(TestSnapshots.budget("a&b<c>", 1, 300, 200, 100, 1, 5))));
        r.warningRaised(TestSnapshots.warning("a&b<c>", 1, "'quoted' & <b>bold</b>"));
        String html = HtmlReport.render(r.snapshot());
        assertFalse(html.contains("<script"), "no script at all, and none injected");
        assertFalse(html.contains("<img"), html);
        assertFalse(html.contains("<b>bold"), html);
        assertTrue(html.contains("com.example.Dao.&lt;init&gt;(Work.java:12)"), html);
        assertTrue(html.contains("[a&amp;b&lt;c&gt;]:1") || html.contains("a&amp;b&lt;c&gt;:1"), html);
        assertTrue(html.contains("&#39;quoted&#39; &amp; &lt;b&gt;bold&lt;/b&gt;"), html);
    }

    @Test
    void aPageWithChartsThatLoadsNothing() {
        RunHistory r = new RunHistory(clock::get, 0, "Work");
        for (int i = 0; i < 30; i++) {
            clock.set(i * 1_000_000_000L);
            r.ended(TestRecords.outgoing("com.example.Work.write", 42, 3306, Closer.LOCAL, null, clock.get()));
            r.sampled(TestSnapshots.snapshot(i * 10, List.of(TestSnapshots.budget("127.0.0.1", 3306, 300, i * 10, i * 9, 30, 10))));
        }
        String html = HtmlReport.render(r.snapshot());
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""), "nothing may be fetched");
        assertFalse(html.matches("(?s).*(src|href)=\"?(https?:)?//.*"), "no external reference");
        assertEquals(3, count(html, "<svg class=\"chart\""), "ports, closers, host TIME_WAIT");
        assertTrue(html.contains("capacity"), html);
    }

    /** A day-long run with six busy destinations and many call sites: the page stays small. */
    @Test
    void aLongRunStaysSmall() {
        RunHistory r = new RunHistory(clock::get, 0, "Work");
        for (long t = 0; t < 86_400_000L; t += 2000) {
            clock.set(t * 1_000_000L);
            List<io.portwatch.host.HostSnapshot.DestinationBudget> d = new ArrayList<>();
            for (int i = 0; i < 8; i++) d.add(TestSnapshots.budget("10.0.0." + i, 3306, 28232, (int) (t % 9000), (int) (t % 8000), 20, 500));
            r.sampled(TestSnapshots.snapshot(t % 10000, d));
            r.ended(TestRecords.outgoing("com.example.Work" + (t % 400) + ".write", 42, 3306, Closer.LOCAL, null, clock.get()));
        }
        int bytes = HtmlReport.render(r.snapshot()).getBytes(StandardCharsets.UTF_8).length;
        System.out.println("HTML report of a day-long run: " + bytes + " bytes");
        assertTrue(bytes < 200_000, bytes + " bytes");
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }
}
