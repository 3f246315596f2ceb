package io.portwatch.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who holds a socket, from a hand-made {@code /proc}: processes found by their {@code fd} links,
 * named by {@code comm}; this JVM, processes whose descriptors cannot be read, and entries that are
 * not processes are passed over without an error.
 */
class SocketOwnersTest {

    private static final long SELF = 4242;

    @TempDir
    Path root;

    private void process(int pid, String comm, long... socketInodes) throws IOException {
        Path fd = Files.createDirectories(root.resolve("proc/" + pid + "/fd"));
        Files.createSymbolicLink(fd.resolve("0"), Paths.get("dev-null")); // not a socket
        Files.createSymbolicLink(fd.resolve("1"), Paths.get("pipe:[77]"));
        for (int i = 0; i < socketInodes.length; i++) {
            Files.createSymbolicLink(fd.resolve(Integer.toString(3 + i)), Paths.get("socket:[" + socketInodes[i] + "]"));
        }
        if (comm != null) {
            Files.write(root.resolve("proc/" + pid + "/comm"), comm.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void ownersAreFoundByTheirDescriptorsAndNamedByTheirCommand() throws IOException {
        process(4711, "python3\n", 100, 101);
        process(812, null, 102);
        process((int) SELF, "java\n", 103); // this JVM: its own are known otherwise
        Files.createDirectories(root.resolve("proc/self/fd"));
        Files.createDirectories(root.resolve("proc/net"));
        SocketOwners o = SocketOwners.scan(new ProcFs(root), new long[] {100, 101, 102, 103, 104}, SELF, 1000);
        assertEquals(4711, o.owner(100));
        assertEquals(4711, o.owner(101));
        assertEquals(812, o.owner(102));
        assertEquals(0, o.owner(103), "this JVM is left out");
        assertEquals(0, o.owner(104), "held by nobody readable");
        assertEquals("python3", o.command(4711));
        assertNull(o.command(812), "no comm: named by pid only");
        assertTrue(o.complete());
        assertEquals(0, o.unreadable());
    }

    @Test
    void unreadableProcessesAreCountedNotErrors() throws IOException {
        process(4711, "python3\n", 100);
        Files.createDirectories(root.resolve("proc/900")); // exited between the listing and the read: no fd
        Files.createDirectories(root.resolve("proc/901"));
        Files.write(root.resolve("proc/901/fd"), new byte[] {1, 2, 3}); // not a directory at all
        SocketOwners o = SocketOwners.scan(new ProcFs(root), new long[] {100}, SELF, 1000);
        assertEquals(4711, o.owner(100));
        assertTrue(o.unreadable() >= 1 && o.unreadable() <= 2, "the processes before 4711 in the listing: "
                + o.unreadable());
    }

    @Test
    void aCommandOfControlCharactersIsCleanedOrDropped() throws IOException {
        process(10, "py\u0007th\u001bon\n", 1);
        process(11, "\u0001\u0002\n", 2);
        SocketOwners o = SocketOwners.scan(new ProcFs(root), new long[] {1, 2}, SELF, 1000);
        assertEquals("python", o.command(10));
        assertNull(o.command(11));
    }

    @Test
    void theScanStopsAtItsBoundAndSaysSo() throws IOException {
        for (int pid = 100; pid < 110; pid++) process(pid, "w", 1000 + pid);
        long[] all = new long[10];
        for (int i = 0; i < 10; i++) all[i] = 1100 + i;
        SocketOwners bounded = SocketOwners.scan(new ProcFs(root), all, SELF, 9); // 3 links a process
        assertFalse(bounded.complete());
        int found = 0;
        for (long inode : all) if (bounded.owner(inode) != 0) found++;
        assertTrue(found <= 3, "found " + found);
        SocketOwners whole = SocketOwners.scan(new ProcFs(root), all, SELF, 1000);
        assertTrue(whole.complete());
        for (long inode : all) assertEquals(inode - 1000, whole.owner(inode));
    }

    @Test
    void onlyNumberedEntriesAreProcesses() {
        assertEquals(4711, SocketOwners.pidOf("4711"));
        assertEquals(-1, SocketOwners.pidOf("self"));
        assertEquals(-1, SocketOwners.pidOf("net"));
        assertEquals(-1, SocketOwners.pidOf(""));
        assertEquals(-1, SocketOwners.pidOf("12345678901"));
    }

    @Test
    void nothingAskedNothingRead() throws IOException {
        SocketOwners o = SocketOwners.scan(new ProcFs(root.resolve("no-such-root")), new long[0], SELF, 1000);
        assertTrue(o.complete());
    }
}
