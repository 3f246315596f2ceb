package io.portwatch.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcCpuTest {

    @Test
    void readsUserAndSystemTicksAfterANameThatHoldsSpacesAndParentheses() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        String stat = "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 731 269 0 0 20 0 12 0";
        assertEquals(1000, ProcCpu.ticks(stat));
    }

    @Test
    void seesThisProcessSpendCpu() {
        long pid = ProcessHandle.current().pid();
        double before = ProcCpu.processMicros(pid);
        long deadline = System.nanoTime() + 10_000_000_000L;
        double after = before;
        // spins until /proc counts 50 ms more (five of its ticks), at most 10 s
        while (after - before < 50_000 && System.nanoTime() < deadline) {
            after = ProcCpu.processMicros(pid);
        }
        assertTrue(after - before >= 50_000, "no CPU counted in 10 s of spinning: " + before + " then " + after);
    }
}
