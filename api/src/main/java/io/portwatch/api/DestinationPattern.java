package io.portwatch.api;

/**
 * Which destinations a budget covers: {@code host:port}, where either part may be {@code *}, or
 * {@code *} alone for every destination: {@code *:3306}, {@code 127.0.0.1:3306},
 * {@code db.example.com:*}, {@code [::1]:5432}. The host is compared with both the host as the
 * application named it (the name given to {@code new Socket} or {@code InetSocketAddress}, the
 * host of a JDBC URL) and the address it connected to: {@code localhost:5432} and
 * {@code 127.0.0.1:5432} both cover a connection the application opened to {@code localhost}.
 * Nothing is resolved and nothing is looked up in reverse, so a name covers only connections the
 * application opened by that name, not those it opened by address. Case is ignored, and IPv6
 * literals compare by value ({@code [::1]} is {@code [0:0:0:0:0:0:0:1]}). Immutable.
 */
public final class DestinationPattern {

    private static final String ANY = "*";

    private final String text;
    /** As {@link HostText#normal} makes it; null: any host. */
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
        String host = hostPart.equals(ANY) ? null : HostText.normal(hostPart);
        return new DestinationPattern(p, host, port);
    }

    /** True when {@code destination}, a {@code host:port} text, is covered. */
    public boolean matches(String destination) {
        return coversAll() || (samePort(destination) && sameHost(destination));
    }

    /** True when the destination is covered by the host the application named or by its address. */
    public boolean matches(DestinationTotals destination) {
        return matches(destination.destination()) || matches(destination.address());
    }

    /** Every destination: {@code *}, or {@code *:*}. */
    boolean coversAll() {
        return host == null && port < 0;
    }

    boolean namesPort() {
        return port >= 0;
    }

    /** The port, -1 for any. */
    int port() {
        return port;
    }

    /** Whether {@code destination}'s port is this pattern's (or the pattern takes any port). */
    boolean samePort(String destination) {
        int colon = destination.lastIndexOf(':');
        if (colon < 0) {
            return false;
        }
        if (port < 0) {
            return true;
        }
        try {
            return Integer.parseInt(destination.substring(colon + 1)) == port;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Whether {@code destination}'s host is this pattern's (or the pattern takes any host). */
    boolean sameHost(String destination) {
        int colon = destination.lastIndexOf(':');
        return colon >= 0 && (host == null || host.equals(HostText.normal(destination.substring(0, colon))));
    }

    /** The pattern as written ({@code *} for every destination). */
    @Override
    public String toString() {
        return text;
    }
}
