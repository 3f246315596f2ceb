package io.portwatch.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelAccessTest {

    @Test
    void offLinuxTheLiveRootIsUnavailableWithOneLine() {
        KernelAccess a = KernelAccess.check("Mac OS X", Paths.get("/"));
        assertFalse(a.available());
        assertTrue(a.reason().contains("Linux-only") && a.reason().contains("Mac OS X"), a.reason());
        assertFalse(a.reason().contains("\n"));
    }

    @Test
    void aFixtureRootIsReadableAnywhere() {
        KernelAccess a = KernelAccess.check("Windows 11", Fixtures.root("live"));
        assertTrue(a.available(), a.reason());
        assertEquals("", a.reason());
    }

    @Test
    void anUnreadableTableNamesTheFile(@TempDir Path root) {
        KernelAccess a = KernelAccess.check("Linux", root);
        assertFalse(a.available());
        assertTrue(a.reason().contains("proc/net/tcp"), a.reason());
    }
}
