package io.portwatch.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's own threads survive what an application may do to every thread in its JVM. */
class AgentThreadsIT {

    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void interruptedAgentThreadsKeepWorkingAndDoNotSpin(String jdk) throws Exception {
        ChildJvm.Result r = new ChildJvm(jdk).agentArgs("summary=on").main(InterruptingWorkload.class, "20").run();
        assertEquals(0, r.exitCode, r::toString);
        assertTrue(r.stdout.matches("(?s).*interrupted [1-9]\\d* agent threads.*"), r::toString);
        // Before the fix the reporter ended on its first interrupt (every later report was lost)
        // and the tracker's park returned at once, forever: a whole core.
        assertTrue(r.stderr.contains("summary: 20 outgoing and 20 accepted"), r::toString);
        Matcher cpu = Pattern.compile("agent cpu ms while idle for 1000 ms: (\\d+)").matcher(r.stdout);
        assertTrue(cpu.find(), r::toString);
        assertTrue(Long.parseLong(cpu.group(1)) < 300, "an idle agent must not spin: " + r);
        assertFalse(r.stderr.contains("died"), r::toString);
    }
}
