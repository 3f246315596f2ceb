package io.portwatch.kernel;

/**
 * The netfilter connection-tracking table of this network namespace, where it is loaded:
 * {@code /proc/sys/net/netfilter/nf_conntrack_count} (entries now, this namespace's),
 * {@code nf_conntrack_max} (the limit; one for the whole host on recent kernels, read-only outside
 * the initial namespace), and from {@code /proc/net/stat/nf_conntrack} (one line per CPU, hex) the
 * packets dropped because the table was full ({@code drop}), the entries evicted early to make room
 * ({@code early_drop}) and the inserts that failed ({@code insert_failed}), summed over the CPUs.
 * Every connection holds an entry, TIME_WAIT ones included (120 s by default,
 * {@code nf_conntrack_tcp_timeout_time_wait}); a full table drops new connections' packets, so
 * {@code connect()} times out rather than failing with EADDRNOTAVAIL. Immutable.
 */
public final class Conntrack {

    public static final long ABSENT = -1;

    public final long count;
    public final long max;
    /** Summed over CPUs since the namespace began; {@link #ABSENT} when the stat file is missing or unparsable. */
    public final long drops;
    public final long earlyDrops;
    public final long insertFailed;

    public Conntrack(long count, long max, long drops, long earlyDrops, long insertFailed) {
        this.count = count;
        this.max = max;
        this.drops = drops;
        this.earlyDrops = earlyDrops;
        this.insertFailed = insertFailed;
    }

    /**
     * From the files' text: {@code count} and {@code max} (each one number), {@code stat} the
     * per-CPU table or null. Null when count or max is missing or not a number: not loaded.
     */
    public static Conntrack parse(String count, String max, String stat) {
        long c = number(count);
        long m = number(max);
        if (c < 0 || m < 0) return null;
        long[] sums = stat == null ? null : sums(stat, "drop", "early_drop", "insert_failed");
        return sums == null ? new Conntrack(c, m, ABSENT, ABSENT, ABSENT)
                : new Conntrack(c, m, sums[0], sums[1], sums[2]);
    }

    /** The share of the table in use, 0 to 1 (more when the count overshoots); 0 when the limit is 0 or unknown. */
    public double share() {
        return max <= 0 ? 0 : (double) count / max;
    }

    /** Packets dropped or entries evicted because the table was full; {@link #ABSENT} when not known. */
    public long fullDrops() {
        return drops < 0 || earlyDrops < 0 ? ABSENT : drops + earlyDrops;
    }

    /** The named columns summed over the CPU lines; null when a column is missing or a value is not hex. */
    private static long[] sums(String stat, String... columns) {
        String[] lines = stat.trim().split("\n");
        if (lines.length < 2) return null;
        String[] header = Words.of(lines[0]);
        int[] at = new int[columns.length];
        for (int k = 0; k < columns.length; k++) {
            at[k] = java.util.Arrays.asList(header).indexOf(columns[k]);
            if (at[k] < 0) return null;
        }
        long[] out = new long[columns.length];
        for (int i = 1; i < lines.length; i++) {
            String[] v = Words.of(lines[i]);
            if (v.length != header.length) return null;
            for (int k = 0; k < columns.length; k++) {
                try {
                    out[k] += Long.parseLong(v[at[k]], 16);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return out;
    }

    private static long number(String text) {
        if (text == null) return ABSENT;
        try {
            long v = Long.parseLong(text.trim());
            return v < 0 ? ABSENT : v;
        } catch (NumberFormatException e) {
            return ABSENT;
        }
    }

    @Override
    public String toString() {
        return "conntrack " + count + "/" + max + " drops=" + drops + " early_drop=" + earlyDrops
                + " insert_failed=" + insertFailed;
    }
}
