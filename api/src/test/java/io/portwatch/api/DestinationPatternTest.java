package io.portwatch.api;

import org.junit.jupiter.api.Test;

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
