package io.portwatch.collector;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code otel-collector/kubernetes.yaml}, the example docs/deploying.md explains, without a
 * cluster: the jar the init container copies is the one {@code JAVA_TOOL_OPTIONS} loads, through
 * one shared volume; the exporter goes to an OTLP/HTTP port; every {@code $(NAME)} refers to a
 * variable defined above it (Kubernetes expands only those); the only sysctl is one a pod may set
 * without the cluster allowing it; and the agent image's Dockerfile copies the jar where the init
 * container takes it from.
 */
class KubernetesManifestTest {

    private static Path dir;
    private static Map<String, Object> pod;

    @BeforeAll
    static void load() throws IOException {
        for (Path p = Paths.get("").toAbsolutePath(); p != null && dir == null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("otel-collector/kubernetes.yaml"))) dir = p.resolve("otel-collector");
        }
        if (dir == null) fail("otel-collector/kubernetes.yaml not found above " + Paths.get("").toAbsolutePath());
        try (Reader r = Files.newBufferedReader(dir.resolve("kubernetes.yaml"), StandardCharsets.UTF_8)) {
            Map<String, Object> deployment = map(new Yaml(new SafeConstructor(new LoaderOptions())).load(r));
            assertEquals("Deployment", deployment.get("kind"));
            pod = map(map(map(deployment.get("spec")).get("template")).get("spec"));
        }
    }

    @Test
    void theJarTheInitContainerCopiesIsTheOneTheJvmLoads() {
        Map<String, Object> init = map(list(pod.get("initContainers")).get(0));
        List<?> command = list(init.get("command"));
        String copied = String.valueOf(command.get(command.size() - 1));
        String initMount = mountPath(init, "portwatch");
        assertTrue(copied.startsWith(initMount + "/"), copied + " is not on the shared volume at " + initMount);

        Map<String, Object> app = map(list(pod.get("containers")).get(0));
        String appMount = mountPath(app, "portwatch");
        String loaded = env(app, "JAVA_TOOL_OPTIONS").replaceFirst("^-javaagent:", "").replaceFirst("=.*", "");
        assertEquals(copied.substring(initMount.length()), loaded.substring(appMount.length()),
                "the file copied and the file loaded, relative to the volume");
        assertTrue(loaded.startsWith(appMount + "/"), loaded + " is not on the volume mounted at " + appMount);
        boolean emptyDir = false;
        for (Object v : list(pod.get("volumes"))) {
            emptyDir |= "portwatch".equals(map(v).get("name")) && map(v).containsKey("emptyDir");
        }
        assertTrue(emptyDir, "the shared volume is an emptyDir");
    }

    @Test
    void theDockerfilePutsTheJarWhereTheInitContainerTakesIt() throws IOException {
        Map<String, Object> init = map(list(pod.get("initContainers")).get(0));
        String source = String.valueOf(list(init.get("command")).get(1));
        String dockerfile = new String(Files.readAllBytes(dir.resolve("agent-image.Dockerfile")), StandardCharsets.UTF_8);
        assertTrue(dockerfile.contains("COPY agent/target/portwatch-agent.jar " + source), dockerfile);
    }

    @Test
    void exportsOverOtlpHttp() {
        Map<String, Object> app = map(list(pod.get("containers")).get(0));
        assertTrue(env(app, "OTEL_EXPORTER_OTLP_ENDPOINT").matches("http://[^/]+:4318"), "the OTLP/HTTP port");
    }

    @Test
    void everyVariableReferenceIsToAnEarlierVariable() {
        Map<String, Object> app = map(list(pod.get("containers")).get(0));
        List<String> defined = new ArrayList<>();
        Pattern reference = Pattern.compile("\\$\\(([A-Z_][A-Z0-9_]*)\\)");
        for (Object e : list(app.get("env"))) {
            Object value = map(e).get("value");
            if (value != null) {
                Matcher m = reference.matcher(String.valueOf(value));
                while (m.find()) {
                    assertTrue(defined.contains(m.group(1)), map(e).get("name") + " refers to " + m.group(1)
                            + ", which is not defined above it (Kubernetes would leave it as it is)");
                }
            }
            defined.add(String.valueOf(map(e).get("name")));
        }
    }

    /** Kubernetes's own allow-list of sysctls a pod may set without the kubelet allowing more. */
    @Test
    void onlySafeSysctls() {
        List<String> safe = List.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
                "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start");
        for (Object s : list(map(pod.get("securityContext")).get("sysctls"))) {
            assertTrue(safe.contains(String.valueOf(map(s).get("name"))), map(s) + " needs the cluster to allow it");
        }
    }

    private static String env(Map<String, Object> container, String name) {
        for (Object e : list(container.get("env"))) {
            if (name.equals(map(e).get("name"))) return String.valueOf(map(e).get("value"));
        }
        return fail(name + " not set");
    }

    private static String mountPath(Map<String, Object> container, String volume) {
        for (Object m : list(container.get("volumeMounts"))) {
            if (volume.equals(map(m).get("name"))) return String.valueOf(map(m).get("mountPath"));
        }
        return fail(volume + " not mounted in " + container.get("name"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        if (!(o instanceof Map)) fail("expected a mapping, got " + o);
        return (Map<String, Object>) o;
    }

    private static List<?> list(Object o) {
        if (!(o instanceof List)) fail("expected a list, got " + o);
        return (List<?>) o;
    }
}
