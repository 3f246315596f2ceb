package io.portwatch.it;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.workload.ExporterThreadsWorkload;
import io.portwatch.it.workload.InterruptingWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
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

    /**
     * The export thread is in the agent's thread group, so its connections to the collector are
     * never tracked: the connection counter exported while it was sending says N, not N + its
     * own; and no thread of the agent's keeps the JVM alive.
     */
    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void theExportersThreadsAreTheAgentsAndItsConnectionsAreNotTracked(String jdk) throws Exception {
        int n = 5;
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            // 3 s: several span batches (200 ms) and metric exports (1 s) while the tracker runs.
            ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver).agentArgs("summary=on")
                    .main(ExporterThreadsWorkload.class, String.valueOf(n), "3000").run();
            assertEquals(0, r.exitCode, r::toString);
            assertFalse(r.stderr.contains("ERROR"), r::toString);
            assertEquals(n, SocketTrackingIT.clientSpans(receiver, n).size(), () -> "spans: " + receiver.spans());

            List<String> exporterThreads = new ArrayList<>();
            Matcher t = Pattern.compile("(?m)^thread (.+) group=(\\S+) daemon=(\\w+)$").matcher(r.stdout);
            while (t.find()) {
                String name = t.group(1);
                boolean exporter = name.startsWith("portwatch-export");
                if (exporter) {
                    exporterThreads.add(name);
                    assertEquals("portwatch", t.group(2), () -> name + " outside the agent's thread group: " + r.stdout);
                }
                if (!name.startsWith("main ")) {
                    assertEquals("true", t.group(3), () -> name + " would keep the JVM alive: " + r.stdout);
                }
            }
            assertTrue(exporterThreads.stream().anyMatch(name -> name.startsWith("portwatch-export")),
                    () -> "the agent's export thread sends: " + exporterThreads);

            assertEquals(n, lastOutgoingOpened(receiver.metrics()), () -> "connections counted: " + receiver.metrics());
            assertTrue(r.stderr.contains("[portwatch] summary: " + n + " outgoing and " + n + " accepted"), r::toString);
            SocketTrackingIT.assertNoExporterSpans(receiver);
        }
    }

    /** The highest (cumulative) value exported for {@code portwatch.connections.opened}, outgoing. */
    private static long lastOutgoingOpened(List<Metric> metrics) {
        long max = -1;
        for (Metric m : metrics) {
            if (!m.getName().equals("portwatch.connections.opened")) continue;
            for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                for (KeyValue kv : p.getAttributesList()) {
                    if (kv.getKey().equals("portwatch.direction") && kv.getValue().getStringValue().equals("outgoing")) {
                        max = Math.max(max, p.getAsInt());
                    }
                }
            }
        }
        return max;
    }
}
