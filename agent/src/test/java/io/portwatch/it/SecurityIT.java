package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.workload.SelfInspectWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing secret leaves the process, and the agent opens no door: marker secrets put where
 * applications keep them (environment, system properties, the command line, exporter headers)
 * never appear in what the receiver gets (spans, metrics, logs, resources), on stderr with debug
 * on, nor in {@code doctor}'s output; the process listens on no port the application did not
 * open; and it writes no file, or only owner-only ones. Secrets in JDBC URLs and connection
 * properties: JdbcTrackingIT#aWrongPasswordIsAnErrorAndNoSecretLeaves.
 */
class SecurityIT {

    private static final String SECRET = "Marker-S3cret-7f2c";

    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void noSecretLeavesAndNoPortOpens(String jdk) throws Exception {
        Path home = Files.createTempDirectory("pw-home");
        Path tmp = Files.createTempDirectory("pw-tmp");
        Path cwd = Files.createTempDirectory("pw-cwd");
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver)
                    .agentArgs("debug=true,summary=on")
                    .env("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer " + SECRET)
                    .env("DATABASE_PASSWORD", SECRET)
                    .env("HOME", home.toString())
                    .jvmArg("-Dapp.password=" + SECRET)
                    .jvmArg("-Djava.io.tmpdir=" + tmp)
                    .jvmArg("-XX:-UsePerfData") // the JVM's own hsperfdata file, not the agent's
                    .workingDirectory(cwd)
                    .main(SelfInspectWorkload.class, "--password=" + SECRET).run();
            assertEquals(0, r.exitCode, r::toString);
            assertTrue(r.stdout.matches("(?s).*listening while serving: \\[(\\d+)\\] \\(own \\1\\).*"),
                    () -> "the inspection sees the application's own listener: " + r);
            assertTrue(r.stdout.contains("listening: []"), () -> "the agent opened a listening port: " + r);
            assertFalse(r.stderr.contains(SECRET), r::toString);
            assertFalse(receiver.spans().isEmpty(), "spans were exported");
            assertFalse(receiver.metricNames().isEmpty(), "metrics were exported");
            String received = receiver.everythingReceived();
            assertFalse(received.contains(SECRET), "a secret in what was exported");
            for (Path dir : new Path[]{home, tmp, cwd}) {
                for (Path f : files(dir)) {
                    Set<PosixFilePermission> p = Files.getPosixFilePermissions(f);
                    assertTrue(p.stream().noneMatch(x -> x.name().startsWith("GROUP") || x.name().startsWith("OTHERS")),
                            () -> f + " is readable by others: " + p);
                }
            }
        } finally {
            for (Path dir : new Path[]{home, tmp, cwd}) delete(dir);
        }
    }

    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void doctorPrintsNoSecret(String jdk) throws Exception {
        ChildJvm.Result r = new ChildJvm(jdk).withoutAgent()
                .env("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer " + SECRET)
                .env("DATABASE_PASSWORD", SECRET)
                .jvmArg("-Dapp.password=" + SECRET)
                .jar(ChildJvm.agentJar(), "doctor").run();
        assertTrue(r.stdout.length() > 0, r::toString);
        assertFalse(r.stdout.contains(SECRET) || r.stderr.contains(SECRET), r::toString);
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).collect(Collectors.toList());
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) Files.deleteIfExists(p);
        }
    }
}
