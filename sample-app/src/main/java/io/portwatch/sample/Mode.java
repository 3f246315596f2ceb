package io.portwatch.sample;

import java.util.Locale;

/** How the writers get and give up their database connections. */
public enum Mode {
    /** A new physical connection per write, closed after it: the incident. */
    CHURN("churn"),
    /** A small HikariCP pool: the cure. */
    POOLED("pooled"),
    /** A new physical connection per write, ended with {@code Connection.abort}: no COM_QUIT. */
    ABORT("abort"),
    /** A pool whose connections idle longer than the server's wait_timeout: the server closes first. */
    IDLE_TIMEOUT("idle-timeout");

    private final String cliName;

    Mode(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line and in the table. */
    public String cliName() {
        return cliName;
    }

    /** The mode for a command-line name, or null when there is none. */
    public static Mode fromCliName(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        for (Mode mode : values()) {
            if (mode.cliName.equals(wanted)) {
                return mode;
            }
        }
        return null;
    }

    /** All command-line names, joined with '|'. */
    public static String choices() {
        StringBuilder sb = new StringBuilder();
        for (Mode mode : values()) {
            if (sb.length() > 0) {
                sb.append('|');
            }
            sb.append(mode.cliName);
        }
        return sb.toString();
    }
}
