package io.portwatch.kernel;

import java.util.Arrays;

/**
 * A set of ports written the way {@code ip_local_reserved_ports} writes it: {@code 1000-1100,2000}.
 * Sorted, merged, immutable.
 */
public final class PortRanges {

    public static final PortRanges EMPTY = new PortRanges(new int[0], new int[0]);

    private final int[] lows;
    private final int[] highs;

    private PortRanges(int[] lows, int[] highs) {
        this.lows = lows;
        this.highs = highs;
    }

    /** Parses {@code 1000-1100,2000}; blanks give {@link #EMPTY}, items that are not ports are skipped. */
    public static PortRanges parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            return EMPTY;
        }
        String[] items = t.split("[,\\s]+");
        int[][] ranges = new int[items.length][];
        int n = 0;
        for (String item : items) {
            int dash = item.indexOf('-');
            int lo = port(dash < 0 ? item : item.substring(0, dash));
            int hi = dash < 0 ? lo : port(item.substring(dash + 1));
            if (lo >= 0 && hi >= lo) {
                ranges[n++] = new int[] {lo, hi};
            }
        }
        return of(Arrays.copyOf(ranges, n));
    }

    /** Builds a set from {low, high} pairs, in any order, overlapping or not. */
    public static PortRanges of(int[]... ranges) {
        int[][] sorted = ranges.clone();
        Arrays.sort(sorted, (a, b) -> Integer.compare(a[0], b[0]));
        int[] lows = new int[sorted.length];
        int[] highs = new int[sorted.length];
        int n = 0;
        for (int[] r : sorted) {
            if (n > 0 && r[0] <= highs[n - 1] + 1) {
                highs[n - 1] = Math.max(highs[n - 1], r[1]);
            } else {
                lows[n] = r[0];
                highs[n] = r[1];
                n++;
            }
        }
        return n == 0 ? EMPTY : new PortRanges(Arrays.copyOf(lows, n), Arrays.copyOf(highs, n));
    }

    public boolean isEmpty() {
        return lows.length == 0;
    }

    public boolean contains(int port) {
        for (int i = 0; i < lows.length && lows[i] <= port; i++) {
            if (port <= highs[i]) {
                return true;
            }
        }
        return false;
    }

    /** How many ports of the set lie within [low, high]. */
    public int countWithin(int low, int high) {
        int count = 0;
        for (int i = 0; i < lows.length; i++) {
            int a = Math.max(lows[i], low);
            int b = Math.min(highs[i], high);
            if (a <= b) {
                count += b - a + 1;
            }
        }
        return count;
    }

    private static int port(String s) {
        try {
            int p = Integer.parseInt(s);
            return p >= 0 && p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The kernel's own notation, e.g. {@code 1000-1100,2000}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lows.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(lows[i]);
            if (highs[i] != lows[i]) {
                sb.append('-').append(highs[i]);
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PortRanges && Arrays.equals(lows, ((PortRanges) o).lows)
            && Arrays.equals(highs, ((PortRanges) o).highs);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(lows) + Arrays.hashCode(highs);
    }
}
