package io.portwatch.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketInodesTest {

    @Test
    void readsSocketLinksOnlySortedAndUnique(@TempDir Path root) throws IOException {
        Path fd = Files.createDirectories(root.resolve("proc/4242/fd"));
        Files.createSymbolicLink(fd.resolve("0"), Paths.get("dev-null")); // a file, not a socket
        Files.createSymbolicLink(fd.resolve("3"), Paths.get("socket:[9280]"));
        Files.createSymbolicLink(fd.resolve("4"), Paths.get("pipe:[77]"));
        Files.createSymbolicLink(fd.resolve("5"), Paths.get("socket:[12]"));
        Files.createSymbolicLink(fd.resolve("6"), Paths.get("socket:[9280]"));
        Files.createSymbolicLink(fd.resolve("7"), Paths.get("anon_inode:[eventpoll]"));
        Files.write(fd.resolve("8"), new byte[0]); // not a link at all
        long[] inodes = new ProcFs(root).socketInodes("4242");
        assertArrayEquals(new long[] {12, 9280}, inodes);
        assertTrue(SocketInodes.contains(inodes, 9280));
        assertFalse(SocketInodes.contains(inodes, 77));
    }

    @Test
    void parsesOnlyWellFormedSocketLinks() {
        assertEquals(12345, SocketInodes.parseSocketLink("socket:[12345]"));
        assertEquals(-1, SocketInodes.parseSocketLink("socket:[]"));
        assertEquals(-1, SocketInodes.parseSocketLink("socket:[12a]"));
        assertEquals(-1, SocketInodes.parseSocketLink("socket:[123"));
        assertEquals(-1, SocketInodes.parseSocketLink("pipe:[123]"));
    }
}
