package io.portwatch.export;

import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.exporter.otlp.internal.OtlpConfigUtil;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.autoconfigure.internal.AutoConfigureUtil;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import io.opentelemetry.sdk.resources.Resource;

import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The SDK's own reading of a configuration, the reference {@link ExportConfig} must agree with:
 * its {@code DefaultConfigProperties} built from the same three sources, its
 * {@code OtlpConfigUtil} applied to it, and the SDK autoconfigured from it.
 */
final class SdkReference {

    private SdkReference() {}

    /** Agent arguments over system properties over the environment, as {@code Telemetry} layers them. */
    static DefaultConfigProperties config(Map<String, String> arguments, Map<String, String> system, Map<String, String> env) {
        try {
            Constructor<DefaultConfigProperties> c = DefaultConfigProperties.class.getDeclaredConstructor(
                    Map.class, Map.class, Map.class, ComponentLoader.class);
            c.setAccessible(true);
            DefaultConfigProperties base = c.newInstance(system, env, Map.of(),
                    ComponentLoader.forClassLoader(SdkReference.class.getClassLoader()));
            return base.withOverrides(arguments);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    static DefaultConfigProperties config(Map<String, String> arguments) {
        return config(arguments, Map.of(), Map.of());
    }

    static ExportConfig ours(Map<String, String> arguments, Map<String, String> system, Map<String, String> env,
                             java.util.function.Consumer<String> problems) {
        Properties p = new Properties();
        p.putAll(system);
        return ExportConfig.load(arguments, p, env, problems);
    }

    /** What {@code OtlpConfigUtil} gives an OTLP/HTTP exporter of {@code signal}; endpoint null when none is set. */
    static final class Otlp {
        String endpoint;
        final Map<String, String> headers = new LinkedHashMap<>();
        String compression;
        Duration timeout;
    }

    static Otlp otlp(String signal, Map<String, String> properties) {
        Map<String, String> withProtocol = new HashMap<>(properties);
        withProtocol.putIfAbsent("otel.exporter.otlp.protocol", "http/protobuf");
        Otlp o = new Otlp();
        OtlpConfigUtil.configureOtlpExporterBuilder(signal, config(withProtocol), loader -> { },
                endpoint -> o.endpoint = endpoint, o.headers::put, compression -> o.compression = compression,
                timeout -> o.timeout = timeout, certificates -> { }, (key, chain) -> { }, retry -> { }, memory -> { },
                version -> { });
        return o;
    }

    /** The SDK autoconfigured from {@code config}: its span exporter's {@code toString()} and its resource. */
    static final class Built {
        String spanExporter;
        Resource resource;
        RuntimeException rejected;
    }

    static Built build(DefaultConfigProperties config) {
        Built b = new Built();
        AutoConfiguredOpenTelemetrySdkBuilder builder = AutoConfiguredOpenTelemetrySdk.builder()
                .addSpanExporterCustomizer((e, c) -> {
                    b.spanExporter = e.toString();
                    return e;
                })
                .addResourceCustomizer((r, c) -> {
                    b.resource = r;
                    return r;
                })
                .disableShutdownHook();
        AutoConfigureUtil.setConfigPropertiesCustomizer(builder, ignored -> config);
        try {
            builder.build().getOpenTelemetrySdk().shutdown().join(10, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            b.rejected = e;
        }
        return b;
    }

    /** Built from properties alone, with portwatch's http/protobuf default where no protocol is set. */
    static Built build(Map<String, String> properties) {
        Map<String, String> withProtocol = new HashMap<>(properties);
        withProtocol.putIfAbsent("otel.exporter.otlp.protocol", "http/protobuf");
        return build(config(withProtocol));
    }
}
