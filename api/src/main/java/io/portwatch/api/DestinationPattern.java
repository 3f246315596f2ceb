package io.portwatch.api;

import java.util.Locale;

/**
 * Which destinations a budget covers: {@code host:port}, where either part may be {@code *}, or
 * {@code *} alone for every destination. The host is compared with the name or address the
 * application connected to (the host of a JDBC URL, the name given to {@code new Socket}), without
 * resolving anything: {@code *:3306}, {@code 127.0.0.1:3306}, {@code db.example.com:*},
 * {@code [::1]:5432}. Immutable.
 */
public final class DestinationPattern {

    private static final String ANY = "*";

    private final String text;
    /** Lower case, brackets removed; null: any host. */
    private final String host;
    /** -1: any port. */
    private final int port;

    private DestinationPattern(String text, String host, int port) {
        this.text = text;
        this.host = host;
        this.port = port;
    }

    /** Parses a pattern; throws IllegalArgumentException saying what was expected. */
    public static DestinationPattern parse(String pattern) {
        String p = pattern == null ? "" : pattern.trim();
        if (p.isEmpty() || p.equals(ANY)) {
            return new DestinationPattern(ANY, null, -1);
        }
        int colon = p.lastIndexOf(':');
        if (colon <= 0 || colon == p.length() - 1) {
            throw new IllegalArgumentException("destination '" + pattern
                    + "': expected host:port, host:*, *:port or * (IPv6 in brackets: [::1]:5432)");
        }
        String hostPart = p.substring(0, colon);
        String portPart = p.substring(colon + 1);
        if (hostPart.indexOf(':') >= 0 && !(hostPart.startsWith("[") && hostPart.endsWith("]"))) {
            throw new IllegalArgumentException("destination '" + pattern + "': an IPv6 host goes in brackets, e.g. [::1]:5432");
        }
        int port = -1;
        if (!portPart.equals(ANY)) {
            try {
                port = Integer.parseInt(portPart);
            } catch (NumberFormatException e) {
                port = -2;
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("destination '" + pattern + "': port '" + portPart
                        + "' is neither * nor a number from 0 to 65535");
            }
        }
        String host = hostPart.equals(ANY) ? null : normalHost(hostPart);
        return new DestinationPattern(p, host, port);
    }

    /** True when {@code destination}, as the agent names it ({@code host:port}), is covered. */
    public boolean matches(String destination) {
        int colon = destination.lastIndexOf(':');
        if (colon < 0) {
            return false;
        }
        if (port >= 0) {
            int p;
            try {
                p = Integer.parseInt(destination.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
            if (p != port) {
                return false;
            }
        }
        return host == null || host.equals(normalHost(destination.substring(0, colon)));
    }

    private static String normalHost(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.toLowerCase(Locale.ROOT);
    }

    /** The pattern as written ({@code *} for every destination). */
    @Override
    public String toString() {
        return text;
    }
}
