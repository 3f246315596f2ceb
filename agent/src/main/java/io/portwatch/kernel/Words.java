package io.portwatch.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * A line's words, as {@code line.trim().split("\\s+")} gives them, without {@code java.util.regex}:
 * the kernel's counter files ({@code /proc/net/netstat}'s few hundred columns, a line per CPU in
 * the connection-tracking statistics) are split at every table read, and through a regular
 * expression that was a good part of what a read allocated, and code the JIT compiled in the
 * agent's first seconds.
 */
final class Words {

    private Words() {}

    static String[] of(String line) {
        String t = line.trim();
        if (t.isEmpty()) return new String[] {""};
        List<String> words = new ArrayList<>();
        int n = t.length();
        int start = 0;
        while (start < n) {
            int end = start;
            while (end < n && !isSpace(t.charAt(end))) end++;
            words.add(t.substring(start, end));
            start = end;
            while (start < n && isSpace(t.charAt(start))) start++;
        }
        return words.toArray(new String[0]);
    }

    /** {@code \s}: space, tab, newline, vertical tab, form feed, carriage return. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }
}
