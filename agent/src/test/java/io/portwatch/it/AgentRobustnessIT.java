package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.workload.SocketWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The application never pays for the agent's trouble: bad configuration, no collector, long runs. */
class AgentRobustnessIT {

    static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void brokenAgentArgumentsLeaveTheApplicationRunning(String jdk) throws Exception {
        ChildJvm.Result r = new ChildJvm(jdk)
                .agentArgs("buffer.size=abc,bogus,max.open=-1,=x,,summary=loud")
                .jvmArg("-Dportwatch.callsite.limit=lots")
                .main(SocketWorkload.class, "client-close", "127.0.0.1", "3").run();
        assertEquals(0, r.exitCode, r::toString);
        assertEquals("workload client-close done", r.stdout.trim(), "the application's own output, unchanged");
        // One line, naming every mistake; the agent stays off (no summary).
        List<String> lines = lines(r.stderr);
        assertEquals(1, lines.size(), r::toString);
        assertTrue(lines.get(0).startsWith("[portwatch] ERROR portwatch is off"), r::toString);
        for (String mistake : List.of("buffer.size=abc", "'bogus'", "max.open=-1", "'=x'", "stray ','", "summary=loud",
                "callsite.limit=lots")) {
            assertTrue(lines.get(0).contains(mistake), () -> mistake + " named in " + r);
        }
    }

    /**
     * {@code startup=background} is from an earlier agent, which could install its instrumentation
     * after {@code main} began: the key is accepted and ignored, with one line that says so, and
     * every connection is seen, the first ones of {@code main} too.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void theRetiredStartupKeyLeavesTheAgentOn(String jdk) throws Exception {
        ChildJvm.Result r = new ChildJvm(jdk).agentArgs("startup=background,summary=on")
                .main(SocketWorkload.class, "client-close", "127.0.0.1", "3").run();
        assertEquals(0, r.exitCode, r::toString);
        assertEquals("workload client-close done", r.stdout.trim());
        List<String> notes = portwatchLines(r.stderr).stream().filter(l -> l.contains("startup"))
                .collect(Collectors.toList());
        assertEquals(Arrays.asList("[portwatch] startup is no longer needed and is ignored: the JDK's socket classes are"
                + " instrumented as they load, and JDBC on an agent thread"), notes, r::toString);
        assertTrue(r.stderr.contains("summary: 3 outgoing and 3 accepted"), r::toString);
        assertFalse(r.stderr.contains("ERROR"), r::toString);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void switchedOffByConfiguration(String jdk) throws Exception {
        ChildJvm.Result r = new ChildJvm(jdk).env("PORTWATCH_ENABLED", "false")
                .main(SocketWorkload.class, "client-close", "127.0.0.1", "3").run();
        assertEquals(0, r.exitCode, r::toString);
        assertEquals("workload client-close done", r.stdout.trim());
        assertEquals(Arrays.asList("[portwatch] switched off by configuration (enabled=false)"), portwatchLines(r.stderr));
    }

    /**
     * {@code JAVA_TOOL_OPTIONS}, the way docs/deploying.md puts the agent into a container or a
     * service without changing its command line: the JVM picks it up and the agent tracks as with
     * {@code -javaagent} on the command line.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void startedThroughJavaToolOptions(String jdk) throws Exception {
        ChildJvm.Result r = new ChildJvm(jdk).withoutAgent()
                .env("JAVA_TOOL_OPTIONS", "-javaagent:" + ChildJvm.agentJar().toAbsolutePath())
                .main(SocketWorkload.class, "client-close", "127.0.0.1", "4").run();
        assertEquals(0, r.exitCode, r::toString);
        assertEquals("workload client-close done", r.stdout.trim());
        assertTrue(r.stderr.contains("Picked up JAVA_TOOL_OPTIONS: -javaagent:"), r::toString);
        assertTrue(r.stderr.contains("[portwatch] summary: 4 outgoing and 4 accepted"), r::toString);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void withoutAnEndpointNothingIsExportedAndNothingComplains(String jdk) throws Exception {
        ChildJvm.Result r = new ChildJvm(jdk).main(SocketWorkload.class, "client-close", "127.0.0.1", "5").run();
        assertEquals(0, r.exitCode, r::toString);
        assertEquals("workload client-close done", r.stdout.trim());
        assertFalse(r.stderr.contains("Exception"), r::toString);
        assertFalse(r.stderr.contains("export"), r::toString);
        assertTrue(r.stderr.contains("summary: 5 outgoing and 5 accepted"), "the summary stands in for the exporter: " + r);
        assertTrue(portwatchLines(r.stderr).size() == lines(r.stderr).size(), "every stderr line is the agent's: " + r);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aCollectorThatIsDownCostsAFewLines(String jdk) throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        ChildJvm.Result r = new ChildJvm(jdk)
                .env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + closedPort)
                .env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
                .env("OTEL_BSP_SCHEDULE_DELAY", "100")
                .main(SocketWorkload.class, "client-close", "127.0.0.1", "50").run();
        assertEquals(0, r.exitCode, r::toString);
        assertEquals("workload client-close done", r.stdout.trim());
        long exportLines = portwatchLines(r.stderr).stream().filter(l -> l.contains("cannot export")).count();
        assertTrue(exportLines >= 1 && exportLines <= 3, "one or a few lines about the collector: " + r);
        assertEquals(portwatchLines(r.stderr).size(), lines(r.stderr).size(), "no stack traces: " + r);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void manyConnectionsInASmallHeap(String jdk) throws Exception {
        // The server closes first, so the TIME_WAITs are on the server's side of each 4-tuple and
        // the client's ephemeral ports come free at once: the port range does not limit the count.
        ChildJvm.Result r = new ChildJvm(jdk).agentArgs("summary=on").jvmArg("-Xmx32m")
                .main(SocketWorkload.class, "server-close", "127.0.0.1", "20000").run();
        assertEquals(0, r.exitCode, r::toString);
        assertFalse(r.stderr.contains("OutOfMemoryError"), r::toString);
        // Every connection is accounted for, or the loss is said: when the agent's threads get too
        // little CPU (a loaded machine, two cores) the ring fills, and events are dropped and counted
        // rather than slowing the application or growing the heap.
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("summary: (\\d+) outgoing and (\\d+) accepted").matcher(r.stderr);
        assertTrue(m.find(), r::toString);
        boolean complete = m.group(1).equals("20000") && m.group(2).equals("20000");
        assertTrue(complete || r.stderr.matches("(?s).*WARN summary: [1-9]\\d* events dropped.*"), r::toString);
    }

    static List<String> lines(String text) {
        return Arrays.stream(text.split("\n")).filter(l -> !l.trim().isEmpty()).collect(Collectors.toList());
    }

    static List<String> portwatchLines(String text) {
        return lines(text).stream().filter(l -> l.startsWith("[portwatch]")).collect(Collectors.toList());
    }
}
