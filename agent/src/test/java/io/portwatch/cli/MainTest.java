package io.portwatch.cli;

import io.portwatch.agent.AgentConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line's own help: every command answers --help, and help lists every key. */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandAnswersHelp() {
        for (String command : new String[] {"doctor", "list", "attach", "report", "version"}) {
            out.reset();
            err.reset();
            assertEquals(0, run(command, "--help"), () -> command + ": " + err);
            assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: " + command), () -> command + ": " + out);
            assertEquals("", err.toString(StandardCharsets.UTF_8), command);
        }
    }

    @Test
    void helpListsEveryKeyWithItsDefault() {
        assertEquals(0, run("help"));
        String text = out.toString(StandardCharsets.UTF_8);
        for (AgentConfig.Option o : AgentConfig.OPTIONS) {
            assertTrue(text.contains("  " + o.key + " (default: "), o.key);
            assertTrue(text.contains(o.help), o.key);
        }
        assertTrue(text.contains("e.g. java -javaagent:portwatch-agent.jar="), text);
    }

    @Test
    void listSaysWhenItFindsNoJvm(@org.junit.jupiter.api.io.TempDir java.nio.file.Path emptyProc) {
        AttachCommand attach = new AttachCommand(emptyProc, emptyProc.resolve("portwatch-agent.jar"), 0, 0, false, Signals.KILL);
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(0, ListCommand.run(emptyProc, attach, 1, o, new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("no other JVM found in " + emptyProc), out::toString);
    }
}
