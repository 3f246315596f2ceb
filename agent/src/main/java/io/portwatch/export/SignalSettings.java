package io.portwatch.export;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One signal's exporters ({@code OTEL_<SIGNAL>S_EXPORTER}) and OTLP settings, the latter read as
 * the SDK's {@code OtlpConfigUtil} reads them: the signal's own
 * {@code OTEL_EXPORTER_OTLP_<SIGNAL>_*} setting, else the general {@code OTEL_EXPORTER_OTLP_*}
 * one. They are checked only for a signal exported over OTLP, as the SDK checks them: a
 * malformed timeout means nothing to spans printed on the console alone.
 */
final class SignalSettings {

    static final String PROTOCOL = "protocol";
    static final String HTTP_PROTOBUF = "http/protobuf";
    static final String GRPC = "grpc";
    static final long DEFAULT_TIMEOUT_MILLIS = 10_000;
    /** Exporters, as bits. */
    static final int OTLP = 1;
    static final int CONSOLE = 2;
    static final int PROMETHEUS = 4;

    private SignalSettings() {}

    /**
     * The exporters {@code otel.<signal>.exporter} names, as {@link #OTLP}, {@link #CONSOLE},
     * {@link #PROMETHEUS} bits; when it names none, OTLP if an endpoint is set ({@code endpoint}),
     * else nothing: portwatch's default, where the SDK's is OTLP to localhost:4318. A name named
     * twice is taken once, where the SDK refuses the list.
     */
    static int exporters(Settings settings, String signal, boolean endpoint) {
        String key = "otel." + signal + ".exporter";
        List<String> names = settings.list(key);
        if (names.isEmpty()) return endpoint ? OTLP : 0;
        boolean metrics = signal.equals("metrics");
        int exporters = 0;
        boolean none = false;
        List<String> unknown = new ArrayList<>();
        for (String name : names) {
            if (name.equals("otlp")) {
                exporters |= OTLP;
            } else if (name.equals("console") || name.equals("logging")) {
                exporters |= CONSOLE;
            } else if (name.equals("prometheus") && metrics) {
                exporters |= PROMETHEUS;
            } else if (name.equals("none")) {
                none = true;
            } else {
                unknown.add(name);
            }
        }
        String expected = metrics ? "otlp, prometheus, console (or its older name, logging) or none"
                : "otlp, console (or its older name, logging) or none";
        if (!unknown.isEmpty()) {
            settings.problem(Settings.name(key) + " names " + String.join(", ", unknown) + ", which portwatch does not"
                    + " have for " + signal + ": its exporters are " + expected);
        } else if (none && names.size() > 1) {
            settings.problem(Settings.name(key) + " is " + settings.get(key) + ": none cannot be named with other exporters");
        }
        return none ? 0 : exporters;
    }

    /** The line for gRPC, which the exporter does not speak. */
    static String grpcRefused(List<String> keys) {
        List<String> settings = new ArrayList<>();
        for (String key : keys) settings.add(Settings.name(key));
        return "OTLP over gRPC is not supported: " + String.join(", ", settings) + (keys.size() == 1 ? " is" : " are")
                + " grpc; set http/protobuf instead, and the endpoint to the collector's OTLP/HTTP port, usually 4318";
    }

    /**
     * The settings of {@code signal} ({@code traces}, {@code metrics} or {@code logs}); the key
     * that asks for gRPC, if any, is added to {@code grpcKeys} (said in one line for all signals).
     */
    static ExportConfig.Signal read(Settings settings, String signal, boolean otlp, boolean console, boolean prometheus,
                                    List<String> grpcKeys) {
        boolean quiet = settings.quiet(!otlp || settings.quiet());
        try {
            if (otlp) checkProtocol(settings, signal, grpcKeys);
            URL endpoint = endpoint(settings, signal);
            Map<String, String> headers = headers(settings, signal);
            String compressionKey = key(settings, signal, "compression");
            String compression = compressionKey == null ? "none" : settings.get(compressionKey);
            if (!compression.equals("gzip") && !compression.equals("none")) {
                settings.problem(Settings.name(compressionKey) + " is " + compression + ": expected gzip or none");
            }
            String timeoutKey = key(settings, signal, "timeout");
            long timeout = timeoutKey == null ? DEFAULT_TIMEOUT_MILLIS
                    : settings.millis(timeoutKey, DEFAULT_TIMEOUT_MILLIS, false, true);
            String certificate = path(settings, key(settings, signal, "certificate"));
            String clientKeyKey = key(settings, signal, "client.key");
            String clientCertificateKey = key(settings, signal, "client.certificate");
            String clientKey = null;
            String clientCertificate = null;
            if ((clientKeyKey == null) != (clientCertificateKey == null)) {
                String set = clientKeyKey != null ? clientKeyKey : clientCertificateKey;
                String missing = clientKeyKey != null ? set.replace("client.key", "client.certificate")
                        : set.replace("client.certificate", "client.key");
                settings.problem(Settings.name(set) + " is set but not " + Settings.name(missing)
                        + ": a client key and a client certificate go together");
            } else {
                clientKey = path(settings, clientKeyKey);
                clientCertificate = path(settings, clientCertificateKey);
            }
            return new ExportConfig.Signal(signal, otlp, console, prometheus, endpoint, headers, timeout,
                    compression.equals("gzip"), certificate, clientKey, clientCertificate);
        } finally {
            settings.quiet(quiet);
        }
    }

    /** The signal's own key when set, else the general one when set, else null. */
    private static String key(Settings settings, String signal, String suffix) {
        return settings.key("otel.exporter.otlp." + signal + "." + suffix, "otel.exporter.otlp." + suffix);
    }

    private static void checkProtocol(Settings settings, String signal, List<String> grpcKeys) {
        String key = key(settings, signal, PROTOCOL);
        if (key == null) return; // http/protobuf, portwatch's default and the specification's
        String protocol = settings.get(key);
        if (protocol.equals(GRPC)) {
            if (!grpcKeys.contains(key)) grpcKeys.add(key);
        } else if (!protocol.equals(HTTP_PROTOBUF)) {
            settings.problem(Settings.name(key) + " is " + protocol + ": portwatch sends OTLP as " + HTTP_PROTOBUF
                    + " only; set " + HTTP_PROTOBUF + ", and the endpoint to the collector's OTLP/HTTP port, usually 4318");
        }
    }

    /**
     * The signal's own endpoint as it is (a missing path made {@code /}, as the SDK does), else
     * the general one with {@code v1/<signal>} appended to its path, else the collector on this
     * host; null when the one configured is no URL the exporter can use (a problem).
     */
    private static URL endpoint(Settings settings, String signal) {
        String own = "otel.exporter.otlp." + signal + ".endpoint";
        String general = "otel.exporter.otlp.endpoint";
        String key = settings.key(own, general);
        if (key == null) return url("http://localhost:4318/v1/" + signal);
        URL url = validUrl(settings, key);
        if (url == null) return null;
        String path = url.getPath();
        if (key.equals(own)) {
            if (!path.isEmpty()) return url;
            path = "/";
        } else {
            path = (path.endsWith("/") ? path : path + "/") + "v1/" + signal;
        }
        try {
            return new URL(url, path);
        } catch (MalformedURLException e) {
            settings.problem(Settings.name(key) + " is " + settings.get(key) + ": " + e.getMessage());
            return null;
        }
    }

    private static URL validUrl(Settings settings, String key) {
        String value = settings.get(key);
        URL url;
        try {
            url = new URL(value);
        } catch (MalformedURLException e) {
            settings.problem(Settings.name(key) + " is " + value + ": expected a URL, such as http://collector:4318");
            return null;
        }
        String why = null;
        if (!url.getProtocol().equals("http") && !url.getProtocol().equals("https")) {
            why = "expected an http:// or https:// URL";
        } else if (url.getQuery() != null) {
            why = "an OTLP endpoint has no query string";
        } else if (url.getRef() != null) {
            why = "an OTLP endpoint has no fragment";
        }
        if (why != null) {
            settings.problem(Settings.name(key) + " is " + value + ": " + why);
            return null;
        }
        if (url.getPort() == 4317) {
            settings.note(Settings.name(key) + " is " + value + ": port 4317 is usually the collector's OTLP/gRPC port;"
                    + " portwatch sends OTLP/HTTP, usually to port 4318");
        }
        return url;
    }

    /**
     * The signal's own headers when it has any, else the general ones: the SDK does not merge
     * the two lists, a signal's own replaces the general one.
     */
    private static Map<String, String> headers(Settings settings, String signal) {
        String key = "otel.exporter.otlp." + signal + ".headers";
        Map<String, String> encoded = settings.map(key, true);
        if (encoded.isEmpty()) {
            key = "otel.exporter.otlp.headers";
            encoded = settings.map(key, true);
        }
        if (encoded.isEmpty()) return Collections.emptyMap();
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : encoded.entrySet()) {
            String value = Settings.decodeHeader(e.getValue());
            if (value == null) {
                settings.problem(Settings.name(key) + ": the value of header " + e.getKey() + " has a % that is not"
                        + " followed by two hex digits (percent-encoding, as in %20 for a space)");
            } else {
                headers.put(e.getKey(), value);
            }
        }
        return Collections.unmodifiableMap(headers);
    }

    /** The path {@code key} names, which must exist (the SDK reads it as it starts); null when unset. */
    private static String path(Settings settings, String key) {
        if (key == null) return null;
        String path = settings.get(key);
        if (!settings.quiet() && !new File(path).exists()) {
            settings.problem(Settings.name(key) + " is " + path + ": no such file");
        }
        return path;
    }

    private static URL url(String spec) {
        try {
            return new URL(spec);
        } catch (MalformedURLException e) {
            throw new IllegalStateException(spec, e);
        }
    }
}
