package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.workload.ExitCodeWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad configuration, one child JVM per kind of mistake and source: the application's output and
 * exit code are those of the same run without the agent, and the agent stays off with exactly one
 * {@code [portwatch] ERROR} line that names the mistake. Every parser case is covered by AgentConfigTest;
 * this proves the line really reaches stderr, once, from each source, and nothing else changes.
 */
class BadInputIT {

    private static final int CONNECTIONS = 3;
    private static final int EXIT_CODE = 7;

    /** A mistake: how to make it in a child, and what its one line must mention. */
    static final class Mistake {
        final String name;
        final String agentArgs;
        final String property;
        final String envName;
        final String envValue;
        final String mentions;

        Mistake(String name, String agentArgs, String property, String envName, String envValue, String mentions) {
            this.name = name;
            this.agentArgs = agentArgs;
            this.property = property;
            this.envName = envName;
            this.envValue = envValue;
            this.mentions = mentions;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> mistakes() {
        List<Mistake> m = new ArrayList<>();
        m.add(new Mistake("unknown agent argument", "kernal=false", null, null, null, "kernal"));
        m.add(new Mistake("wrong type in an agent argument", "max.open=lots", null, null, null, "max.open=lots"));
        m.add(new Mistake("entry without a value", "summary", null, null, null, "'summary'"));
        m.add(new Mistake("negative interval as a system property", null, "-Dportwatch.kernel.interval=-5", null, null,
                "kernel.interval=-5"));
        m.add(new Mistake("unknown system property", null, "-Dportwatch.bufer.size=1024", null, null, "portwatch.bufer.size"));
        m.add(new Mistake("empty value in the environment", null, null, "PORTWATCH_WARN_SHARE", "", "warn.share"));
        m.add(new Mistake("unknown environment variable", null, null, "PORTWATCH_NOPE", "1", "PORTWATCH_NOPE"));
        // Parsing does not depend on the JDK: one JDK is enough here (AgentRobustnessIT runs a
        // mixed bag of mistakes on every JDK), and saves half a minute of CI.
        String jdk = ChildJvm.javaHomes().get(0);
        return m.stream().map(x -> Arguments.of(jdk, x));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("mistakes")
    void oneLineAndTheApplicationUnchanged(String jdk, Mistake mistake) throws Exception {
        ChildJvm.Result without = WITHOUT_AGENT.computeIfAbsent(jdk, BadInputIT::withoutAgent);
        ChildJvm child = new ChildJvm(jdk).agentArgs(mistake.agentArgs);
        if (mistake.property != null) child.jvmArg(mistake.property);
        if (mistake.envName != null) child.env(mistake.envName, mistake.envValue);
        ChildJvm.Result with = app(child);

        assertEquals(EXIT_CODE, without.exitCode, without::toString);
        assertEquals(without.exitCode, with.exitCode, with::toString);
        assertEquals(without.stdout, with.stdout, "the application's own output");
        assertOffInOneLineNaming(with, mistake.mentions);
    }

    /**
     * The agent stayed off (nothing instrumented, no summary) and said so in exactly one line,
     * which names each mistake; nothing else on stderr, no stack trace.
     */
    private static void assertOffInOneLineNaming(ChildJvm.Result with, String... mistakes) {
        List<String> lines = AgentRobustnessIT.lines(with.stderr);
        assertEquals(1, lines.size(), () -> "one line on stderr: " + with);
        String line = lines.get(0);
        assertTrue(line.startsWith("[portwatch] ERROR portwatch is off, the application runs on without it: bad configuration: "),
                line);
        for (String m : mistakes) assertTrue(line.contains(m), () -> "'" + line + "' should name " + m);
    }

    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void straySeparatorsAreMistakesToo(String jdk) throws Exception {
        // Empty entries (",,", a leading or trailing comma, ";;" in a list): what was meant there is not known.
        ChildJvm.Result without = WITHOUT_AGENT.computeIfAbsent(jdk, BadInputIT::withoutAgent);
        ChildJvm.Result with = app(new ChildJvm(jdk).agentArgs(",,summary=on,,callsite.skip=;;a.b.;,"));
        assertEquals(without.exitCode, with.exitCode, with::toString);
        assertEquals(without.stdout, with.stdout, "the application's own output");
        assertOffInOneLineNaming(with, "stray ','", "callsite.skip=;;a.b.;: an empty entry (a stray ';')");
    }

    /**
     * A mistake in the OpenTelemetry settings ({@code OTEL_*}, {@code otel.*}) is not the agent's:
     * those settings are shared with any other OpenTelemetry component in the process. So the
     * agent does not switch off: one line says the configuration was rejected and nothing is
     * exported; tracking and the summary at exit go on, and the application is unchanged.
     */
    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void anOpenTelemetryMistakeExportsNothingAndSaysSoInOneLine(String jdk) throws Exception {
        ChildJvm.Result without = WITHOUT_AGENT.computeIfAbsent(jdk, BadInputIT::withoutAgent);
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result with = app(new ChildJvm(jdk).exportTo(receiver).env("OTEL_EXPORTER_OTLP_PROTOCOL", "bogus"));
            assertEquals(without.exitCode, with.exitCode, with::toString);
            assertEquals(without.stdout, with.stdout, "the application's own output");
            List<String> lines = AgentRobustnessIT.lines(with.stderr);
            assertEquals(lines, AgentRobustnessIT.portwatchLines(with.stderr), "no stack trace: " + with);
            List<String> errors = new ArrayList<>();
            for (String l : lines) if (l.startsWith("[portwatch] ERROR")) errors.add(l);
            assertEquals(1, errors.size(), () -> "one error line: " + with);
            assertTrue(errors.get(0).startsWith("[portwatch] ERROR OpenTelemetry configuration rejected, exporting nothing: ")
                    && errors.get(0).contains("bogus"), errors.get(0));
            assertTrue(with.stderr.contains("[portwatch] summary: " + CONNECTIONS + " outgoing and " + CONNECTIONS
                    + " accepted TCP connections ended"), () -> "tracking went on: " + with);
            Thread.sleep(1000); // the export interval of ChildJvm.exportTo: anything sent would be here
            assertTrue(receiver.spans().isEmpty(), () -> "nothing exported: " + receiver.spans());
        }
    }

    /**
     * OTLP over gRPC: the agent's exporter sends OTLP/HTTP through HttpURLConnection and has no
     * gRPC sender. One line says so and what to set instead; nothing is exported, and tracking and
     * the summary at exit go on, as for any other setting it cannot follow.
     */
    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void grpcExportsNothingAndSaysWhatToSetInstead(String jdk) throws Exception {
        ChildJvm.Result without = WITHOUT_AGENT.computeIfAbsent(jdk, BadInputIT::withoutAgent);
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result with = app(new ChildJvm(jdk).exportTo(receiver).env("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"));
            assertEquals(without.exitCode, with.exitCode, with::toString);
            assertEquals(without.stdout, with.stdout, "the application's own output");
            List<String> lines = AgentRobustnessIT.lines(with.stderr);
            assertEquals(lines, AgentRobustnessIT.portwatchLines(with.stderr), "no stack trace: " + with);
            List<String> errors = new ArrayList<>();
            for (String l : lines) if (l.startsWith("[portwatch] ERROR")) errors.add(l);
            assertEquals(List.of("[portwatch] ERROR OpenTelemetry configuration rejected, exporting nothing:"
                    + " OTLP over gRPC is not supported: OTEL_EXPORTER_OTLP_PROTOCOL (otel.exporter.otlp.protocol) is grpc;"
                    + " set http/protobuf instead, and the endpoint to the collector's OTLP/HTTP port, usually 4318"),
                    errors, with::toString);
            assertTrue(with.stderr.contains("[portwatch] summary: " + CONNECTIONS + " outgoing and " + CONNECTIONS
                    + " accepted TCP connections ended"), () -> "tracking went on: " + with);
            Thread.sleep(1000); // the export interval of ChildJvm.exportTo: anything sent would be here
            assertEquals("", receiver.everythingReceived(), "nothing exported");
        }
    }

    /**
     * A JVM with only the modules an agent needs ({@code --limit-modules}; the same for a
     * {@code jlink} image or a modular application): the exporter sends through
     * {@code HttpURLConnection}, in {@code java.base}, so everything is exported, without a word.
     */
    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void withOnlyTheBaseModulesEverythingIsExported(String jdk) throws Exception {
        ChildJvm.Result without = WITHOUT_AGENT.computeIfAbsent(jdk, BadInputIT::withoutAgent);
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result with = app(new ChildJvm(jdk).exportTo(receiver)
                    .jvmArg("--limit-modules=java.base,java.instrument,java.logging,java.management,jdk.unsupported"));
            assertEquals(without.exitCode, with.exitCode, with::toString);
            assertEquals(without.stdout, with.stdout, "the application's own output");
            List<String> lines = AgentRobustnessIT.lines(with.stderr);
            assertEquals(lines, AgentRobustnessIT.portwatchLines(with.stderr), "no stack trace: " + with);
            assertFalse(with.stderr.contains("ERROR"), with::toString);
            assertEquals(CONNECTIONS, SocketTrackingIT.clientSpans(receiver, CONNECTIONS).size(),
                    () -> "spans: " + receiver.spans());
        }
    }

    /** The application's behaviour without the agent, once per JDK. */
    private static final Map<String, ChildJvm.Result> WITHOUT_AGENT = new ConcurrentHashMap<>();

    private static ChildJvm.Result withoutAgent(String jdk) {
        try {
            return app(new ChildJvm(jdk).withoutAgent());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ChildJvm.Result app(ChildJvm child) throws Exception {
        return child.main(ExitCodeWorkload.class, String.valueOf(CONNECTIONS), String.valueOf(EXIT_CODE)).run();
    }
}
