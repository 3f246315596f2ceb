package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.ClientLibraryRuns;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.workload.PollingLoopWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.portwatch.it.AsyncChannelTrackingIT.clients;
import static io.portwatch.it.SocketTrackingIT.assertAll;
import static io.portwatch.it.SocketTrackingIT.assertNoExporterSpans;
import static io.portwatch.it.SocketTrackingIT.distinct;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A polling loop of the application's own sockets named {@code polling_loop}: a child JVM with the
 * agent ({@link PollingLoopWorkload}) polls a line server of its own on loopback with a new plain
 * {@code java.net.Socket} per iteration, one thread, this side closing each first; then the cure,
 * the same exchanges over one socket kept open; then the contrast, as many connections from one line
 * on 8 threads, eight open at once, which is no loop and stays {@code unknown} (the overlap decides,
 * not the count or the closer). One child JVM runs the three, each from a line of its own, to keep
 * the test short. Once per JDK.
 */
class PollingLoopIT {

    private static final int N = 120;
    private static final String WORKLOAD = PollingLoopWorkload.class.getName();
    private static final String LOOP = site("loop");
    private static final String KEPT = site("kept");
    private static final String CONCURRENT = site("concurrentRequest");
    private static final String LOOP_FIX = "Open the connection once and keep it open across the loop's iterations";

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    /** The workload's line in {@code method} that connected: a regular expression. */
    private static String site(String method) {
        return Pattern.quote(WORKLOAD + "." + method) + "\\(PollingLoopWorkload\\.java:\\d+\\)";
    }

    private static List<ReceivedSpan> from(List<ReceivedSpan> spans, String method) {
        return spans.stream().filter(s -> (WORKLOAD + "." + method).equals(s.str("code.function.name")))
                .collect(Collectors.toList());
    }

    /** Spans by function and pattern, for a failure's message (the spans themselves run to pages). */
    private static Map<String, Long> byFunction(List<ReceivedSpan> spans) {
        return spans.stream().collect(Collectors.groupingBy(
                s -> s.str("code.function.name") + " " + s.str("portwatch.churn.pattern"), TreeMap::new,
                Collectors.counting()));
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aLoopThatConnectsPerIterationIsAPollingLoopAndConcurrentConnectionsAreNot(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm child = new ChildJvm(jdk).exportTo(receiver).agentArgs("summary=short").timeoutSeconds(60)
                    .main(PollingLoopWorkload.class, String.valueOf(N));
            ChildJvm.Result r = ClientLibraryRuns.run(child,
                    "polling done: " + N + " loop, " + N + " kept, " + N + " concurrent");
            long port = ClientLibraryRuns.serverPort(r);
            List<ReceivedSpan> all = clients(receiver, port);
            assertNoExporterSpans(receiver);

            List<ReceivedSpan> loop = from(all, "loop");
            assertEquals(N, loop.size(), () -> "one span per iteration's connection: " + byFunction(all));
            assertEquals(N, distinct(loop, "network.local.port").size(), "one local port per connection");
            assertAll(loop, "portwatch.closed_by", "local");
            assertAll(loop, "portwatch.client.library", null);
            ClientLibraryRuns.assertChurnPattern(loop, "polling_loop");
            assertTrue(Pattern.compile("\\[portwatch\\] summary:   " + N + "  " + LOOP + " \\(" + N
                    + " direct, 0 by a pool; closed by local 100%; polling_loop\\)").matcher(r.stderr).find(), r::toString);
            assertTrue(Pattern.compile("to do \\d: Reuse the connections opened at " + LOOP + ": " + N
                    + " new connections[^\\n]* closed by this JVM first[^\\n]*, one at a time, never two open at once"
                    + " \\(polling_loop\\)\\. " + Pattern.quote(LOOP_FIX) + "[^\\n]*or poll less often")
                    .matcher(r.stderr).find(), r::toString);

            // The cure: one connection, no churn, nothing to do about it.
            List<ReceivedSpan> kept = from(all, "kept");
            assertEquals(1, kept.size(), () -> "one connection for every iteration: " + byFunction(all));
            assertAll(kept, "portwatch.churn.pattern", "none");
            assertTrue(Pattern.compile("\\[portwatch\\] summary:   1  " + KEPT
                    + " \\(1 direct, 0 by a pool; closed by local 100%\\)").matcher(r.stderr).find(), r::toString);
            assertFalse(Pattern.compile("Reuse the connections opened at " + KEPT).matcher(r.stderr).find(), r::toString);

            // The contrast: as many connections, closed the same way, but eight at once.
            List<ReceivedSpan> concurrent = from(all, "concurrentRequest");
            assertEquals(N, concurrent.size(), () -> "one span per connection: " + byFunction(all));
            assertAll(concurrent, "portwatch.closed_by", "local");
            ClientLibraryRuns.assertChurnPattern(concurrent, "unknown");
            assertTrue(Pattern.compile("\\[portwatch\\] summary:   " + N + "  " + CONCURRENT + " \\(" + N
                    + " direct, 0 by a pool; closed by local 100%\\)").matcher(r.stderr).find(), r::toString);
            assertTrue(Pattern.compile("to do \\d: Reuse the connections opened at " + CONCURRENT
                    + ": [^\\n]*for 60 s\\. Use a connection pool or keep-alive there\\.").matcher(r.stderr).find(),
                    r::toString);

            assertEquals(2 * N + 1, all.size(), () -> "no other client spans toward the server: " + byFunction(all));
            assertEquals(1, r.stderr.split(Pattern.quote(LOOP_FIX), -1).length - 1,
                    () -> "the loop's fix for the loop alone: " + r);
        }
    }
}
