package io.portwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks the wiring of {@code otel-collector/} (collector, Jaeger, Prometheus, MySQL and the sample
 * app with the agent) without starting anything: no container engine is needed. It reads
 * {@code collector.yaml}, {@code compose.yaml} and {@code prometheus.yml} and asserts that the ports,
 * host names and pipelines named in one file are the ones the others use.
 */
class CollectorConfigTest {

    private static Path dir;
    private static Map<String, Object> collector;
    private static Map<String, Object> compose;
    private static Map<String, Object> prometheus;

    @BeforeAll
    static void load() throws IOException {
        dir = findCollectorDir();
        collector = yaml(dir.resolve("collector.yaml"));
        compose = yaml(dir.resolve("compose.yaml"));
        prometheus = yaml(dir.resolve("prometheus.yml"));
    }

    // ---- the collector on its own

    @Test
    void otlpReceiversListenOnAllInterfacesOn4317And4318() {
        Map<String, Object> protocols = map(path(collector, "receivers", "otlp", "protocols"), "receivers.otlp.protocols");
        HostPort grpc = HostPort.parse(str(path(protocols, "grpc", "endpoint"), "otlp grpc endpoint"));
        HostPort http = HostPort.parse(str(path(protocols, "http", "endpoint"), "otlp http endpoint"));
        assertEquals(4317, grpc.port, "OTLP/gRPC receiver port");
        assertEquals(4318, http.port, "OTLP/HTTP receiver port");
        // Since collector 0.104 an endpoint without a host binds to localhost: unreachable from other containers.
        assertEquals("0.0.0.0", grpc.host, "gRPC receiver must bind 0.0.0.0 to be reachable from other containers");
        assertEquals("0.0.0.0", http.host, "HTTP receiver must bind 0.0.0.0 to be reachable from other containers");
    }

    @Test
    void everyPipelineReferencesOnlyDefinedComponents() {
        Map<String, Object> pipelines = pipelines();
        assertFalse(pipelines.isEmpty(), "no pipelines");
        for (Map.Entry<String, Object> p : pipelines.entrySet()) {
            Map<String, Object> pipeline = map(p.getValue(), "pipeline " + p.getKey());
            assertFalse(list(pipeline.get("receivers")).isEmpty(), p.getKey() + " has no receivers");
            assertFalse(list(pipeline.get("exporters")).isEmpty(), p.getKey() + " has no exporters");
            for (String kind : new String[] {"receivers", "processors", "exporters"}) {
                Set<String> defined = keys(collector.get(kind));
                for (Object id : list(pipeline.get(kind))) {
                    assertTrue(defined.contains(String.valueOf(id)),
                            "pipeline " + p.getKey() + " uses " + kind + " '" + id + "' not defined in " + defined);
                }
            }
        }
        Set<String> extensions = keys(collector.get("extensions"));
        for (Object id : list(path(collector, "service", "extensions"))) {
            assertTrue(extensions.contains(String.valueOf(id)), "service uses undefined extension " + id);
        }
        Set<String> known = new HashSet<>(List.of("traces", "metrics", "logs"));
        for (String name : pipelines.keySet()) {
            assertTrue(known.contains(type(name)), "unknown pipeline type: " + name);
        }
    }

    @Test
    void tracesGoToJaegerOverOtlp() {
        String jaeger = serviceByImage("jaegertracing/");
        List<String> exporters = pipelineExporters("traces");
        boolean found = false;
        for (String id : exporters) {
            String type = type(id);
            if (!type.equals("otlp") && !type.equals("otlphttp")) continue;
            String endpoint = str(path(collector, "exporters", id, "endpoint"), "endpoint of exporter " + id);
            HostPort target = HostPort.parse(endpoint);
            if (!target.host.equals(jaeger)) continue;
            found = true;
            // Jaeger takes OTLP/gRPC on 4317 and OTLP/HTTP on 4318.
            assertEquals(type.equals("otlp") ? 4317 : 4318, target.port,
                    "exporter " + id + " (" + type + ") must use Jaeger's " + (type.equals("otlp") ? "gRPC" : "HTTP")
                            + " OTLP port");
            if (type.equals("otlp")) {
                Object insecure = path(collector, "exporters", id, "tls", "insecure");
                assertEquals(Boolean.TRUE, insecure, "Jaeger's OTLP receiver has no TLS here: tls.insecure must be true");
            }
        }
        assertTrue(found, "no traces exporter sends OTLP to the '" + jaeger + "' service; exporters: " + exporters);
        Object otlpEnabled = env(service(jaeger)).get("COLLECTOR_OTLP_ENABLED");
        if (otlpEnabled != null) {
            assertEquals("true", String.valueOf(otlpEnabled), "Jaeger's OTLP receiver switched off");
        }
    }

    @Test
    void metricsGoToThePrometheusExporterThatPrometheusScrapes() {
        String collectorService = serviceByImage("otel/opentelemetry-collector");
        String exporter = null;
        for (String id : pipelineExporters("metrics")) {
            if (type(id).equals("prometheus")) exporter = id;
        }
        assertNotNull(exporter, "the metrics pipeline has no prometheus exporter");
        HostPort listen = HostPort.parse(str(path(collector, "exporters", exporter, "endpoint"), "prometheus endpoint"));
        assertEquals("0.0.0.0", listen.host, "the prometheus exporter must listen on 0.0.0.0 to be scraped from another container");

        List<HostPort> targets = new ArrayList<>();
        for (Object job : list(prometheus.get("scrape_configs"))) {
            for (Object sc : list(map(job, "scrape config").get("static_configs"))) {
                for (Object t : list(map(sc, "static config").get("targets"))) {
                    targets.add(HostPort.parse(String.valueOf(t)));
                }
            }
        }
        boolean scraped = false;
        for (HostPort t : targets) {
            if (t.host.equals(collectorService)) {
                assertEquals(listen.port, t.port, "prometheus.yml scrapes the collector on another port than its exporter's");
                scraped = true;
            }
        }
        assertTrue(scraped, "prometheus.yml does not scrape the '" + collectorService + "' service: " + targets);
        Map<String, String> mounts = mounts(serviceByImage("prom/prometheus"));
        assertTrue(mounts.containsKey("/etc/prometheus/prometheus.yml"),
                "prometheus.yml is not mounted where Prometheus reads its configuration");
        // Rule files are read relative to the configuration's directory: each must be mounted there, from here.
        List<?> rules = list(prometheus.get("rule_files"));
        assertTrue(rules.contains("portwatch-alerts.yml"), "prometheus.yml does not load portwatch-alerts.yml: " + rules);
        for (Object r : rules) {
            String source = mounts.get("/etc/prometheus/" + r);
            assertNotNull(source, r + " is not mounted beside prometheus.yml: " + mounts);
            assertEquals(dir.resolve(String.valueOf(r)).normalize(), dir.resolve(source).normalize(), "mounted from elsewhere");
        }
    }

    @Test
    void aLogsPipelineExists() {
        Map<String, Object> logs = null;
        for (Map.Entry<String, Object> p : pipelines().entrySet()) {
            if (type(p.getKey()).equals("logs")) logs = map(p.getValue(), "logs pipeline");
        }
        assertNotNull(logs, "no logs pipeline: the portwatch.port_exhaustion log records would be dropped");
        assertTrue(list(logs.get("receivers")).contains("otlp"), "the logs pipeline does not receive OTLP");
    }

    // ---- compose

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
        // portwatch sends http/protobuf only (its default, Telemetry; OtlpSupport refuses grpc).
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

    // ---- Grafana

    @Test
    void grafanaIsProvisionedWithPrometheusAndTheDashboard() throws IOException {
        String grafana = serviceByImage("grafana/grafana");
        Map<String, String> mounts = mounts(grafana);
        String datasourceTarget = mountTargetOf(mounts, "grafana/datasource.yaml");
        String providerTarget = mountTargetOf(mounts, "grafana/dashboards.yaml");
        String dashboardTarget = mountTargetOf(mounts, "grafana/portwatch-dashboard.json");
        assertTrue(datasourceTarget.startsWith("/etc/grafana/provisioning/datasources/") && datasourceTarget.endsWith(".yaml"),
                "Grafana reads data sources from /etc/grafana/provisioning/datasources/*.yaml, not " + datasourceTarget);
        assertTrue(providerTarget.startsWith("/etc/grafana/provisioning/dashboards/") && providerTarget.endsWith(".yaml"),
                "Grafana reads dashboard providers from /etc/grafana/provisioning/dashboards/*.yaml, not " + providerTarget);

        Map<String, Object> datasources = yaml(dir.resolve("grafana/datasource.yaml"));
        List<?> list = list(datasources.get("datasources"));
        assertEquals(1, list.size(), "one data source: " + list);
        Map<String, Object> ds = map(list.get(0), "data source");
        assertEquals("prometheus", ds.get("type"));
        URI url = URI.create(str(ds.get("url"), "data source url"));
        String prometheus = serviceByImage("prom/prometheus");
        assertEquals(prometheus, url.getHost(), "the data source must name the Prometheus service");
        assertEquals(9090, url.getPort(), "Prometheus listens on 9090");
        assertTrue(dependsOn(grafana).contains(prometheus), "Grafana should start after Prometheus");

        Map<String, Object> providers = yaml(dir.resolve("grafana/dashboards.yaml"));
        Map<String, Object> provider = map(list(providers.get("providers")).get(0), "dashboard provider");
        assertEquals("file", provider.get("type"));
        String path = str(path(provider, "options", "path"), "provider options.path");
        assertEquals(path, dashboardTarget.substring(0, dashboardTarget.lastIndexOf('/')),
                "the dashboard is mounted where the provider looks for dashboards");
        assertTrue(dashboardTarget.endsWith(".json"));

        // The panels, their queries and the variables must name the provisioned data source.
        String uid = str(ds.get("uid"), "data source uid");
        Map<String, Object> dashboard = yaml(dir.resolve("grafana/portwatch-dashboard.json"));
        List<Object> sources = new ArrayList<>();
        for (Object panel : list(dashboard.get("panels"))) {
            sources.add(map(panel, "panel").get("datasource"));
            for (Object target : list(map(panel, "panel").get("targets"))) sources.add(map(target, "target").get("datasource"));
        }
        for (Object variable : list(path(dashboard, "templating", "list"))) sources.add(map(variable, "variable").get("datasource"));
        assertFalse(sources.isEmpty());
        for (Object source : sources) {
            assertEquals(uid, path(source, "uid"), "a panel names data source " + source + ", provisioned: " + uid);
        }
        assertTrue(publishedContainerPorts(grafana).contains(3000), "Grafana's UI port is not published");
    }

    /** The container path where {@code relative} (to otel-collector/) is mounted. */
    private static String mountTargetOf(Map<String, String> mounts, String relative) {
        for (Map.Entry<String, String> m : mounts.entrySet()) {
            if (dir.resolve(m.getValue()).normalize().equals(dir.resolve(relative).normalize())) return m.getKey();
        }
        return fail(relative + " is not mounted: " + mounts);
    }

    // ---- helpers

    /** Collector component ids are {@code type} or {@code type/name}. */
    private static String type(String id) {
        int slash = id.indexOf('/');
        return slash < 0 ? id : id.substring(0, slash);
    }

    private static Map<String, Object> pipelines() {
        return map(path(collector, "service", "pipelines"), "service.pipelines");
    }

    private static List<String> pipelineExporters(String pipelineType) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Object> p : pipelines().entrySet()) {
            if (!type(p.getKey()).equals(pipelineType)) continue;
            for (Object id : list(map(p.getValue(), p.getKey()).get("exporters"))) out.add(String.valueOf(id));
        }
        assertFalse(out.isEmpty(), "no " + pipelineType + " pipeline with exporters");
        return out;
    }

    private static Map<String, Object> services() {
        return map(compose.get("services"), "services");
    }

    private static Map<String, Object> service(String name) {
        return map(services().get(name), "service " + name);
    }

    private static String imageOf(String service) {
        return String.valueOf(service(service).get("image"));
    }

    /** The one service whose image starts with {@code prefix}. */
    private static String serviceByImage(String prefix) {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, Object> s : services().entrySet()) {
            Object image = map(s.getValue(), s.getKey()).get("image");
            if (image != null && String.valueOf(image).startsWith(prefix)) found.add(s.getKey());
        }
        assertEquals(1, found.size(), "services with an image " + prefix + "*: " + found);
        return found.get(0);
    }

    /** The one service that runs the agent: it has OTEL_EXPORTER_OTLP_ENDPOINT. */
    private static String sampleService() {
        List<String> found = new ArrayList<>();
        for (String name : services().keySet()) {
            if (env(service(name)).containsKey("OTEL_EXPORTER_OTLP_ENDPOINT")) found.add(name);
        }
        assertEquals(1, found.size(), "services with OTEL_EXPORTER_OTLP_ENDPOINT: " + found);
        return found.get(0);
    }

    /** Environment in either compose form: a map, or a list of {@code KEY=value}. */
    private static Map<String, Object> env(Map<String, Object> service) {
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
    private static Map<String, String> mounts(String service) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Object v : list(service(service).get("volumes"))) {
            String[] parts = String.valueOf(v).split(":");
            if (parts.length >= 2) out.put(parts[1], parts[0]);
        }
        return out;
    }

    private static List<String> dependsOn(String service) {
        Object d = service(service).get("depends_on");
        if (d instanceof Map) return new ArrayList<>(keys(d));
        List<String> out = new ArrayList<>();
        for (Object o : list(d)) out.add(String.valueOf(o));
        return out;
    }

    /** Entrypoint then command, in list form (a string form is split on spaces). */
    private static List<String> commandLine(Map<String, Object> service) {
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

    private static String argument(List<String> line, String option) {
        int i = line.indexOf(option);
        if (i >= 0 && i + 1 < line.size()) return line.get(i + 1);
        for (String arg : line) {
            if (arg.startsWith(option + "=")) return arg.substring(option.length() + 1);
        }
        return fail("the sample is not given " + option + ": " + line);
    }

    /** Container ports published, from {@code "host:container"} or {@code "ip:host:container"}. */
    private static Set<Integer> publishedContainerPorts(String service) {
        Set<Integer> out = new HashSet<>();
        for (Object p : list(service(service).get("ports"))) {
            String s = String.valueOf(p).replaceAll("/(tcp|udp)$", "");
            out.add(Integer.parseInt(s.substring(s.lastIndexOf(':') + 1)));
        }
        return out;
    }

    private static int hostPort(String mapping) {
        String[] parts = mapping.replaceAll("/(tcp|udp)$", "").split(":");
        return Integer.parseInt(parts.length >= 2 ? parts[parts.length - 2] : parts[0]);
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

    private static Object path(Object root, String... keys) {
        Object cur = root;
        for (String k : keys) {
            if (!(cur instanceof Map)) return null;
            cur = ((Map<?, ?>) cur).get(k);
        }
        return cur;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) {
        if (!(o instanceof Map)) fail(what + ": expected a mapping, got " + o);
        return (Map<String, Object>) o;
    }

    private static List<?> list(Object o) {
        if (o == null) return Collections.emptyList();
        if (!(o instanceof List)) fail("expected a list, got " + o);
        return (List<?>) o;
    }

    private static Set<String> keys(Object o) {
        Set<String> out = new HashSet<>();
        if (o instanceof Map) {
            for (Object k : ((Map<?, ?>) o).keySet()) out.add(String.valueOf(k));
        }
        return out;
    }

    private static String str(Object o, String what) {
        assertNotNull(o, what + " missing");
        return String.valueOf(o);
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " missing");
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
            return map(doc, file.toString());
        }
    }

    /** {@code otel-collector/} of the repository, from the module directory or the root. */
    private static Path findCollectorDir() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("otel-collector");
            if (Files.isRegularFile(candidate.resolve("collector.yaml"))) return candidate.normalize();
        }
        return fail("otel-collector/collector.yaml not found above " + Paths.get("").toAbsolutePath());
    }

    /** {@code host:port}, with or without a scheme; an empty host is "" . */
    private static final class HostPort {
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
