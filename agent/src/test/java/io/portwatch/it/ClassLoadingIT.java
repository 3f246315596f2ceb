package io.portwatch.it;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;
import io.portwatch.it.workload.ForeignLibrariesWorkload;
import io.portwatch.it.workload.RetransformedSocketWorkload;
import io.portwatch.it.workload.RetransformingAgent;
import io.portwatch.it.workload.SocketWorkload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent shades Byte Buddy and the OpenTelemetry SDK under its own package, so an application
 * carrying other versions of them, or running the OpenTelemetry Java agent too, sees no clash.
 * The other versions come from Maven Central, copied by the build into {@code target/foreign}.
 */
class ClassLoadingIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    static Path foreign(String name) {
        Path p = Paths.get(System.getProperty("portwatch.foreign.dir", "target/foreign"), name);
        if (!Files.exists(p)) throw new IllegalStateException(p + " missing: the build copies it (mvn verify)");
        return p;
    }

    private static List<Path> foreignLibraries() throws IOException {
        try (Stream<Path> s = Files.list(foreign(""))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .filter(p -> !p.getFileName().toString().startsWith("opentelemetry-javaagent"))
                    .sorted().collect(Collectors.toList());
        }
    }

    /**
     * The agent exports with its own OTLP encoder and HttpURLConnection sender: no OpenTelemetry
     * SDK, no Prometheus client library, no OkHttp, Okio or Kotlin in the jar (the SDK was about
     * half of what the agent added to a JVM's memory at start).
     */
    @Test
    void theJarCarriesNoOpenTelemetrySdkNorHttpClientLibrary() throws Exception {
        try (JarFile jar = new JarFile(ChildJvm.agentJar().toFile())) {
            List<String> foreign = jar.stream().map(JarEntry::getName)
                    .filter(n -> n.matches("(io/portwatch/shaded/)?(otel|prometheus|io/opentelemetry|io/prometheus|okhttp3|okio|kotlin|kotlinx"
                            + "|jetbrains|intellij|org/jetbrains|org/intellij)/.*") || n.startsWith("META-INF/services/io.portwatch.shaded"))
                    .collect(Collectors.toList());
            assertEquals(List.of(), foreign, "a library the agent no longer carries");
            assertNotNull(jar.getEntry("io/portwatch/otlp/OtlpEncoder.class"));
        }
    }

    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void otherVersionsOfByteBuddyAndOpenTelemetryOnTheApplicationsClassPath(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm child = new ChildJvm(jdk).exportTo(receiver);
            for (Path jar : foreignLibraries()) child.classPath(jar);
            ChildJvm.Result r = child.main(ForeignLibrariesWorkload.class, "5").run();
            assertEquals(0, r.exitCode, r::toString);
            assertTrue(r.stdout.contains("made by the application's Byte Buddy"), r::toString);
            assertTrue(r.stdout.contains("byte buddy from byte-buddy-1.14.18.jar"), r::toString);
            assertTrue(r.stdout.contains("application spans exported: 1"), r::toString);
            assertTrue(r.stdout.contains("opentelemetry sdk from opentelemetry-sdk-trace-1.62.0.jar"), r::toString);
            assertTrue(r.stdout.contains("connections: 5"), r::toString);
            assertFalse(r.stderr.contains("ERROR"), r::toString);
            List<ReceivedSpan> clients = SocketTrackingIT.clientSpans(receiver, 5);
            assertEquals(5, clients.size(), () -> "the agent's own spans: " + receiver.spans());
            assertTrue(receiver.spans(s -> s.name.equals("application work")).isEmpty(),
                    "the application's SDK and the agent's do not mix");
        }
    }

    /**
     * Another agent may retransform {@code java.net.Socket} at any time. The JVM rebuilds the class
     * from the bytes it kept, and then applies only the transformers registered to retransform:
     * portwatch's weaving, done at load by a transformer that is gone by then, must be in those
     * kept bytes, or its hooks are lost and no connection is seen after that.
     */
    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void anotherAgentRetransformingTheSocketClassesLeavesThemWoven(String jdk, @TempDir Path dir) throws Exception {
        Path other = dir.resolve("other-agent.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", RetransformingAgent.class.getName());
        manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        new JarOutputStream(Files.newOutputStream(other), manifest).close();
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver)
                    .jvmArg("-javaagent:" + other)
                    .main(RetransformedSocketWorkload.class, "4").run();
            assertEquals(0, r.exitCode, r::toString);
            assertTrue(r.stdout.contains("done"), r::toString);
            int retransformed = Integer.parseInt(r.stdout.replaceAll("(?s).*retransformed (\\d+).*", "$1"));
            assertTrue(retransformed >= 2, () -> "Socket and ServerSocket are loaded by then: " + r);
            assertEquals(4, SocketTrackingIT.clientSpans(receiver, 4).size(), () -> "spans: " + receiver.spans());
            assertFalse(r.stderr.contains("ERROR"), r::toString);
        }
    }

    /**
     * On the newest JDK only: the OpenTelemetry agent takes 10-50 s to start on two busy cores,
     * and what could clash (class loading, the bootstrap path, both transformers on java.net) does
     * not differ between JDKs the way the JDK's own socket classes do.
     */
    @Test
    void besideTheOpenTelemetryJavaAgent() throws Exception {
        List<String> homes = ChildJvm.javaHomes();
        String jdk = homes.get(homes.size() - 1);
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            // Both agents read the same OTEL_* variables: both export to this receiver.
            ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver)
                    .jvmArg("-javaagent:" + foreign("opentelemetry-javaagent.jar"))
                    .env("OTEL_METRICS_EXPORTER", "none")
                    .env("OTEL_LOGS_EXPORTER", "none")
                    .timeoutSeconds(180)
                    .main(SocketWorkload.class, "http", "127.0.0.1", "3").run();
            assertEquals(0, r.exitCode, r::toString);
            assertTrue(r.stdout.contains("workload http done"), r::toString);
            assertFalse(r.stderr.contains("[portwatch] ERROR"), r::toString);
            long httpPort = Long.parseLong(r.stdout.replaceAll("(?s).*http port (\\d+).*", "$1"));
            List<ReceivedSpan> ours = receiver.awaitSpans(s -> s.name.equals("tcp.connection")
                    && s.kind == SpanKind.SPAN_KIND_CLIENT && Long.valueOf(httpPort).equals(s.num("server.port")), 3, WAIT);
            assertEquals(3, ours.size(), () -> "portwatch's spans: " + receiver.spans());
            List<ReceivedSpan> theirs = receiver.awaitSpans(s -> s.kind == SpanKind.SPAN_KIND_CLIENT
                    && "GET".equals(s.str("http.request.method")), 3, WAIT);
            assertEquals(3, theirs.size(), () -> "the OpenTelemetry agent's HTTP client spans: " + receiver.spans());
        }
    }
}
