package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.workload.JdbcInstallWorkload;
import io.portwatch.it.workload.LibraryAdvice;
import io.portwatch.it.workload.SocketWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JDBC instrumentation installs itself with Byte Buddy, on an agent thread, when the
 * application first loads a JDBC type: a JVM without JDBC never loads Byte Buddy, a driver that
 * loads while the install runs is instrumented all the same, and a JDBC connection opened before
 * the install is done is still tracked as the TCP connection it is.
 */
class JdbcInstallIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void withoutJdbcNoByteBuddyClassIsLoaded(String jdk) throws Exception {
        ChildJvm.Result r = new ChildJvm(jdk).jvmArg("-Xlog:class+load=info:stdout")
                .main(SocketWorkload.class, "client-close", "127.0.0.1", "3").run();
        assertEquals(0, r.exitCode, r::toString);
        assertTrue(r.stderr.contains("summary: 3 outgoing and 3 accepted"), r::toString);
        List<String> byteBuddy = Arrays.stream(r.stdout.split("\n"))
                .filter(l -> l.contains(" io.portwatch.shaded.bytebuddy.")).collect(Collectors.toList());
        assertFalse(byteBuddy.isEmpty(), "the weaving uses the ASM that Byte Buddy bundles: " + r.stdout.length());
        for (String line : byteBuddy) {
            assertTrue(line.contains(" io.portwatch.shaded.bytebuddy.jar.asm."), "only its ASM: " + line);
        }
        assertFalse(r.stdout.contains(" java.sql."), "and nothing of JDBC loaded the rest");
    }

    /** A driver declared on the class path starts the install at once, before any JDBC type loads. */
    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void aDriverOnTheClassPathStartsTheInstallAtOnce(String jdk) throws Exception {
        ChildJvm.Result r = new ChildJvm(jdk).agentArgs("debug=true").classPathOf(com.mysql.cj.jdbc.Driver.class)
                .main(LibraryAdvice.class).run();
        assertEquals(0, r.exitCode, r::toString);
        assertTrue(r.stdout.contains("library advice installed"), r::toString);
        assertTrue(r.stderr.matches("(?s).*DEBUG instrumented library types in \\d+ ms, started by a JDBC driver on the"
                + " class path: \\[\\].*"), r::toString);
    }

    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void driversLoadedDuringTheInstallAreInstrumented(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver).agentArgs("debug=true")
                    .main(JdbcInstallWorkload.class, "race").run();
            assertEquals(0, r.exitCode, r::toString);
            Matcher m = Pattern.compile("drivers loaded: (\\d+), during the install: (\\d+)").matcher(r.stdout);
            assertTrue(m.find(), r::toString);
            int drivers = Integer.parseInt(m.group(1));
            assertTrue(Integer.parseInt(m.group(2)) >= 2, () -> "several drivers loaded while Byte Buddy installed: " + r);
            long port = port(r);

            List<ReceivedSpan> jdbc = receiver.awaitSpans(s -> s.name.equals("jdbc.connection"), drivers, WAIT);
            assertEquals(drivers, jdbc.size(), () -> "one jdbc.connection per driver copy: " + jdbc + "\n" + r);
            Set<String> urls = jdbc.stream().map(s -> s.str("portwatch.jdbc.url")).collect(Collectors.toSet());
            assertEquals(drivers, urls.size(), urls::toString);
            List<ReceivedSpan> tcp = receiver.awaitSpans(s -> s.name.equals("tcp.connection")
                    && Long.valueOf(port).equals(s.num("network.peer.port")), drivers, WAIT);
            assertEquals(drivers, tcp.size());
            Map<String, ReceivedSpan> bySpanId = jdbc.stream().collect(Collectors.toMap(s -> s.spanId, Function.identity()));
            for (ReceivedSpan t : tcp) {
                assertNotNull(bySpanId.get(t.parentSpanId), () -> "each socket under its driver's connect: " + t);
            }
            assertFalse(r.stderr.contains("ERROR"), r::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void aJdbcConnectionBeforeTheInstallIsStillTrackedAsTcp(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver).main(JdbcInstallWorkload.class, "first").run();
            assertEquals(0, r.exitCode, r::toString);
            long port = port(r);
            List<ReceivedSpan> tcp = receiver.awaitSpans(s -> s.name.equals("tcp.connection")
                    && Long.valueOf(port).equals(s.num("network.peer.port")), 1, WAIT);
            assertEquals(1, tcp.size(), () -> "spans: " + receiver.spans() + "\n" + r);
            assertEquals("local", tcp.get(0).str("portwatch.closed_by"), tcp::toString);
            assertTrue(tcp.get(0).str("portwatch.call_site").startsWith("io.portwatch.it."), tcp::toString);
            if (r.stdout.contains("advice installed before the connect: false")) {
                // Its jdbc.connection is missing: the connect ran before the JDBC advice was in place.
                assertTrue(receiver.spans(s -> s.name.equals("jdbc.connection")).isEmpty(), receiver.spans()::toString);
            }
        }
    }

    private static long port(ChildJvm.Result r) {
        Matcher m = Pattern.compile("port (\\d+)").matcher(r.stdout);
        assertTrue(m.find(), r::toString);
        return Long.parseLong(m.group(1));
    }
}
