package io.portwatch.kernel;

import java.util.HashMap;
import java.util.Map;

/**
 * Counters of {@code /proc/net/netstat} (and the same format in {@code /proc/net/snmp}): pairs of
 * lines, a header {@code TcpExt: Name1 Name2 ...} then values {@code TcpExt: 1 2 ...}.
 *
 * <p>The ones portwatch reads (Linux's {@code TcpExt} MIB counters): {@code TcpExt TW} counts TIME_WAIT sockets created (its
 * rate is the creation rate), {@code TWRecycled} reuses, {@code TCPTimeWaitOverflow} TIME_WAIT
 * sockets destroyed at once because {@code tcp_max_tw_buckets} was reached.
 */
public final class Netstat {

    public static final long ABSENT = -1;

    private final Map<String, Long> counters; // "Section.Name" -> value

    private Netstat(Map<String, Long> counters) {
        this.counters = counters;
    }

    /** Parses the file's text; lines that do not pair up are ignored. */
    public static Netstat parse(String text) {
        Map<String, Long> counters = new HashMap<>();
        String[] lines = text.split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            String[] names = Words.of(lines[i]);
            String[] values = Words.of(lines[i + 1]);
            if (names.length < 2 || !names[0].endsWith(":") || !names[0].equals(values[0])
                || names.length != values.length || !isNumber(values[1])) {
                continue;
            }
            String section = names[0].substring(0, names[0].length() - 1);
            for (int k = 1; k < names.length; k++) {
                try {
                    counters.put(section + '.' + names[k], Long.parseLong(values[k]));
                } catch (NumberFormatException ignored) {
                    // an unsigned counter past Long.MAX_VALUE: leave it out
                }
            }
            i++; // the values line is consumed
        }
        return new Netstat(counters);
    }

    /** A counter, e.g. {@code get("TcpExt", "TW")}, or {@link #ABSENT}. */
    public long get(String section, String name) {
        Long v = counters.get(section + '.' + name);
        return v == null ? ABSENT : v;
    }

    /** A {@code TcpExt} counter by name, or {@link #ABSENT}. */
    public long tcpExt(String name) {
        return get("TcpExt", name);
    }

    /** TIME_WAIT sockets created since boot (namespace creation). */
    public long timeWaitCreated() {
        return tcpExt("TW");
    }

    public long timeWaitRecycled() {
        return tcpExt("TWRecycled");
    }

    /** TIME_WAIT sockets destroyed at once because {@code tcp_max_tw_buckets} was full. */
    public long timeWaitOverflow() {
        return tcpExt("TCPTimeWaitOverflow");
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = s.charAt(0) == '-' ? 1 : 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
