package io.portwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The compose file's services: every image pinned, every service there, the collector started on
 * this configuration with its ports published once, and the sample app running the built jars with
 * the agent, exporting to the collector and writing to MySQL.
 */
class ComposeServicesTest extends CollectorFiles {

    @Test
    void everyImageIsPinned() throws IOException {
        Map<String, Object> services = services();
        assertFalse(services.isEmpty());
        for (Map.Entry<String, Object> s : services.entrySet()) {
            Map<String, Object> service = map(s.getValue(), "service " + s.getKey());
            List<String> images = new ArrayList<>();
            if (service.get("image") != null) images.add(String.valueOf(service.get("image")));
            if (service.get("build") != null) images.addAll(dockerfileBases(service.get("build")));
            assertFalse(images.isEmpty(), "service " + s.getKey() + " has neither image nor build");
            for (String image : images) {
                assertPinned(s.getKey(), image);
            }
        }
    }

    @Test
    void theComposeFileHasEveryService() {
        serviceByImage("otel/opentelemetry-collector");
        serviceByImage("jaegertracing/");
        serviceByImage("prom/prometheus");
        String mysql = serviceByImage("mysql");
        assertTrue(imageOf(mysql).matches("mysql:8\\..*"), "MySQL 8 expected, got " + imageOf(mysql));
        sampleService();
    }

    @Test
    void theCollectorLoadsThisConfigurationAndPublishesItsPorts() {
        String name = serviceByImage("otel/opentelemetry-collector");
        Map<String, String> mounts = mounts(name);
        String target = null;
        for (Map.Entry<String, String> m : mounts.entrySet()) {
            if (dir.resolve(m.getValue()).normalize().equals(dir.resolve("collector.yaml").normalize())) target = m.getKey();
        }
        assertNotNull(target, "collector.yaml is not mounted into the collector: " + mounts);
        assertTrue(commandLine(map(services().get(name), name)).contains("--config=" + target),
                "the collector is not started with --config=" + target);
        Set<Integer> published = publishedContainerPorts(name);
        assertTrue(published.containsAll(List.of(4317, 4318)), "OTLP ports not published: " + published);
    }

    @Test
    void noHostPortIsPublishedTwice() {
        Map<Integer, String> seen = new HashMap<>();
        for (String name : services().keySet()) {
            for (Object p : list(map(services().get(name), name).get("ports"))) {
                int hostPort = hostPort(String.valueOf(p));
                String before = seen.put(hostPort, name);
                assertTrue(before == null, "host port " + hostPort + " published by " + before + " and " + name);
            }
        }
    }

    @Test
    void theSampleExportsToTheCollectorWithAMatchingProtocol() {
        String sample = sampleService();
        Map<String, Object> env = env(service(sample));
        String endpoint = String.valueOf(env.get("OTEL_EXPORTER_OTLP_ENDPOINT"));
        URI uri = URI.create(endpoint);
        assertEquals("http", uri.getScheme(), "the collector's receivers have no TLS: " + endpoint);
        assertEquals(serviceByImage("otel/opentelemetry-collector"), uri.getHost(),
                "OTEL_EXPORTER_OTLP_ENDPOINT must name the collector service");
        // portwatch sends http/protobuf only (its default; ExportConfig refuses grpc).
        Object protocol = env.getOrDefault("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        assertEquals("http/protobuf", String.valueOf(protocol), "the agent sends OTLP over HTTP only");
        HostPort listen = HostPort.parse(str(path(collector, "receivers", "otlp", "protocols", "http", "endpoint"),
                "otlp http endpoint"));
        assertEquals(listen.port, uri.getPort(), "http/protobuf needs the collector's http receiver port "
                + listen.port + ", the endpoint names " + uri.getPort());
        assertTrue(uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"),
                "OTEL_EXPORTER_OTLP_ENDPOINT is a base URL; the SDK adds /v1/traces etc.: " + endpoint);
        assertNotNull(env.get("OTEL_SERVICE_NAME"), "OTEL_SERVICE_NAME not set");
        assertTrue(dependsOn(sample).contains(uri.getHost()), "the sample should start after the collector");
    }

    @Test
    void theSampleRunsTheBuiltJarsWithTheAgentAgainstMySql() {
        String sample = sampleService();
        Map<String, Object> service = service(sample);
        Map<String, String> mounts = mounts(sample);
        Path root = dir.getParent();
        String agent = null;
        String app = null;
        for (Map.Entry<String, String> m : mounts.entrySet()) {
            Path source = dir.resolve(m.getValue()).normalize();
            if (source.equals(root.resolve("agent/target/portwatch-agent.jar"))) agent = m.getKey();
            if (source.equals(root.resolve("sample-app/target/sample-app.jar"))) app = m.getKey();
        }
        assertNotNull(agent, "agent/target/portwatch-agent.jar is not mounted: " + mounts);
        assertNotNull(app, "sample-app/target/sample-app.jar is not mounted: " + mounts);

        List<String> line = commandLine(service);
        assertTrue(line.contains("-javaagent:" + agent), "the JVM is not started with -javaagent:" + agent + ": " + line);
        int jar = line.indexOf("-jar");
        assertTrue(jar >= 0 && line.get(jar + 1).equals(app), "the JVM does not run -jar " + app + ": " + line);

        String url = argument(line, "--jdbc-url");
        String mysql = serviceByImage("mysql");
        Matcher m = Pattern.compile("jdbc:mysql://([^:/]+):(\\d+)/([^?]+).*").matcher(url);
        assertTrue(m.matches(), "unexpected --jdbc-url " + url);
        assertEquals(mysql, m.group(1), "--jdbc-url must name the MySQL service");
        assertEquals(3306, Integer.parseInt(m.group(2)));
        Map<String, Object> mysqlEnv = env(service(mysql));
        assertEquals(String.valueOf(mysqlEnv.get("MYSQL_DATABASE")), m.group(3), "the database in --jdbc-url is not created");
        assertEquals(String.valueOf(mysqlEnv.get("MYSQL_USER")), argument(line, "--user"));
        assertEquals(String.valueOf(mysqlEnv.get("MYSQL_PASSWORD")), argument(line, "--password"));
        List<String> params = List.of(argument(line, "--jdbc-params").split("&"));
        assertTrue(params.contains("sslMode=DISABLED"), "--jdbc-params must hold sslMode=DISABLED: " + params);
        assertTrue(params.contains("allowPublicKeyRetrieval=true"),
                "without TLS, MySQL 8.4's caching_sha2_password needs allowPublicKeyRetrieval=true: " + params);
        assertTrue(dependsOn(sample).contains(mysql), "the sample should start after MySQL");
        Object condition = path(service, "depends_on", mysql, "condition");
        assertEquals("service_healthy", condition, "the sample must wait until MySQL accepts connections");
        assertNotNull(service(mysql).get("healthcheck"), "service_healthy needs a healthcheck on " + mysql);
    }

    private static void assertPinned(String service, String image) {
        String name = image;
        int digest = name.indexOf('@');
        if (digest >= 0) return; // pinned by digest
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        assertTrue(colon > slash, service + ": image " + image + " has no tag");
        String tag = name.substring(colon + 1);
        assertFalse(tag.isEmpty() || tag.equalsIgnoreCase("latest"), service + ": image " + image + " is not pinned");
        assertTrue(tag.matches("v?\\d+(\\.\\d+)+.*"), service + ": tag of " + image
                + " should name a version (major.minor at least)");
        assertFalse(tag.contains("${"), service + ": tag of " + image + " is a variable");
    }

    /** {@code FROM} images of a build's Dockerfile. */
    private static List<String> dockerfileBases(Object build) throws IOException {
        String context;
        String dockerfile = "Dockerfile";
        if (build instanceof Map) {
            Map<?, ?> b = (Map<?, ?>) build;
            context = String.valueOf(b.get("context") == null ? "." : b.get("context"));
            if (b.get("dockerfile") != null) dockerfile = String.valueOf(b.get("dockerfile"));
        } else {
            context = String.valueOf(build);
        }
        Path file = dir.resolve(context).resolve(dockerfile);
        List<String> out = new ArrayList<>();
        Set<String> stages = new HashSet<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Matcher m = Pattern.compile("(?i)^\\s*FROM\\s+(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+AS\\s+(\\S+))?").matcher(line);
            if (m.find()) {
                if (!stages.contains(m.group(1))) out.add(m.group(1));
                if (m.group(2) != null) stages.add(m.group(2));
            }
        }
        return out;
    }
}
