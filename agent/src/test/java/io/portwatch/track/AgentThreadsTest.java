package io.portwatch.track;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentThreadsTest {

    @Test
    void anAgentThreadThatDiesSaysSoInOneLine() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, "UTF-8"));
        try {
            Thread t = AgentThreads.newThread("doomed", () -> {
                throw new IllegalStateException("boom");
            });
            t.start();
            t.join(10_000);
        } finally {
            System.setErr(original);
        }
        String text = err.toString("UTF-8").trim();
        assertTrue(text.startsWith("[portwatch] ERROR thread portwatch-doomed-"), text);
        assertTrue(text.contains("IllegalStateException: boom"), text);
        assertTrue(!text.contains("\n"), "one line, no stack trace: " + text);
    }
}
