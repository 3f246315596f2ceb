package io.portwatch.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.kernel.Sysctls;
import org.junit.jupiter.api.Test;

class AdviceTest {

    static final Destination DB = Rows.dest(0x0A000002, 0x0A000005, 3306);

    @Test
    void theFoundingIncidentNamesTimestamps() {
        Sysctls s = Sysctls.linuxDefaults().withTwReuse(1).withTimestamps(0);
        String text = new Advice().reuse(ReuseVerdict.evaluate(s, DB.isLoopback())).text();
        assertTrue(text.startsWith("tcp_tw_reuse=1 is ineffective because tcp_timestamps=0"), text);
        assertTrue(text.endsWith("— set net.ipv4.tcp_timestamps=1"), text);
    }

    @Test
    void effectiveReuseAddsNothing() {
        Advice a = new Advice().reuse(ReuseVerdict.evaluate(Sysctls.linuxDefaults().withTwReuse(1), false));
        assertTrue(a.sentences().isEmpty());
        assertEquals(Advice.GENERAL, a.text());
    }

    @Test
    void closingFirstNamesRateDestinationAndCallSite() {
        String text = new Advice().localClosesFirst(120, DB, "com.example.Writer.write(Writer.java:42)").text();
        assertEquals("this JVM closes first: 120.0 connections/s to 10.0.0.5:3306 opened at"
            + " com.example.Writer.write(Writer.java:42) — pool them: each close leaves its port in TIME_WAIT"
            + " for 60 s", text);
        String noSite = new Advice().localClosesFirst(3.25, DB, null).text();
        assertTrue(noSite.startsWith("this JVM closes first: 3.3 connections/s to 10.0.0.5:3306 — pool them"), noSite);
    }

    @Test
    void overflowAndBindAreSaidOnlyWhenFound() {
        assertTrue(new Advice().timeWaitOverflow(0).boundBeforeConnect(false).sentences().isEmpty());
        Advice a = new Advice()
            .reuse(ReuseVerdict.evaluate(Sysctls.linuxDefaults(), false))
            .timeWaitOverflow(12)
            .boundBeforeConnect(true);
        assertEquals(3, a.sentences().size());
        assertTrue(a.sentences().get(0).contains("loopback only"));
        assertTrue(a.sentences().get(1).startsWith("tcp_max_tw_buckets overflowing (TCPTimeWaitOverflow rising, +12):"
            + " TIME_WAIT sockets are being destroyed early, which hides the churn"), a.sentences().get(1));
        assertTrue(a.sentences().get(2).startsWith("bind() before connect() shares one port pool across destinations"));
        assertEquals(String.join("; ", a.sentences()), a.text());
    }
}
