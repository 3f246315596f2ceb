package io.portwatch.api;

import java.util.Locale;

/**
 * A host as text, made comparable without resolving anything: brackets removed, lower case, and
 * an IPv6 literal in the form the JDK prints it ({@code Inet6Address.getHostAddress()}: eight
 * groups, no leading zeros, no {@code ::}), so that {@code [::1]} in a pattern meets the
 * {@code 0:0:0:0:0:0:0:1} the agent reports. Parsed here rather than by {@code InetAddress}: text
 * that is not a literal would make it look the name up, and a budget must never cause a lookup.
 */
final class HostText {

    private HostText() {}

    /** The comparable form of {@code host}; text that is not an IPv6 literal is only lower-cased. */
    static String normal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        h = h.toLowerCase(Locale.ROOT);
        if (h.indexOf(':') < 0) {
            return h;
        }
        int percent = h.indexOf('%');
        String scope = percent < 0 ? "" : h.substring(percent);
        int[] groups = ipv6Groups(percent < 0 ? h : h.substring(0, percent));
        if (groups == null) {
            return h;
        }
        if (scope.isEmpty() && isV4Mapped(groups)) {
            // The JDK turns ::ffff:a.b.c.d into an Inet4Address: the agent reports it as a.b.c.d.
            return (groups[6] >> 8) + "." + (groups[6] & 0xff) + "." + (groups[7] >> 8) + "." + (groups[7] & 0xff);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            out.append(i == 0 ? "" : ":").append(Integer.toHexString(groups[i]));
        }
        return out.append(scope).toString();
    }

    private static boolean isV4Mapped(int[] g) {
        return g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff;
    }

    /** The eight 16-bit groups of an IPv6 literal (with {@code ::} and a dotted IPv4 tail), or null. */
    private static int[] ipv6Groups(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String[] head = gap < 0 ? text.split(":", -1) : split(text.substring(0, gap));
        String[] tail = gap < 0 ? new String[0] : split(text.substring(gap + 2));
        int[] h = groups(head);
        int[] t = groups(tail);
        if (h == null || t == null || h.length + t.length > (gap < 0 ? 8 : 7) || (gap < 0 && h.length != 8)) {
            return null;
        }
        int[] all = new int[8];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(t, 0, all, 8 - t.length, t.length);
        return all;
    }

    private static String[] split(String part) {
        return part.isEmpty() ? new String[0] : part.split(":", -1);
    }

    /** Hex groups; the last may be a dotted IPv4 address, which counts as two. Null when malformed. */
    private static int[] groups(String[] parts) {
        int n = parts.length;
        boolean dotted = n > 0 && parts[n - 1].indexOf('.') >= 0;
        int[] out = new int[dotted ? n + 1 : n];
        for (int i = 0; i < n; i++) {
            String p = parts[i];
            if (dotted && i == n - 1) {
                int[] v4 = v4(p);
                if (v4 == null) return null;
                out[i] = (v4[0] << 8) | v4[1];
                out[i + 1] = (v4[2] << 8) | v4[3];
            } else {
                if (p.isEmpty() || p.length() > 4 || !p.chars().allMatch(HostText::isHexDigit)) return null;
                out[i] = Integer.parseInt(p, 16);
            }
        }
        return out;
    }

    private static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }

    private static int[] v4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) return null;
        int[] out = new int[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) return null;
            out[i] = Integer.parseInt(p);
            if (out[i] > 255) return null;
        }
        return out;
    }
}
