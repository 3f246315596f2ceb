package io.portwatch.api;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DestinationPatternTest {

    @Test
    void anyPortAnyHostOrBoth() {
        assertTrue(DestinationPattern.parse("*:3306").matches("127.0.0.1:3306"));
        assertFalse(DestinationPattern.parse("*:3306").matches("127.0.0.1:33060"));
        assertTrue(DestinationPattern.parse("DB.example.com:*").matches("db.example.com:5432"));
        assertFalse(DestinationPattern.parse("db.example.com:*").matches("db2.example.com:5432"));
        assertTrue(DestinationPattern.parse("*").matches("anything:1"));
        assertTrue(DestinationPattern.parse("").matches("anything:1"));
        assertTrue(DestinationPattern.parse("*:*").matches("anything:1"));
    }

    @Test
    void ipv6HostsGoInBrackets() {
        assertTrue(DestinationPattern.parse("[::1]:5432").matches("[::1]:5432"));
        assertTrue(DestinationPattern.parse("*:5432").matches("[::1]:5432"));
        assertFalse(DestinationPattern.parse("[::1]:5432").matches("[::2]:5432"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DestinationPattern.parse("::1:5432"));
        assertTrue(e.getMessage().contains("in brackets"), e.getMessage());
    }

    @Test
    void ipv6LiteralsCompareByValueAsTheJdkPrintsThem() {
        assertTrue(DestinationPattern.parse("[::1]:5432").matches("[0:0:0:0:0:0:0:1]:5432"));
        assertTrue(DestinationPattern.parse("[0:0:0:0:0:0:0:1]:5432").matches("[::1]:5432"));
        assertTrue(DestinationPattern.parse("[FE80::0001%eth0]:*").matches("[fe80:0:0:0:0:0:0:1%eth0]:80"));
        assertTrue(DestinationPattern.parse("[::ffff:10.0.0.5]:3306").matches("10.0.0.5:3306"), "the JDK makes it IPv4");
        assertTrue(DestinationPattern.parse("[2001:db8::10.0.0.5]:1").matches("[2001:db8:0:0:0:0:a00:5]:1"));
        assertFalse(DestinationPattern.parse("[2001:db8::1]:1").matches("[2001:db8:0:0:0:0:0:2]:1"));
    }

    @Test
    void aHostMatchesTheNameTheApplicationGaveOrTheAddressNeverAResolution() {
        DestinationTotals byName = new DestinationTotals("localhost:5432", "127.0.0.1:5432", 3, 0, 0, 0, 0, 0, Map.of());
        DestinationTotals byAddress = new DestinationTotals("127.0.0.1:5432", 3, 0, 0, 0, 0, 0, Map.of());
        assertTrue(DestinationPattern.parse("localhost:5432").matches(byName));
        assertTrue(DestinationPattern.parse("LOCALHOST:*").matches(byName));
        assertTrue(DestinationPattern.parse("127.0.0.1:5432").matches(byName));
        assertTrue(DestinationPattern.parse("127.0.0.1:5432").matches(byAddress));
        assertFalse(DestinationPattern.parse("localhost:5432").matches(byAddress), "no reverse lookup");
        assertFalse(DestinationPattern.parse("localhost:5433").matches(byName));
        assertTrue(DestinationPattern.parse("*").matches(new DestinationTotals("(other destinations)", 1, 0, 0, 0, 0, 0, Map.of())));
    }

    @Test
    void badPatternsSayWhatWasExpected() {
        for (String bad : new String[] {"db", "db:", ":3306", "db:http", "db:70000", "db:-1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DestinationPattern.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("destination '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void writtenAsGiven() {
        assertEquals("*:3306", DestinationPattern.parse(" *:3306 ").toString());
        assertEquals("*", DestinationPattern.parse("").toString());
    }
}
