package io.portwatch.churnbudget;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ScopeDestinationTest {

    @Test
    void theNameAnAddressWasMadeWithIsReadWithoutALookup() throws Exception {
        assertEquals("db.test", ScopeDestination.nameWithin(InetAddress.getByAddress("db.test", new byte[] {10, 0, 0, 5})));
        assertNull(ScopeDestination.nameWithin(InetAddress.getByAddress(new byte[] {10, 0, 0, 5})), "made from an address");
        assertNull(ScopeDestination.nameWithin(InetAddress.getByName("10.0.0.5")), "a literal is no name");
        assertNull(ScopeDestination.nameWithin(InetAddress.getByName("::1")));
        assertNull(ScopeDestination.nameWithin(null));
    }
}
