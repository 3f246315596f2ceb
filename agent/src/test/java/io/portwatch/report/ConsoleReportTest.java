package io.portwatch.report;

import io.portwatch.host.TestSnapshots;
import io.portwatch.hostrules.RuleResult;
import io.portwatch.hostrules.Verdict;
import io.portwatch.track.Closer;
import io.portwatch.track.TestRecords;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleReportTest {

    private final AtomicLong clock = new AtomicLong(0);

    /**
     * A churn run: 600 connections from one line, one at a time (a polling loop), all closed here
     * first, a warning, timestamps off.
     */
    RunHistory churnRun() {
        RunHistory r = new RunHistory(clock::get, 1_700_000_000_000L, "Work");
        for (int i = 0; i < 600; i++) {
            r.ended(TestRecords.outgoing("com.example.Work.write", 42, 3306, Closer.LOCAL, null, i * 20_000_000L));
        }
        for (int i = 0; i < 4; i++) {
            r.ended(TestRecords.outgoing("com.example.Other" + i + ".run", 1, 80, Closer.PEER, null, 0));
        }
        clock.set(6_000_000_000L);
        r.sampled(TestSnapshots.snapshot(290, List.of(TestSnapshots.budget("127.0.0.1", 3306, 300, 290, 280, 30, 3))));
        r.warningRaised(TestSnapshots.warning("127.0.0.1", 3306,
                "tcp_tw_reuse=1 is ineffective because tcp_timestamps=0 — set net.ipv4.tcp_timestamps=1;"
                        + " this JVM closes first: 30.0 connections/s to 127.0.0.1:3306 — pool them"));
        r.hostVerdicts(List.of(new RuleResult("tcp_timestamps", Verdict.FAIL, "off", "sysctl -w net.ipv4.tcp_timestamps=1")));
        clock.set(12_000_000_000L);
        return r;
    }

    @Test
    void shortNamesTheCallSiteItsCloserShareAndWhatToDo() {
        List<String> lines = new Report(churnRun()).consoleLines(ConsoleReport.Detail.SHORT);
        String text = String.join("\n", lines);
        assertTrue(lines.get(0).startsWith("summary: 604 outgoing and 0 accepted TCP connections ended;"
                + " closed by local=600 peer=4"), text);
        assertTrue(text.contains("600  com.example.Work.write(Work.java:42) (600 direct, 0 by a pool; closed by local 100%; polling_loop)"), text);
        assertTrue(text.contains("127.0.0.1:3306 from 127.0.0.1: at most 290 of 300 ports held (280 in TIME_WAIT)"), text);
        assertTrue(text.contains("at its worst out of ports in 3 s"), text);
        assertTrue(text.contains("1 port-exhaustion warning raised; first at +0:06"), text);
        assertTrue(text.contains("host settings: FAIL tcp_timestamps"), text);
        assertTrue(text.contains("to do 1: Reuse the connections opened at com.example.Work.write(Work.java:42)"), text);
        assertTrue(text.contains("to do 2: tcp_tw_reuse=1 is ineffective because tcp_timestamps=0 — set net.ipv4.tcp_timestamps=1 (warned for 127.0.0.1:3306 from 127.0.0.1)."), text);
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("summary: to do 3: tcp_timestamps")),
                "the warning's advice already says to turn timestamps on\n" + text);
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("summary: to do 4")), text);
        assertTrue(text.contains("... and 2 more call sites"), "short: three call sites\n" + text);
        assertTrue(lines.get(0).endsWith("(who closed first: all confirmed by the kernel's tables)"), text);
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("summary: no churn")), text);
        assertTrue(lines.size() <= 16, "concise: " + lines.size() + " lines\n" + text);
    }

    @Test
    void fullSaysMore() {
        String text = String.join("\n", new Report(churnRun()).consoleLines(ConsoleReport.Detail.FULL));
        assertTrue(text.contains("com.example.Other3.run"), text);
        assertTrue(text.contains("summary: host FAIL tcp_timestamps: off Fix: sysctl -w net.ipv4.tcp_timestamps=1"), text);
        assertTrue(text.contains("summary:   +0:06 port exhaustion ahead for 127.0.0.1:3306"), text);
    }

    @Test
    void aQuietRunHasNothingToDo() {
        RunHistory r = new RunHistory(clock::get, 0, "Work");
        r.ended(TestRecords.outgoing("com.example.Work.once", 1, 80, Closer.PEER, null, 0));
        List<String> lines = new Report(r).consoleLines(ConsoleReport.Detail.SHORT);
        assertFalse(String.join("\n", lines).contains("to do"), String.join("\n", lines));
        assertTrue(lines.contains("summary: port budgets: none (the kernel's tables were not read)"), lines.toString());
        assertTrue(lines.get(0).endsWith("(who closed first: as this JVM saw it)"), lines.toString());
        assertTrue(lines.contains("summary: no churn: no line of code opened 100 or more connections without reusing them"),
                lines.toString());
    }

    /** The churn demo on loopback: fast, yet never short of ports, and the summary says why. */
    @Test
    void aDestinationThatNeverRunsShortSaysWhy() {
        RunHistory r = new RunHistory(clock::get, 0, "Work");
        clock.set(1_000_000_000L);
        r.sampled(TestSnapshots.snapshot(500, List.of(TestSnapshots.reusing("127.0.0.1", 3306, 28_232, 600, 590, 645.2, 1))));
        String text = String.join("\n", new Report(r).consoleLines(ConsoleReport.Detail.SHORT));
        assertTrue(text.contains("at most 645.2 new connections/s leaving a TIME_WAIT here; never on course to run out"
                + " (28,232/s sustainable: TIME_WAIT ports are reused after 1 s)"), text);
        RunHistory noReuse = new RunHistory(clock::get, 0, "Work");
        noReuse.sampled(TestSnapshots.snapshot(50, List.of(TestSnapshots.reusing("10.0.0.5", 3306, 28_232, 60, 50, 2, 60))));
        assertTrue(String.join("\n", new Report(noReuse).consoleLines(ConsoleReport.Detail.SHORT))
                .contains("(470/s sustainable: 28,232 ports, each held 60 s in TIME_WAIT)"));
    }

    @Test
    void lossesAreAWarningLine() {
        RunHistory r = new RunHistory(clock::get, 0, "Work");
        r.losses(() -> 12, () -> 3);
        List<String> lines = new Report(r).consoleLines(ConsoleReport.Detail.SHORT);
        assertEquals("WARN summary: 12 events dropped (buffer.size too small?) and 3 connections untracked (max.open reached)",
                lines.get(lines.size() - 1));
    }
}
