package io.portwatch.agent;

/**
 * The agent's voice: single lines on stderr, each starting with {@code [portwatch]}, so they can be
 * told from the application's own output and grepped for. Nothing here throws.
 */
public final class Log {

    private static volatile boolean debug;

    private Log() {}

    static void debug(boolean on) {
        debug = on;
    }

    public static void info(String message) {
        print("[portwatch] " + message);
    }

    public static void warn(String message) {
        print("[portwatch] WARN " + message);
    }

    public static void error(String message) {
        print("[portwatch] ERROR " + message);
    }

    public static void debug(String message) {
        if (debug) {
            print("[portwatch] DEBUG " + message);
        }
    }

    private static void print(String line) {
        try {
            System.err.println(line);
        } catch (Throwable ignored) {
            // stderr closed or broken: nothing better to do
        }
    }
}
