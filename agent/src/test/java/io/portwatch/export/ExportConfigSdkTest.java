package io.portwatch.export;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import io.portwatch.otlp.OtlpAttributes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The export configuration against the SDK's own reading of the same settings. */
class ExportConfigSdkTest {

    private static final String NOWHERE = "http://127.0.0.1:1";
    private static final String[] SIGNALS = {"traces", "metrics", "logs"};

    private static ExportConfig load(Map<String, String> arguments, List<String> problems) {
        return SdkReference.ours(arguments, Map.of(), Map.of(), problems::add);
    }

    private static ExportConfig.Signal signal(ExportConfig c, String name) {
        return name.equals("traces") ? c.traces() : name.equals("metrics") ? c.metrics() : c.logs();
    }

    /** Endpoint, headers, compression and timeout of each signal, as {@code OtlpConfigUtil} gives them to the exporter. */
    @Test
    void otlpSettingsAsTheSdk() {
        List<Map<String, String>> cases = List.of(
                Map.of("otel.exporter.otlp.endpoint", "http://c:4318"),
                Map.of("otel.exporter.otlp.endpoint", "http://c:4318/"),
                Map.of("otel.exporter.otlp.endpoint", "http://c:4318/prefix"),
                Map.of("otel.exporter.otlp.endpoint", "https://user:pw@c/prefix/"),
                Map.of("otel.exporter.otlp.traces.endpoint", "http://c:4318", "otel.exporter.otlp.endpoint", "http://g:4318",
                        "otel.exporter.otlp.metrics.endpoint", "http://m:9/x/y", "otel.exporter.otlp.logs.endpoint", "https://l/"),
                Map.of("otel.exporter.otlp.endpoint", NOWHERE, "otel.exporter.otlp.headers", "a=b%20c,d=e+f, g = h ,x=%C3%A9"),
                Map.of("otel.exporter.otlp.endpoint", NOWHERE, "otel.exporter.otlp.headers", "a=1,b=2",
                        "otel.exporter.otlp.traces.headers", "x=1", "otel.exporter.otlp.metrics.headers", "y="),
                Map.of("otel.exporter.otlp.endpoint", NOWHERE, "otel.exporter.otlp.timeout", "5s",
                        "otel.exporter.otlp.traces.timeout", "250", "otel.exporter.otlp.logs.timeout", "0"),
                Map.of("otel.exporter.otlp.endpoint", NOWHERE, "otel.exporter.otlp.compression", "gzip",
                        "otel.exporter.otlp.metrics.compression", "none"),
                Map.of("otel.exporter.otlp.endpoint", NOWHERE, "otel.exporter.otlp.protocol", "grpc",
                        "otel.exporter.otlp.traces.protocol", "http/protobuf", "otel.exporter.otlp.traces.compression", "gzip"));
        for (Map<String, String> properties : cases) {
            List<String> problems = new ArrayList<>();
            ExportConfig ours = load(properties, problems);
            for (String s : SIGNALS) {
                SdkReference.Otlp sdk = SdkReference.otlp(s, properties);
                ExportConfig.Signal signal = signal(ours, s);
                String what = s + " " + properties;
                // Over gRPC the SDK's endpoint has no path; gRPC is refused here (a problem) anyway.
                boolean grpc = "grpc".equals(properties.getOrDefault("otel.exporter.otlp." + s + ".protocol",
                        properties.get("otel.exporter.otlp.protocol")));
                if (!grpc) assertEquals(sdk.endpoint, String.valueOf(signal.endpoint()), what);
                assertEquals(sdk.headers, signal.headers(), what);
                assertEquals(List.copyOf(sdk.headers.keySet()), List.copyOf(signal.headers().keySet()), what);
                assertEquals("gzip".equals(sdk.compression), signal.gzip(), what);
                long sdkMillis = sdk.timeout == null ? 10_000 : sdk.timeout.isZero() ? Long.MAX_VALUE : sdk.timeout.toMillis();
                assertEquals(sdkMillis, signal.timeoutMillis(), what);
            }
            if (!properties.containsKey("otel.exporter.otlp.protocol")) assertEquals(List.of(), problems);
        }
    }

    /** With nothing set but the exporter, the SDK's exporter defaults: its span exporter's toString says them. */
    @Test
    void defaultsAsTheSdksExporter() {
        Map<String, String> properties = Map.of("otel.traces.exporter", "otlp", "otel.metrics.exporter", "none",
                "otel.logs.exporter", "none");
        SdkReference.Built sdk = SdkReference.build(properties);
        assertNull(sdk.rejected);
        ExportConfig ours = load(properties, new ArrayList<>());
        ExportConfig.Signal traces = ours.traces();
        assertTrue(sdk.spanExporter.startsWith("OtlpHttpSpanExporter{endpoint=" + traces.endpoint() + ", timeoutNanos="
                + TimeUnit.MILLISECONDS.toNanos(traces.timeoutMillis()) + ","), sdk.spanExporter);
        assertTrue(sdk.spanExporter.contains("compressorEncoding=null,"), sdk.spanExporter);
        assertEquals("http://localhost:4318/v1/traces", traces.endpoint().toString());
        assertEquals("http://localhost:4318/v1/metrics", ours.metrics().endpoint().toString());
    }

    /** Settings the SDK rejects (its whole configuration) are problems here, and the ones it accepts are not. */
    @Test
    void rejectedWhereTheSdkRejects() {
        String[][] rejected = {
                {"otel.exporter.otlp.endpoint", "collector:4318"},
                {"otel.exporter.otlp.endpoint", "ftp://c:4318"},
                {"otel.exporter.otlp.traces.endpoint", "http://c:4318/v1/traces?x=1"},
                {"otel.exporter.otlp.endpoint", "http://c:4318#f"},
                {"otel.exporter.otlp.headers", "abc"},
                {"otel.exporter.otlp.logs.headers", "=v"},
                {"otel.exporter.otlp.headers", "a=%zz"},
                {"otel.exporter.otlp.compression", "zstd"},
                {"otel.exporter.otlp.metrics.timeout", "abc"},
                {"otel.exporter.otlp.protocol", "http/json"},
                {"otel.exporter.otlp.protocol", "grpc"},
                {"otel.exporter.otlp.certificate", "/nonexistent/ca.pem"},
                {"otel.exporter.otlp.client.key", "/nonexistent/key.pem"},
                {"otel.bsp.schedule.delay", "-1"},
                {"otel.bsp.max.queue.size", "0"},
                {"otel.bsp.max.export.batch.size", "x"},
                {"otel.bsp.export.timeout", "5y"},
                {"otel.blrp.schedule.delay", "1.5s"},
                {"otel.blrp.max.queue.size", "-2"},
                {"otel.metric.export.interval", "0"},
                {"otel.traces.sampler", "foo"},
                {"otel.traces.sampler", "parentbased_traceidratio", "otel.traces.sampler.arg", "2"},
                {"otel.traces.sampler", "traceidratio", "otel.traces.sampler.arg", "a tenth"},
                {"otel.traces.exporter", "zipkin"},
                {"otel.logs.exporter", "otlp,none"},
                {"otel.metrics.exporter", "logging-otlp"},
                {"otel.resource.attributes", "a=1,b"},
        };
        String[][] accepted = {
                {"otel.exporter.otlp.timeout", "5 s"},
                {"otel.exporter.otlp.headers", "a=b"},
                {"otel.resource.attributes", "a=1%zz"},
                {"otel.traces.sampler", "traceidratio", "otel.traces.sampler.arg", "0.25"},
                {"otel.traces.sampler", "always_off", "otel.traces.sampler.arg", "not read"},
                {"otel.bsp.max.export.batch.size", "4096"},
                {"otel.exporter.otlp.metrics.protocol", "grpc", "otel.metrics.exporter", "none"},
                {"otel.exporter.otlp.metrics.timeout", "abc", "otel.metrics.exporter", "none"},
                {"otel.sdk.disabled", "true", "otel.bsp.max.queue.size", "x", "otel.exporter.otlp.protocol", "grpc"},
        };
        // The SDK takes a negative OTLP timeout (its builder checks only the other setter), to fail at each export.
        String[][] refusedHereOnly = {
                {"otel.exporter.otlp.timeout", "-1"},
        };
        for (String[][] table : new String[][][]{rejected, accepted, refusedHereOnly}) {
            for (String[] c : table) {
                Map<String, String> properties = new HashMap<>(Map.of("otel.exporter.otlp.endpoint", NOWHERE));
                for (int i = 0; i < c.length; i += 2) properties.put(c[i], c[i + 1]);
                SdkReference.Built sdk = SdkReference.build(properties);
                List<String> problems = new ArrayList<>();
                ExportConfig ours = load(properties, problems);
                String what = properties + ": " + problems + " / " + sdk.rejected;
                assertEquals(sdk.rejected != null, table == rejected, what);
                assertEquals(table == accepted ? 0 : 1, problems.size(), what);
                assertEquals(problems.isEmpty() && !properties.containsKey("otel.sdk.disabled"), ours.exporting(), what);
            }
        }
    }

    /** OTEL_RESOURCE_ATTRIBUTES decoded as the SDK decodes it; the service name taken in the same order. */
    @Test
    void resourceAsTheSdk() {
        Map<String, String> properties = Map.of("otel.traces.exporter", "none", "otel.metrics.exporter", "none",
                "otel.logs.exporter", "otlp", "otel.resource.attributes",
                "a=b%20c,d=e+f,g=%zz,h=%C3%A9,i=100%,j=a%2,k=%41%42, l = m ,deployment.environment=prod,service.name=svc");
        Resource sdk = SdkReference.build(properties).resource;
        OtlpAttributes ours = load(properties, new ArrayList<>()).resource();
        for (String key : new String[]{"a", "d", "g", "h", "i", "j", "k", "l", "deployment.environment", "service.name"}) {
            assertEquals(sdk.getAttribute(AttributeKey.stringKey(key)), ours.get(key), key);
        }
        assertEquals("b c", ours.get("a"));
        assertEquals("e+f", ours.get("d"));

        Map<String, String> named = new HashMap<>(properties);
        named.put("otel.service.name", "orders");
        named.put("otel.resource.disabled.keys", "deployment.environment,a");
        Resource sdkNamed = SdkReference.build(named).resource;
        OtlpAttributes oursNamed = load(named, new ArrayList<>()).resource();
        for (String key : new String[]{"service.name", "deployment.environment", "a", "d"}) {
            assertEquals(sdkNamed.getAttribute(AttributeKey.stringKey(key)), oursNamed.get(key), key);
        }
        assertEquals("orders", oursNamed.get("service.name"));
        assertNull(oursNamed.get("a"));
    }

    /** Where this differs on purpose: a configuration that names only {@code none} exports nothing. */
    @Test
    void onlyNoneExportsNothing() {
        ExportConfig ours = load(Map.of("otel.traces.exporter", "none"), new ArrayList<>());
        assertEquals(false, ours.exporting());
        assertNotNull(ours.traces());
    }
}
