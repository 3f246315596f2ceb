package io.portwatch.it;

import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.workload.OddSocketWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Odd uses of sockets ({@link OddSocketWorkload}): the application sees exactly what it sees
 * without the agent (same results, same exceptions), and every record is right or says
 * {@code unknown}.
 */
class OddSocketsIT {

    private static final List<String> CLOSERS = Arrays.asList("local", "peer", "reset", "unknown");

    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void theApplicationSeesWhatItSeesWithoutTheAgent(String jdk) throws Exception {
        ChildJvm.Result without = new ChildJvm(jdk).withoutAgent().main(OddSocketWorkload.class).run();
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result with = new ChildJvm(jdk).exportTo(receiver).main(OddSocketWorkload.class).run();
            assertEquals(0, without.exitCode, without::toString);
            assertTrue(without.stdout.contains("odd sockets done"), without::toString);
            assertEquals(without.exitCode, with.exitCode, with::toString);
            assertEquals(without.stdout, with.stdout, "what the application saw");
            assertFalse(with.stderr.contains("ERROR"), with::toString);
            assertEquals(AgentRobustnessIT.portwatchLines(with.stderr).size(), AgentRobustnessIT.lines(with.stderr).size(),
                    () -> "no stack traces: " + with);
            assertRecords(receiver.spans(s -> s.name.equals("tcp.connection")));
        }
    }

    /**
     * The JVM does not verify the bootstrap loader's classes unless asked: asked here, it
     * verifies the woven JDK classes as they are retransformed, and a woven frame, stack or
     * handler that did not hold would stop the weaving with an error line.
     */
    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void theWovenJdkClassesPassTheVerifier(String jdk) throws Exception {
        ChildJvm.Result r = new ChildJvm(jdk).agentArgs("summary=on")
                .jvmArg("-XX:+UnlockDiagnosticVMOptions").jvmArg("-XX:+BytecodeVerificationLocal")
                .main(OddSocketWorkload.class).run();
        assertEquals(0, r.exitCode, r::toString);
        assertTrue(r.stdout.contains("odd sockets done"), r::toString);
        assertFalse(r.stderr.contains("[portwatch] ERROR"), r::toString);
        assertTrue(r.stderr.contains("[portwatch] summary: 10 outgoing and 6 accepted"), r::toString);
    }

    /** JDK 17 only: from JDK 24 a SecurityManager cannot be installed at all. */
    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void underASecurityManager(String jdk) throws Exception {
        assumeTrue(ChildJvm.featureVersion(jdk) < 18, "a SecurityManager is switched on this way up to JDK 17; " + jdk + " is newer");
        Path policy = Files.createTempFile("pw-all", ".policy");
        try {
            Files.write(policy, "grant { permission java.security.AllPermission; };\n".getBytes());
            String[] sm = {"-Djava.security.manager", "-Djava.security.policy==" + policy};
            ChildJvm plain = new ChildJvm(jdk).withoutAgent();
            ChildJvm agent = new ChildJvm(jdk).agentArgs("summary=on");
            for (String a : sm) {
                plain.jvmArg(a);
                agent.jvmArg(a);
            }
            ChildJvm.Result without = plain.main(OddSocketWorkload.class).run();
            ChildJvm.Result with = agent.main(OddSocketWorkload.class).run();
            assertTrue(without.stdout.contains("odd sockets done"), without::toString);
            assertEquals(without.exitCode, with.exitCode, with::toString);
            assertEquals(without.stdout, with.stdout, "what the application saw");
            assertFalse(with.stderr.contains("[portwatch] ERROR"), with::toString);
            assertTrue(with.stderr.contains("[portwatch] summary: 10 outgoing and 6 accepted"), with::toString);
        } finally {
            Files.delete(policy);
        }
    }

    private static void assertRecords(List<ReceivedSpan> spans) {
        assertFalse(spans.isEmpty());
        for (ReceivedSpan s : spans) {
            if (s.status == StatusCode.STATUS_CODE_ERROR) {
                assertNotNull(s.str("error.type"), s::toString);
            } else {
                assertTrue(CLOSERS.contains(s.str("portwatch.closed_by")), s::toString);
            }
        }
        assertEquals("local", callSite(spans, "halfClosed").str("portwatch.closed_by"), "shutdownOutput sent the first FIN");
        assertEquals("local", callSite(spans, "closedWhileReading").str("portwatch.closed_by"));
        assertEquals("ETIMEDOUT", callSite(spans, ".connectTimeout(").str("error.type"));
        assertEquals(StatusCode.STATUS_CODE_ERROR, callSite(spans, "interruptedConnect").status);
        assertTrue(spans.stream().noneMatch(s -> String.valueOf(s.str("portwatch.call_site")).contains("unixDomain")),
                "a Unix-domain channel is not TCP");
    }

    private static ReceivedSpan callSite(List<ReceivedSpan> spans, String method) {
        return spans.stream().filter(s -> String.valueOf(s.str("portwatch.call_site")).contains(method)).findFirst()
                .orElseThrow(() -> new AssertionError("no span opened in " + method + ": " + spans));
    }
}
