package io.portwatch.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad configuration, one child JVM per kind of mistake and source: the application's output and
 * exit code are those of the same run without the agent, and the mistake costs exactly one
 * {@code [portwatch] ERROR} line that names it. Every parser case is covered by AgentConfigTest;
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
        List<String> errors = AgentRobustnessIT.portwatchLines(with.stderr).stream()
                .filter(l -> l.startsWith("[portwatch] ERROR")).collect(Collectors.toList());
        assertEquals(1, errors.size(), with::toString);
        assertTrue(errors.get(0).contains(mistake.mentions), () -> "'" + errors.get(0) + "' should name " + mistake.mentions);
        assertEquals(AgentRobustnessIT.portwatchLines(with.stderr).size(), AgentRobustnessIT.lines(with.stderr).size(),
                () -> "nothing but the agent's own lines on stderr, no stack trace: " + with);
        // ... and the agent still works, on its defaults.
        assertTrue(with.stderr.contains("summary: " + CONNECTIONS + " outgoing and " + CONNECTIONS + " accepted"), with::toString);
    }

    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void straySeparatorsAreHarmless(String jdk) throws Exception {
        // Empty entries (",,", a leading or trailing comma, ";;" in a list) are skipped without a
        // line: they mean nothing, and the entries around them still apply.
        ChildJvm.Result r = app(new ChildJvm(jdk).agentArgs(",,summary=on,,callsite.skip=;;a.b.;,"));
        assertEquals(EXIT_CODE, r.exitCode, r::toString);
        assertTrue(AgentRobustnessIT.portwatchLines(r.stderr).stream().noneMatch(l -> l.contains("ERROR")), r::toString);
        assertTrue(r.stderr.contains("summary: " + CONNECTIONS + " outgoing"), "summary=on applied: " + r);
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
