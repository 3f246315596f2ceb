package io.portwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The files of {@code otel-collector/} that the tests check, loaded once without starting anything
 * (no container engine is needed): {@code collector.yaml}, {@code compose.yaml} and
 * {@code prometheus.yml}, and how to read them: the collector's pipelines, the compose services, their
 * environment, mounts, ports and command lines. Each test class checks that the ports, host names
 * and pipelines named in one file are the ones the others use.
 */
abstract class CollectorFiles {

    static Path dir;
    static Map<String, Object> collector;
    static Map<String, Object> compose;
    static Map<String, Object> prometheus;

    @BeforeAll
    static void load() throws IOException {
        dir = findCollectorDir();
        collector = yaml(dir.resolve("collector.yaml"));
        compose = yaml(dir.resolve("compose.yaml"));
        prometheus = yaml(dir.resolve("prometheus.yml"));
    }

    /** Collector component ids are {@code type} or {@code type/name}. */
    static String type(String id) {
        int slash = id.indexOf('/');
        return slash < 0 ? id : id.substring(0, slash);
    }

    static Map<String, Object> pipelines() {
        return map(path(collector, "service", "pipelines"), "service.pipelines");
    }

    static List<String> pipelineExporters(String pipelineType) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Object> p : pipelines().entrySet()) {
            if (!type(p.getKey()).equals(pipelineType)) continue;
            for (Object id : list(map(p.getValue(), p.getKey()).get("exporters"))) out.add(String.valueOf(id));
        }
        assertFalse(out.isEmpty(), "no " + pipelineType + " pipeline with exporters");
        return out;
    }

    static Map<String, Object> services() {
        return map(compose.get("services"), "services");
    }

    static Map<String, Object> service(String name) {
        return map(services().get(name), "service " + name);
    }

    static String imageOf(String service) {
        return String.valueOf(service(service).get("image"));
    }

    /** The one service whose image starts with {@code prefix}. */
    static String serviceByImage(String prefix) {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, Object> s : services().entrySet()) {
            Object image = map(s.getValue(), s.getKey()).get("image");
            if (image != null && String.valueOf(image).startsWith(prefix)) found.add(s.getKey());
        }
        assertEquals(1, found.size(), "services with an image " + prefix + "*: " + found);
        return found.get(0);
    }

    /** The one service that runs the agent: it has OTEL_EXPORTER_OTLP_ENDPOINT. */
    static String sampleService() {
        List<String> found = new ArrayList<>();
        for (String name : services().keySet()) {
            if (env(service(name)).containsKey("OTEL_EXPORTER_OTLP_ENDPOINT")) found.add(name);
        }
        assertEquals(1, found.size(), "services with OTEL_EXPORTER_OTLP_ENDPOINT: " + found);
        return found.get(0);
    }

    /** Environment in either compose form: a map, or a list of {@code KEY=value}. */
    static Map<String, Object> env(Map<String, Object> service) {
        Object e = service.get("environment");
        Map<String, Object> out = new LinkedHashMap<>();
        if (e instanceof Map) {
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) e).entrySet()) out.put(String.valueOf(entry.getKey()), entry.getValue());
        } else if (e instanceof List) {
            for (Object item : (List<?>) e) {
                String s = String.valueOf(item);
                int eq = s.indexOf('=');
                out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
            }
        }
        return out;
    }

    /** Bind mounts of the short form {@code source:target[:mode]}: target to source. */
    static Map<String, String> mounts(String service) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Object v : list(service(service).get("volumes"))) {
            String[] parts = String.valueOf(v).split(":");
            if (parts.length >= 2) out.put(parts[1], parts[0]);
        }
        return out;
    }

    static List<String> dependsOn(String service) {
        Object d = service(service).get("depends_on");
        if (d instanceof Map) return new ArrayList<>(keys(d));
        List<String> out = new ArrayList<>();
        for (Object o : list(d)) out.add(String.valueOf(o));
        return out;
    }

    /** Entrypoint then command, in list form (a string form is split on spaces). */
    static List<String> commandLine(Map<String, Object> service) {
        List<String> out = new ArrayList<>();
        for (String key : new String[] {"entrypoint", "command"}) {
            Object v = service.get(key);
            if (v instanceof List) {
                for (Object o : (List<?>) v) out.add(String.valueOf(o));
            } else if (v != null) {
                out.addAll(List.of(String.valueOf(v).trim().split("\\s+")));
            }
        }
        return out;
    }

    static String argument(List<String> line, String option) {
        int i = line.indexOf(option);
        if (i >= 0 && i + 1 < line.size()) return line.get(i + 1);
        for (String arg : line) {
            if (arg.startsWith(option + "=")) return arg.substring(option.length() + 1);
        }
        return fail("the sample is not given " + option + ": " + line);
    }

    /** Container ports published, from {@code "host:container"} or {@code "ip:host:container"}. */
    static Set<Integer> publishedContainerPorts(String service) {
        Set<Integer> out = new HashSet<>();
        for (Object p : list(service(service).get("ports"))) {
            String s = String.valueOf(p).replaceAll("/(tcp|udp)$", "");
            out.add(Integer.parseInt(s.substring(s.lastIndexOf(':') + 1)));
        }
        return out;
    }

    static int hostPort(String mapping) {
        String[] parts = mapping.replaceAll("/(tcp|udp)$", "").split(":");
        return Integer.parseInt(parts.length >= 2 ? parts[parts.length - 2] : parts[0]);
    }

    static Object path(Object root, String... keys) {
        Object cur = root;
        for (String k : keys) {
            if (!(cur instanceof Map)) return null;
            cur = ((Map<?, ?>) cur).get(k);
        }
        return cur;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String what) {
        if (!(o instanceof Map)) fail(what + ": expected a mapping, got " + o);
        return (Map<String, Object>) o;
    }

    static List<?> list(Object o) {
        if (o == null) return Collections.emptyList();
        if (!(o instanceof List)) fail("expected a list, got " + o);
        return (List<?>) o;
    }

    static Set<String> keys(Object o) {
        Set<String> out = new HashSet<>();
        if (o instanceof Map) {
            for (Object k : ((Map<?, ?>) o).keySet()) out.add(String.valueOf(k));
        }
        return out;
    }

    static String str(Object o, String what) {
        assertNotNull(o, what + " missing");
        return String.valueOf(o);
    }

    static Map<String, Object> yaml(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " missing");
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
            return map(doc, file.toString());
        }
    }

    /** {@code otel-collector/} of the repository, from the module directory or the root. */
    static Path findCollectorDir() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("otel-collector");
            if (Files.isRegularFile(candidate.resolve("collector.yaml"))) return candidate.normalize();
        }
        return fail("otel-collector/collector.yaml not found above " + Paths.get("").toAbsolutePath());
    }

    /** {@code host:port}, with or without a scheme; an empty host is "" . */
    static final class HostPort {
        final String host;
        final int port;

        private HostPort(String host, int port) {
            this.host = host;
            this.port = port;
        }

        static HostPort parse(String endpoint) {
            String s = endpoint.replaceFirst("^[a-z]+://", "").replaceFirst("/.*$", "");
            int colon = s.lastIndexOf(':');
            assertTrue(colon >= 0, "endpoint without a port: " + endpoint);
            return new HostPort(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }
}
