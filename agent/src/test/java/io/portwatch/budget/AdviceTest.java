package io.portwatch.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.kernel.Sysctls;
import org.junit.jupiter.api.Test;

import java.util.List;

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
    void aWarningBeforeAnyCloseIsConfirmedNamesTheCodeAndSaysTheCloserIsNotKnownYet() {
        Sysctls s = Sysctls.linuxDefaults().withTwReuse(1).withTimestamps(0);
        Advice a = new Advice().reuse(ReuseVerdict.evaluate(s, DB.isLoopback()))
                .openedAt(List.of(new Advice.Opener("com.example.Writer.write(Writer.java:42)", 14.7, false),
                        new Advice.Opener("com.example.Audit.log(Audit.java:9)", 0.5, true)), 2)
                .closer(false, 3, 0.0);
        assertTrue(a.sentences().get(0).startsWith("tcp_tw_reuse=1 is ineffective because tcp_timestamps=0"), a::text);
        assertEquals(List.of("opened at com.example.Writer.write(Writer.java:42) (14.7/s, directly),"
                + " com.example.Audit.log(Audit.java:9) (0.5/s, by a pool) and 2 more call sites",
                "which side closes first is not confirmed by the kernel yet (3 closes confirmed so far)"),
                a.sentences().subList(1, 3));
        assertEquals(List.of("opened-at:com.example.Writer.write(Writer.java:42)", "closer:unconfirmed"),
                a.causes().subList(1, 3));
    }

    @Test
    void theConfirmedCloserIsSaidWithItsShare() {
        String local = new Advice().closer(true, 120, 0.98).text();
        assertEquals("this JVM closes first (confirmed by the kernel: 98% of 120 closes left their port in TIME_WAIT"
                + " here for 60 s) — pool them, or keep them alive", local);
        Advice peer = new Advice().closer(true, 40, 0.1);
        assertTrue(peer.text().startsWith("the peer closes first (confirmed by the kernel: 10% of 40 closes"), peer.text());
        assertEquals(List.of("closer:peer"), peer.causes());
        // Connector/J without TLS: both ends close at once, and a third of the TIME_WAITs land here.
        Advice racing = new Advice().closer(true, 18, 0.33);
        assertEquals("both sides close first, by turns (confirmed by the kernel: 33% of 18 closes left their port in"
                + " TIME_WAIT here for 60 s) — pool them, or keep them alive", racing.text());
        assertEquals(List.of("closer:mixed"), racing.causes());
    }

    @Test
    void unknownCodeIsSaidToBeUnknown() {
        assertEquals("the code that opens them is not known (callsite=false, or past callsite.limit)",
                new Advice().openedAt(List.of(), 0).text());
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
