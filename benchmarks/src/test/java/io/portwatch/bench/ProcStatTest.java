package io.portwatch.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcStatTest {

    @Test
    void listsTheStatOfEachOfThisJvmsThreads() throws Exception {
        java.util.List<String> threads = ProcStat.threads(ProcessHandle.current().pid());
        assertTrue(threads.size() > 1, "a JVM runs several threads: " + threads.size());
        assertTrue(threads.stream().anyMatch(t -> ProcStat.state(t) == 'R'), "this one is running");
    }

    @Test
    void readsStateAndTicksAfterANameThatHoldsSpacesAndParentheses() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        String stat = "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 731 269 0 0 20 0 12 0";
        assertEquals(1000, ProcStat.ticks(stat));
        assertEquals('S', ProcStat.state(stat));
        assertEquals("a (b) c", ProcStat.name(stat));
    }

    @Test
    void seesThisProcessSpendCpu() {
        long pid = ProcessHandle.current().pid();
        double before = ProcStat.processMicros(pid);
        long deadline = System.nanoTime() + 10_000_000_000L;
        double after = before;
        // spins until /proc counts 50 ms more (five of its ticks), at most 10 s
        while (after - before < 50_000 && System.nanoTime() < deadline) {
            after = ProcStat.processMicros(pid);
        }
        assertTrue(after - before >= 50_000, "no CPU counted in 10 s of spinning: " + before + " then " + after);
    }
}
