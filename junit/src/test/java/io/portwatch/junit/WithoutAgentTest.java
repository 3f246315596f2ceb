package io.portwatch.junit;

import io.portwatch.api.AgentNotAttachedException;
import io.portwatch.api.ConnectionRecording;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** Runs in Surefire's second execution, without -javaagent: a budget must never pass silently. */
@Tag("without-agent")
class WithoutAgentTest {

    static class Budgeted {
        @Test
        @ConnectionBudget(destination = "*:3306", maxPhysicalConnects = 10)
        void writeRows() {
        }
    }

    @BeforeAll
    static void noAgentHere() {
        assertFalse(ConnectionRecording.agentAttached(), "this test runs without -javaagent (see pom.xml)");
    }

    @Test
    void aBudgetedTestFailsSayingHowToAttachTheAgent() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Budgeted.class)).execute();
        results.testEvents().assertStatistics(s -> s.started(1).succeeded(0).failed(1));
        String message = EngineRuns.failureMessage(results.testEvents().failed().list().get(0));
        assertTrue(message.startsWith("@ConnectionBudget cannot be checked: the portwatch agent is not attached to this JVM:"
                + " start it with -javaagent:/path/to/portwatch-agent.jar;"), message);
        // What to paste, complete: the agent's path in the local repository, of this version.
        assertTrue(Pattern.compile(" for Maven, inside the maven-surefire-plugin's <configuration>: <argLine>-javaagent:"
                + "\\$\\{settings.localRepository\\}/io/portwatch/portwatch-agent/(\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?)"
                + "/portwatch-agent-\\1\\.jar</argLine>").matcher(message).find(), message);
        assertFalse(message.contains("docs/"), "no path into portwatch's own repository: " + message);
        assertTrue(message.endsWith("(or skip such tests with the JUnit configuration parameter portwatch.budget.without-agent=skip)"),
                message);
    }

    @Test
    void orIsSkippedWhenConfiguredSo() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter(ConnectionBudgetExtension.WITHOUT_AGENT, "skip")
                .selectors(selectClass(Budgeted.class)).execute();
        results.testEvents().assertStatistics(s -> s.started(1).aborted(1).failed(0).succeeded(0));
        List<Event> aborted = results.testEvents().aborted().list();
        String reason = aborted.get(0).getRequiredPayload(TestExecutionResult.class).getThrowable().get().getMessage();
        assertTrue(reason.contains("the portwatch agent is not attached") && reason.endsWith("(skipped: portwatch.budget.without-agent=skip)"),
                reason);
    }

    @Test
    void theApiSaysSoToo() {
        AgentNotAttachedException e = assertThrows(AgentNotAttachedException.class, ConnectionRecording::start);
        assertEquals(AgentNotAttachedException.HOW_TO_ATTACH, e.getMessage());
    }
}
