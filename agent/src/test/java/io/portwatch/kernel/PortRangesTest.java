package io.portwatch.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PortRangesTest {

    @Test
    void parsesTheKernelNotation() {
        PortRanges r = PortRanges.parse("1000-1100,2000\n");
        assertTrue(r.contains(1000));
        assertTrue(r.contains(1100));
        assertTrue(r.contains(2000));
        assertFalse(r.contains(1101));
        assertFalse(r.contains(999));
        assertEquals(102, r.countWithin(0, 65535));
        assertEquals("1000-1100,2000", r.toString());
    }

    @Test
    void countsOnlyInsideTheRange() {
        PortRanges r = PortRanges.parse("40100-40199,40500,39990-40004,41000");
        assertEquals(100 + 1 + 5, r.countWithin(40000, 40999));
    }

    @Test
    void mergesOverlapsAndSkipsJunk() {
        PortRanges r = PortRanges.parse("5-10, 8-12,x,70000,13,9-3");
        assertEquals("5-13", r.toString());
        assertEquals(9, r.countWithin(0, 100));
    }

    @Test
    void blankIsEmpty() {
        assertTrue(PortRanges.parse("\n").isEmpty());
        assertTrue(PortRanges.parse(null).isEmpty());
        assertEquals(0, PortRanges.EMPTY.countWithin(0, 65535));
    }
}
