package io.portwatch.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AttachReplyTest {

    @TempDir
    Path dir;

    @Test
    void theReplyEntryIsTakenOutOfTheAgentArguments() {
        assertEquals("debug=true,kernel=false", AttachReply.withoutReply("debug=true,reply=/tmp/x,kernel=false"));
        assertEquals("", AttachReply.withoutReply("reply=/tmp/x"));
        assertEquals("", AttachReply.withoutReply(null));
    }

    @Test
    void writesItsLinesToANewOwnerOnlyFile() throws IOException {
        Path file = dir.resolve("reply.txt");
        AttachReply reply = AttachReply.in("debug=true,reply=" + file);
        reply.add("one");
        reply.add("two");
        reply.write();
        assertEquals(Arrays.asList("one", "two"), Files.readAllLines(file, StandardCharsets.UTF_8));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void neverWritesThroughAnExistingFile() throws IOException {
        Path file = dir.resolve("taken.txt");
        Files.write(file, "someone else's".getBytes(StandardCharsets.UTF_8));
        AttachReply reply = AttachReply.in("reply=" + file);
        reply.add("mine");
        reply.write(); // one error line on stderr, and nothing written
        assertEquals("someone else's", new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    }

    @Test
    void withoutAReplyFileNothingIsWritten() {
        AttachReply reply = AttachReply.in("debug=true");
        reply.add("nowhere");
        reply.write();
    }
}
