package io.portwatch.otel;

import io.portwatch.track.AgentThreads;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's own HttpClients' selector threads end at exit; the application's are left alone. */
class HttpClientSelectorsTest {

    @Test
    void endsTheAgentsSelectorThreadsOnly() throws Exception {
        HttpClient[] agents = new HttpClient[1];
        Thread builder = AgentThreads.newThread("test", () -> agents[0] = HttpClient.newHttpClient());
        builder.start();
        builder.join();
        HttpClient applications = HttpClient.newHttpClient();

        List<Thread> ours = selectors(true);
        List<Thread> theirs = selectors(false);
        assertFalse(ours.isEmpty());
        assertFalse(theirs.isEmpty());

        HttpClientSelectors.end();
        for (Thread t : ours) {
            t.join(5_000);
            assertFalse(t.isAlive(), () -> t + " is the agent's: it ends");
        }
        for (Thread t : theirs) assertTrue(t.isAlive(), () -> t + " is the application's");
        assertTrue(applications.version() != null && agents[0] != null); // both still referenced
    }

    private static List<Thread> selectors(boolean agents) {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().matches("HttpClient-\\d+-SelectorManager") && t.isAlive()
                    && (t.getThreadGroup() == AgentThreads.GROUP) == agents) {
                out.add(t);
            }
        }
        return out;
    }
}
