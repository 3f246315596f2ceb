package io.portwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Grafana provisioned from these files: the Prometheus data source, the dashboard provider, and a
 * dashboard whose panels and variables name that data source.
 */
class GrafanaProvisioningTest extends CollectorFiles {

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
}
