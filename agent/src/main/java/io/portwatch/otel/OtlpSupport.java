package io.portwatch.otel;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the agent's OTLP exporter can do: {@code http/protobuf}, sent through
 * {@link UrlConnectionSender}. There is no gRPC sender (the SDK's gRPC senders need OkHttp or
 * grpc-java, megabytes the agent does not carry); unchecked, {@code grpc} fails inside the SDK with
 * "Unexpected configuration error".
 */
final class OtlpSupport {

    private static final String[] SIGNALS = {"traces", "metrics", "logs"};

    private OtlpSupport() {}

    /**
     * Why the configured export cannot be done, or null: a signal exported over OTLP asks for
     * {@code grpc}. {@code overrides} are the agent's own defaults, which win over {@code config}.
     */
    static String unsupported(ConfigProperties config, Map<String, String> overrides) {
        List<String> grpc = new ArrayList<>();
        for (String signal : SIGNALS) {
            String exporterKey = "otel." + signal + ".exporter";
            String exporters = overrides.containsKey(exporterKey)
                    ? overrides.get(exporterKey) : config.getString(exporterKey, "otlp");
            if (!names(exporters, "otlp")) continue;
            String key = "otel.exporter.otlp." + signal + ".protocol";
            String protocol = config.getString(key);
            if (protocol == null) {
                key = "otel.exporter.otlp.protocol";
                protocol = overrides.containsKey(key) ? overrides.get(key) : config.getString(key, "");
            }
            if (protocol.trim().equals("grpc") && !grpc.contains(key)) grpc.add(key);
        }
        if (grpc.isEmpty()) return null;
        List<String> settings = new ArrayList<>();
        for (String key : grpc) {
            settings.add(key.toUpperCase(Locale.ROOT).replace('.', '_') + " (" + key + ")");
        }
        return "OTLP over gRPC is not supported: " + String.join(", ", settings) + (grpc.size() == 1 ? " is" : " are")
                + " grpc; set http/protobuf instead, and the endpoint to the collector's OTLP/HTTP port, usually 4318";
    }

    /** Whether the comma-separated exporter list {@code exporters} names {@code name}. */
    private static boolean names(String exporters, String name) {
        for (String e : exporters.split(",")) {
            if (e.trim().equals(name)) return true;
        }
        return false;
    }
}
