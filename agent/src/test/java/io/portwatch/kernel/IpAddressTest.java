package io.portwatch.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpAddressTest {

    @Test
    void v4IsHeldAsItsMappedForm() {
        long lo = IpAddress.v4Lo(0x7F000001);
        assertTrue(IpAddress.isV4(0, lo));
        assertEquals(0x7F000001, IpAddress.v4(lo));
        assertEquals("127.0.0.1", IpAddress.format(0, lo));
        assertEquals("127.0.0.1:3306", IpAddress.formatWithPort(0, lo, 3306));
        assertTrue(IpAddress.toInetAddress(0, lo) instanceof Inet4Address);
    }

    /** A literal resolved twice is two objects, and the same address. */
    @Test
    void sameAddressIsEqualAddressOfOneFamily() throws Exception {
        InetAddress first = InetAddress.getAllByName("127.0.0.1")[0];
        InetAddress second = InetAddress.getAllByName("127.0.0.1")[0];
        assertTrue(first != second, "the JDK makes a new object per literal resolved");
        assertTrue(IpAddress.same(first, second));
        assertTrue(IpAddress.same(null, null));
        assertFalse(IpAddress.same(first, null));
        assertFalse(IpAddress.same(null, first));
        assertFalse(IpAddress.same(first, InetAddress.getByName("127.0.0.2")));
        assertFalse(IpAddress.same(first, InetAddress.getByName("::1")));
        assertTrue(IpAddress.same(InetAddress.getByName("::1"), InetAddress.getByName("0:0:0:0:0:0:0:1")));
    }

    @Test
    void fromBytesAndBack() throws Exception {
        InetAddress v4 = InetAddress.getByName("10.1.2.3");
        assertEquals(0, IpAddress.hi(v4.getAddress()));
        assertEquals(IpAddress.v4Lo(0x0A010203), IpAddress.lo(v4.getAddress()));
        for (String text : new String[] {"10.1.2.3", "255.255.255.255", "2001:db8::ff00:42:8329", "::1", "fe80::1"}) {
            InetAddress a = InetAddress.getByName(text);
            byte[] b = a.getAddress();
            assertEquals(a, IpAddress.toInetAddress(IpAddress.hi(b), IpAddress.lo(b)), text);
        }
    }

    @Test
    void loopbackIs127Slash8AndColonColonOne() {
        assertTrue(IpAddress.isLoopback(0, IpAddress.v4Lo(0x7F000001)));
        assertTrue(IpAddress.isLoopback(0, IpAddress.v4Lo(0x7F0A0B0C)));
        assertFalse(IpAddress.isLoopback(0, IpAddress.v4Lo(0x0A000005)));
        assertTrue(IpAddress.isLoopback(0, 1));
        assertFalse(IpAddress.isLoopback(0, 2));
        assertFalse(IpAddress.isLoopback(0x20010DB800000000L, 1));
    }

    @Test
    void ipv6FormatsShortestAndRoundTrips() throws Exception {
        assertEquals("::1", IpAddress.format(0, 1));
        assertEquals("::", IpAddress.format(0, 0));
        assertEquals("2001:db8::1", IpAddress.format(0x20010DB800000000L, 1));
        assertEquals("2001:db8:0:1:1:1:1:1", IpAddress.format(0x20010DB800000001L, 0x0001000100010001L));
        assertEquals("[fe80::1]:22", IpAddress.formatWithPort(0xFE80000000000000L, 1, 22));
        assertEquals(InetAddress.getByName("2001:db8::1"), IpAddress.toInetAddress(0x20010DB800000000L, 1));
    }

    @Test
    void anyAddressInBothFamilies() {
        assertTrue(IpAddress.isAny(0, 0));
        assertTrue(IpAddress.isAny(0, IpAddress.v4Lo(0)));
        assertFalse(IpAddress.isAny(0, 1));
    }
}
