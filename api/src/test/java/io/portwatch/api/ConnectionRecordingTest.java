package io.portwatch.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** This module's tests run without the agent. */
class ConnectionRecordingTest {

    @Test
    void withoutTheAgentStartSaysHowToAttachIt() {
        assertFalse(ConnectionRecording.agentAttached());
        AgentNotAttachedException e = assertThrows(AgentNotAttachedException.class, ConnectionRecording::start);
        assertTrue(e.getMessage().startsWith("the portwatch agent is not attached to this JVM: start it with -javaagent:"),
                e.getMessage());
    }

    @Test
    void theMessageGivesTheArgLineWithThisVersionsAgent() {
        // The build filters the version in (pom.xml); an unfiltered copy would say VERSION.
        String version = AgentNotAttachedException.version();
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), version);
        assertTrue(AgentNotAttachedException.HOW_TO_ATTACH.contains("for Maven, inside the maven-surefire-plugin's <configuration>:"
                + " <argLine>-javaagent:${settings.localRepository}/io/portwatch/portwatch-agent/" + version
                + "/portwatch-agent-" + version + ".jar</argLine>"), AgentNotAttachedException.HOW_TO_ATTACH);
    }

    @Test
    void theAgentsAnswerBecomesAReport() {
        Map<String, long[]> counts = new LinkedHashMap<>();
        counts.put("127.0.0.1:3306", new long[] {3, 1, 2, 1, 0, 0});
        counts.put("[::1]:8080", new long[] {7, 0, 0, 0, 7, 0});
        counts.put("db:3306 10.0.0.5:3306", new long[] {1, 0, 0, 0, 0, 0});
        Map<String, Map<String, Long>> sites = Map.of("127.0.0.1:3306", Map.of("a.B.c(B.java:1)", 3L));
        Map<String, String[]> names = Map.of(
                "127.0.0.1:3306", new String[] {"127.0.0.1:3306", "127.0.0.1:3306"},
                "[::1]:8080", new String[] {"[::1]:8080", "[::1]:8080"},
                "db:3306 10.0.0.5:3306", new String[] {"db:3306", "10.0.0.5:3306"});
        long[] status = {2, 5, 1, 1, 1_000_000, 2_000_000_000L};
        ConnectionReport r = AgentChannel.report(new Object[] {status, counts, sites, names}, Duration.ofMillis(250));
        assertEquals("[::1]:8080", r.destinations().get(0).destination(), "most connects first");
        DestinationTotals named = r.destinations().get(2);
        assertEquals("db:3306", named.destination());
        assertEquals("10.0.0.5:3306", named.address());
        assertEquals(1, r.totals("10.0.0.5:*").physicalConnects(), "matched by its address");
        assertEquals(1, r.totals("db:*").physicalConnects(), "and by its name");
        DestinationTotals db = r.totals("127.0.0.1:3306");
        assertEquals(3, db.physicalConnects());
        assertEquals(1, db.failedConnects());
        assertEquals(3, db.closes());
        assertEquals(Map.of("a.B.c(B.java:1)", 3L), db.callSites());
        assertEquals(7, r.totals("[::1]:*").resetCloses());
        assertEquals(Duration.ofSeconds(2), r.duration());
        assertEquals(1, r.overlappingRecordings());
        assertEquals(List.of(
                "2 events were still waiting for the agent's tracker when the wait of 250 ms ran out",
                "5 events were dropped by the agent (its buffer was full: raise buffer.size)",
                "1 connections were not tracked (max.open reached)",
                "1 other recording(s) were open at the same time, and counts are JVM-wide: they include the other's"
                        + " connections (run budgeted tests one at a time)"), r.problems());
    }
}
