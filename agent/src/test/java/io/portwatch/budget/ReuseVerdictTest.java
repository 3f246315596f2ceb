package io.portwatch.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.kernel.Sysctls;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ReuseVerdictTest {

    @ParameterizedTest(name = "tcp_tw_reuse={0} loopback={1} tcp_timestamps={2} -> effective={3}, blocked by {4}")
    @CsvSource({
        "0, false, 1, false, tcp_tw_reuse",
        "0, true,  1, false, tcp_tw_reuse",
        "0, false, 0, false, tcp_tw_reuse",
        "0, true,  0, false, tcp_tw_reuse",
        "1, false, 1, true,  none",
        "1, true,  1, true,  none",
        "1, false, 0, false, tcp_timestamps",
        "1, true,  0, false, tcp_timestamps",
        "2, false, 1, false, tcp_tw_reuse",
        "2, true,  1, true,  none",
        "2, false, 0, false, tcp_tw_reuse",
        "2, true,  0, false, tcp_timestamps",
        "1, false, 2, true,  none",
    })
    void everyCombination(int reuse, boolean loopback, int timestamps, boolean effective, String blockedBy) {
        Sysctls s = Sysctls.linuxDefaults().withTwReuse(reuse).withTimestamps(timestamps);
        ReuseVerdict v = ReuseVerdict.evaluate(s, loopback);
        assertEquals(effective, v.effective(), v.reason());
        assertEquals(blockedBy, v.blockedBy(), v.reason());
        assertEquals(effective, v.fix().isEmpty(), "a fix exactly when ineffective");
        if (reuse != 0 && timestamps == 0 && (reuse == 1 || loopback)) {
            assertTrue(v.reason().startsWith("tcp_tw_reuse=" + reuse + " is ineffective because tcp_timestamps=0"),
                v.reason());
            assertEquals("set net.ipv4.tcp_timestamps=1", v.fix());
        }
    }

    @Test
    void loopbackOnlyReuseNamesTheReasonForARemoteHost() {
        ReuseVerdict v = ReuseVerdict.evaluate(Sysctls.linuxDefaults(), false);
        assertFalse(v.effective());
        assertTrue(v.reason().contains("loopback only"), v.reason());
        assertEquals("set net.ipv4.tcp_tw_reuse=1", v.fix());
    }

    @Test
    void delayDefaultsToOneSecondWhenTheSysctlIsAbsent() {
        ReuseVerdict absent = ReuseVerdict.evaluate(Sysctls.linuxDefaults().withTwReuseDelayMs(Sysctls.ABSENT), true);
        assertTrue(absent.effective());
        assertEquals(1000, absent.delayMillis());
        assertTrue(absent.reason().contains("before 6.14"), absent.reason());
        assertEquals(250, ReuseVerdict.evaluate(Sysctls.linuxDefaults().withTwReuseDelayMs(250), true).delayMillis());
    }

    @Test
    void bindBeforeConnectIsBlockedByTheBind() {
        assertEquals(ReuseVerdict.BIND, ReuseVerdict.boundBeforeConnect().blockedBy());
    }

    @Test
    void anAbsentReuseSysctlCountsAsOff() {
        assertFalse(ReuseVerdict.evaluate(Sysctls.linuxDefaults().withTwReuse(Sysctls.ABSENT), true).effective());
    }
}
