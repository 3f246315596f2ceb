package io.portwatch.it.support;

import io.portwatch.it.support.OtlpReceiver.ReceivedSpan;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** The sample app's jar, and what its integration tests read from a run of it. */
public final class SampleApp {

    public static final Duration WAIT = Duration.ofSeconds(15);
    static final Pattern READY = Pattern.compile("embedded MariaDB ready on 127\\.0\\.0\\.1:(\\d+)");
    static final Pattern DATABASE_LINE = Pattern.compile("(?m)^database: (\\S+) \\(");
    static final int TCP_TIME_WAIT = 0x06;

    private SampleApp() {}

    public static Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    /**
     * The executable sample-app jar: {@code -Dsample.jar}, else the jar the test class path has the
     * sample's classes from (the shaded one, after package), else the module's build output.
     */
    static Path builtSampleJar() throws IOException {
        String property = System.getProperty("sample.jar");
        if (property != null) return Paths.get(property);
        try {
            Path source = Paths.get(io.portwatch.sample.Main.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI());
            if (Files.isRegularFile(source)) {
                try (JarFile jar = new JarFile(source.toFile())) {
                    if (jar.getManifest() != null
                            && jar.getManifest().getMainAttributes().getValue("Main-Class") != null) {
                        return source;
                    }
                }
            }
        } catch (URISyntaxException e) {
            // fall through to the build output
        }
        Path built = Paths.get("..", "sample-app", "target", "sample-app.jar");
        if (!Files.isRegularFile(built)) {
            throw new IllegalStateException("sample-app.jar not built: " + built.toAbsolutePath());
        }
        return built;
    }

    public static int dbPort(String stdout) {
        Matcher m = READY.matcher(stdout);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** stderr without the agent's own lines (each starts with "[portwatch]"). */
    public static List<String> appLines(String stderr) {
        return Arrays.stream(stderr.split("\\R")).filter(l -> !l.isEmpty() && !l.startsWith("[portwatch]"))
                .collect(Collectors.toList());
    }

    public static void assertNoSecret(String secret, OtlpReceiver receiver, String stdout, String stderr) {
        for (ReceivedSpan s : receiver.spans()) {
            assertFalse(s.toString().contains(secret), () -> "the password in " + s);
        }
        for (OtlpReceiver.ReceivedLog l : receiver.logs()) {
            assertFalse(l.toString().contains(secret), () -> "the password in " + l);
        }
        receiver.metrics().forEach(m -> assertFalse(m.toString().contains(secret), () -> "the password in " + m));
        assertFalse(stdout.contains(secret), "the password on stdout");
        assertFalse(stderr.contains(secret), "the password on stderr");
    }

    public static String read(Path p) throws IOException {
        return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8) : "";
    }

    public static int closedLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public static List<ReceivedSpan> filter(List<ReceivedSpan> spans, Predicate<ReceivedSpan> p) {
        return spans.stream().filter(p).collect(Collectors.toCollection(ArrayList::new));
    }

    public static String jdkName(String jdk) {
        try {
            return "JDK " + ChildJvm.featureVersion(jdk);
        } catch (IOException e) {
            return jdk;
        }
    }
}
