package io.portwatch.it;

import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.support.SampleApp;
import io.portwatch.it.support.SampleJar;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

import static io.portwatch.it.support.SampleApp.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sample app's command-line mistakes with the agent attached: one line, an exit status, no span but the refused connect's. */
class SampleAppCommandLineIT {

    @RegisterExtension
    static final SampleJar sampleJar = new SampleJar();

    static Stream<String> jdks() {
        return SampleApp.jdks();
    }

    // ---------------------------------------------------------------------------------------------
    // command-line errors

    @ParameterizedTest
    @MethodSource("jdks")
    void aBadOptionIsOneLineAndExitCode2(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            long t0 = System.nanoTime();
            ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver).jar(sampleJar.path(), "--foo").timeoutSeconds(60).run();
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(2, r.exitCode, r::toString);
            assertEquals("", r.stdout.trim(), r::toString);
            assertEquals(Arrays.asList("sample-app: unknown option --foo (try --help)"), appLines(r.stderr), r::toString);
            assertTrue(receiver.spans().isEmpty(), () -> "no connection, no span: " + receiver.spans());
            assertTrue(seconds < 20, "exits promptly with the agent attached: " + seconds + " s");
            System.out.printf(Locale.ROOT, "[SampleAppCommandLineIT] %s: --foo -> exit 2 in %.1f s%n", jdkName(jdk), seconds);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void anUnreachableDatabaseIsOneLineAndExitCode1(String jdk) throws Exception {
        int port = closedLoopbackPort();
        String secret = "Unreachable-" + UUID.randomUUID();
        String url = "jdbc:mysql://127.0.0.1:" + port + "/portwatch";
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver).timeoutSeconds(60)
                    .jar(sampleJar.path(), "--jdbc-url", url, "--user", "sample", "--password", secret).run();
            assertEquals(1, r.exitCode, r::toString);
            assertEquals("", r.stdout.trim(), r::toString);
            assertEquals(Arrays.asList("sample-app: cannot connect to " + url + ": Connection refused"),
                    appLines(r.stderr), r::toString);
            // The refused connect is a tcp.connection. Its jdbc.connection (error, end=failed) is
            // there if the JDBC instrumentation was in place: it installs on an agent thread as the
            // JVM starts (the driver is on the class path), and this connect comes first thing.
            List<ReceivedSpan> tcp = receiver.awaitSpans(s -> s.name.equals("tcp.connection"), 1, WAIT);
            List<ReceivedSpan> jdbc = receiver.awaitSpans(s -> s.name.equals("jdbc.connection"), 1, Duration.ofSeconds(2));
            assertFalse(tcp.isEmpty(), () -> "spans: " + receiver.spans());
            assertTrue(jdbc.size() <= 1, () -> "spans: " + receiver.spans());
            for (ReceivedSpan t : tcp) {
                assertEquals(StatusCode.STATUS_CODE_ERROR, t.status, t::toString);
                assertEquals("ECONNREFUSED", t.str("error.type"), t::toString);
                assertEquals((long) port, t.num("network.peer.port"), t::toString);
            }
            for (ReceivedSpan j : jdbc) {
                assertEquals(StatusCode.STATUS_CODE_ERROR, j.status, j::toString);
                assertEquals("failed", j.str("portwatch.end"), j::toString);
                assertEquals((long) port, j.num("server.port"), j::toString);
                assertEquals(url, j.str("portwatch.jdbc.url"), j::toString);
                for (ReceivedSpan t : tcp) {
                    assertEquals(j.spanId, t.parentSpanId, t::toString);
                }
            }
            assertNoSecret(secret, receiver, r.stdout, r.stderr);
            System.out.printf(Locale.ROOT, "[SampleAppCommandLineIT] %s: unreachable --jdbc-url -> exit 1, %d refused tcp.connection,"
                    + " jdbc.connection %s%n", jdkName(jdk), tcp.size(),
                    jdbc.isEmpty() ? "missing (the connect came before the JDBC instrumentation)" : jdbc.get(0).str("error.type"));
        }
    }
}
