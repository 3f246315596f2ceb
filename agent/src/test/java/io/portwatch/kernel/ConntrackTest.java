package io.portwatch.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Reading the connection-tracking table: its files as this kernel writes them, and their absence. */
class ConntrackTest {

    /** The header and two CPU lines of /proc/net/stat/nf_conntrack as Linux 6.x prints them (hex). */
    static final String STAT = "entries  clashres found new invalid ignore delete chainlength insert insert_failed"
            + " drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n"
            + "0000f230  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000001 0000000a"
            + " 00000002 00000000  00000000 00000000 00000000 00000000\n"
            + "0000f230  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000005"
            + " 00000001 00000000  00000000 00000000 00000000 00000000\n";

    @Test
    void countMaxAndTheDropsSummedOverCpus() {
        Conntrack c = Conntrack.parse("62000\n", "65536\n", STAT);
        assertNotNull(c);
        assertEquals(62000, c.count);
        assertEquals(65536, c.max);
        assertEquals(15, c.drops);
        assertEquals(3, c.earlyDrops);
        assertEquals(1, c.insertFailed);
        assertEquals(18, c.fullDrops());
        assertEquals(62000 / 65536.0, c.share(), 1e-9);
    }

    @Test
    void withoutTheStatFileTheDropsAreUnknown() {
        Conntrack c = Conntrack.parse("5", "262144", null);
        assertEquals(5, c.count);
        assertEquals(Conntrack.ABSENT, c.drops);
        assertEquals(Conntrack.ABSENT, c.fullDrops());
        assertEquals(Conntrack.ABSENT, Conntrack.parse("5", "262144", "entries drop\nzz 1\n").drops, "not hex");
    }

    @Test
    void notLoadedIsNull() {
        assertNull(Conntrack.parse(null, null, null));
        assertNull(Conntrack.parse("5", null, STAT));
        assertNull(Conntrack.parse("five", "10", STAT));
    }

    /** A tree with no /proc/sys/net/netfilter (the module not loaded): null, and nothing thrown. */
    @Test
    void procFsReadsTheFilesOrNothing(@TempDir Path root) throws IOException {
        ProcFs fs = new ProcFs(root);
        assertNull(fs.conntrack());
        Path netfilter = Files.createDirectories(root.resolve("proc/sys/net/netfilter"));
        Files.writeString(netfilter.resolve("nf_conntrack_count"), "12\n");
        Files.writeString(netfilter.resolve("nf_conntrack_max"), "64\n");
        Files.createDirectories(root.resolve("proc/net/stat"));
        Files.writeString(root.resolve("proc/net/stat/nf_conntrack"), STAT);
        Conntrack c = fs.conntrack();
        assertNotNull(c);
        assertEquals(12, c.count);
        assertEquals(64, c.max);
        assertEquals(15, c.drops);
    }

    /** The namespace's id from its link and the boot id; parts unreadable in a fixture tree say so. */
    @Test
    void theNamespaceIdIsItsInodeAndTheBoot(@TempDir Path root) throws IOException {
        assertEquals("unknown@unknown", new ProcFs(root).netnsId());
        Files.createDirectories(root.resolve("proc/self/ns"));
        Files.createSymbolicLink(root.resolve("proc/self/ns/net"), Path.of("net:[4026532001]"));
        Files.createDirectories(root.resolve("proc/sys/kernel/random"));
        Files.writeString(root.resolve("proc/sys/kernel/random/boot_id"), "a2964830-8018-47b2-8287-74da4bdf3014\n");
        assertEquals("4026532001@a2964830", new ProcFs(root).netnsId());
    }
}
