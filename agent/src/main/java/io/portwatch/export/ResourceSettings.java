package io.portwatch.export;

import io.portwatch.otlp.OtlpAttributes;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The resource every export carries, built as the SDK's autoconfiguration builds it: the SDK's
 * own attributes ({@code telemetry.sdk.*}, here portwatch's), a {@code service.instance.id} made
 * up once per JVM, then {@code OTEL_RESOURCE_ATTRIBUTES} over them, then
 * {@code OTEL_SERVICE_NAME}, and {@code OTEL_RESOURCE_DISABLED_KEYS} taken out last. Where the SDK
 * would say {@code unknown_service:java}, the service is named after the application's main class
 * or jar, which is far more useful in a trace viewer.
 */
final class ResourceSettings {

    static final String ATTRIBUTES = "otel.resource.attributes";
    static final String SERVICE_NAME = "otel.service.name";
    static final String DISABLED_KEYS = "otel.resource.disabled.keys";

    /** One per JVM, as the SDK's, so that every export of this process names the same instance. */
    private static String instanceId;

    private ResourceSettings() {}

    static OtlpAttributes resource(Settings settings) {
        Map<String, String> attributes = settings.map(ATTRIBUTES, false);
        OtlpAttributes.Builder b = OtlpAttributes.builder();
        // Put first, so that it comes first; replaced in place below when configured.
        b.put("service.name", "");
        b.put("telemetry.sdk.language", "java");
        b.put("telemetry.sdk.name", "portwatch");
        b.put("telemetry.sdk.version", version());
        b.put("service.instance.id", instanceId());
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            b.put(e.getKey(), Settings.decodeAttribute(e.getValue()));
        }
        String serviceName = settings.get(SERVICE_NAME);
        if (serviceName != null) {
            b.put("service.name", serviceName);
        } else if (!attributes.containsKey("service.name")) {
            b.put("service.name", guessServiceName(System.getProperty("sun.java.command")));
        }
        return withoutKeys(b.build(), settings.list(DISABLED_KEYS));
    }

    private static OtlpAttributes withoutKeys(OtlpAttributes attributes, List<String> disabled) {
        if (disabled.isEmpty()) return attributes;
        Set<String> drop = new HashSet<>(disabled);
        OtlpAttributes.Builder b = OtlpAttributes.builder();
        for (int i = 0; i < attributes.size(); i++) {
            if (!drop.contains(attributes.key(i))) b.put(attributes.key(i), (String) attributes.value(i));
        }
        return b.build();
    }

    private static String version() {
        String v = ResourceSettings.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    /**
     * A random (version 4) UUID. Not {@code UUID.randomUUID()}: its {@code SecureRandom} seeds
     * itself through the JDK's security providers, a few hundred kilobytes of classes in a JVM
     * that may have no other use for them, for an identifier that needs to be unlikely to repeat,
     * not to be unguessable.
     */
    private static synchronized String instanceId() {
        if (instanceId == null) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
            long lsb = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
            instanceId = new UUID(msb, lsb).toString();
        }
        return instanceId;
    }

    /** {@code com.example.Main arg} → {@code Main}; {@code /x/sample-app.jar --mode churn} → {@code sample-app}. */
    static String guessServiceName(String command) {
        String first = firstWord(command);
        if (first.isEmpty()) return "unknown_service:java";
        int slash = Math.max(first.lastIndexOf('/'), first.lastIndexOf('\\'));
        first = first.substring(slash + 1);
        if (first.endsWith(".jar")) return first.substring(0, first.length() - ".jar".length());
        int dot = first.lastIndexOf('.');
        return dot >= 0 && dot < first.length() - 1 ? first.substring(dot + 1) : first;
    }

    private static String firstWord(String command) {
        if (command == null) return "";
        int start = 0;
        int n = command.length();
        while (start < n && Character.isWhitespace(command.charAt(start))) start++;
        int end = start;
        while (end < n && !Character.isWhitespace(command.charAt(end))) end++;
        return command.substring(start, end);
    }
}
