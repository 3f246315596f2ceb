package io.portwatch.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.kernel.PortRanges;
import io.portwatch.kernel.Sysctls;
import org.junit.jupiter.api.Test;

class PortBudgetTest {

    @Test
    void defaultRangeHas28232Ports() {
        PortBudget b = PortBudget.of(Sysctls.linuxDefaults());
        assertEquals(28_232, b.capacity());
        assertTrue(b.isEphemeral(32768));
        assertTrue(b.isEphemeral(60999));
        assertFalse(b.isEphemeral(61000));
        assertFalse(b.boundBeforeConnect());
    }

    @Test
    void reservedPortsInsideTheRangeAreSubtracted() {
        PortRanges reserved = PortRanges.parse("40100-40199,40500,1000-2000,40990-41010");
        assertEquals(1000 - 100 - 1 - 10, PortBudget.capacity(40000, 40999, reserved));
    }

    @Test
    void anEmptyOrUnknownRangeHasNoCapacity() {
        assertEquals(0, PortBudget.capacity(5000, 4999, PortRanges.EMPTY));
        assertEquals(0, PortBudget.of(Sysctls.linuxDefaults().withPortRange(Sysctls.ABSENT, Sysctls.ABSENT)).capacity());
        assertEquals(1, PortBudget.capacity(5000, 5000, PortRanges.EMPTY));
    }

    @Test
    void boundBeforeConnectCountsTheWholeLocalAddress() {
        DestinationCounts counts = new DestinationCounts(32768, 60999);
        Rows.feed(counts,
            Rows.v4(0x0A00000A, 40000, 0x0A000005, 3306, 6),
            Rows.v4(0x0A00000A, 40001, 0x0A000006, 5432, 6),
            Rows.v4(0x0A00000A, 40002, 0x0A000006, 5432, 1),
            Rows.v4(0x0A00000B, 40003, 0x0A000006, 5432, 1));
        Destination db = Rows.dest(0x0A00000A, 0x0A000005, 3306);
        PortBudget perDestination = PortBudget.of(Sysctls.linuxDefaults());
        assertEquals(1, perDestination.held(counts, db));
        PortBudget shared = perDestination.withBoundBeforeConnect(true);
        assertTrue(shared.boundBeforeConnect());
        assertEquals(28_232, shared.capacity());
        assertEquals(3, shared.held(counts, db), "every port from 10.0.0.10, whatever the destination");
    }
}
