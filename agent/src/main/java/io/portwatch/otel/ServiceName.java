package io.portwatch.otel;

/**
 * A service name for spans when none is configured: the application's main class or jar, which
 * is far more useful in Jaeger than {@code unknown_service:java}.
 */
final class ServiceName {

    private ServiceName() {}

    static String guess() {
        return fromCommand(System.getProperty("sun.java.command"));
    }

    /** {@code com.example.Main arg} → {@code Main}; {@code /x/sample-app.jar --mode churn} → {@code sample-app}. */
    static String fromCommand(String command) {
        if (command == null || command.trim().isEmpty()) {
            return "unknown_service:java";
        }
        String first = command.trim().split("\\s+")[0];
        int slash = Math.max(first.lastIndexOf('/'), first.lastIndexOf('\\'));
        first = first.substring(slash + 1);
        if (first.endsWith(".jar")) {
            return first.substring(0, first.length() - ".jar".length());
        }
        int dot = first.lastIndexOf('.');
        return dot >= 0 && dot < first.length() - 1 ? first.substring(dot + 1) : first;
    }
}
