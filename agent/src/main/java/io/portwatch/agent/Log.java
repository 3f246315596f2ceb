package io.portwatch.agent;

import java.util.function.Consumer;

/**
 * The agent's voice: single lines on stderr, each starting with {@code [portwatch]}, so they can be
 * told from the application's own output and grepped for. Nothing here throws.
 *
 * <p>Each kind of line is also a {@code Consumer<String>}, for the agent's parts that take one.
 * Not {@code Log::error}: every method reference is a class the JVM spins at its first use, and
 * the agent's start is where most of them would run.
 */
public final class Log {

    public static final Consumer<String> INFO = new Lines("[portwatch] ", false);
    public static final Consumer<String> WARN = new Lines("[portwatch] WARN ", false);
    public static final Consumer<String> ERROR = new Lines("[portwatch] ERROR ", false);
    /** Printed only with {@code debug=true}. */
    public static final Consumer<String> DEBUG = new Lines("[portwatch] DEBUG ", true);

    private static volatile boolean debug;

    private Log() {}

    static void debug(boolean on) {
        debug = on;
    }

    public static void info(String message) {
        INFO.accept(message);
    }

    public static void warn(String message) {
        WARN.accept(message);
    }

    public static void error(String message) {
        ERROR.accept(message);
    }

    public static void debug(String message) {
        DEBUG.accept(message);
    }

    private static final class Lines implements Consumer<String> {
        private final String prefix;
        private final boolean debugOnly;

        Lines(String prefix, boolean debugOnly) {
            this.prefix = prefix;
            this.debugOnly = debugOnly;
        }

        @Override
        public void accept(String message) {
            if (debugOnly && !debug) return;
            try {
                System.err.println(prefix + message);
            } catch (Throwable ignored) {
                // stderr closed or broken: nothing better to do
            }
        }
    }
}
