package io.portwatch.host;

/**
 * How many of this JVM's closes toward one destination left a TIME_WAIT here within the last 60 s
 * ({@code TCP_TIMEWAIT_LEN}): those of the destination's TIME_WAIT rows that are this JVM's, since a
 * TIME_WAIT row has no owner left in the kernel's tables. One counter per second of the last
 * minute: the same few hundred bytes whatever the rate. An upper bound: a TIME_WAIT reused by {@code connect()}, or
 * destroyed past {@code tcp_max_tw_buckets}, leaves the tables before its 60 s; the caller caps it
 * by the rows counted. Not thread-safe.
 */
final class RecentTimeWaits {

    private static final int SECONDS = 60;
    private final int[] counts = new int[SECONDS];
    /** The second each slot counts; a slot from another minute is stale. */
    private final long[] seconds = new long[SECONDS];

    RecentTimeWaits() {
        java.util.Arrays.fill(seconds, Long.MIN_VALUE);
    }

    /** A close at {@code nanos} ({@link System#nanoTime()}) left a TIME_WAIT here. */
    void add(long nanos) {
        long s = Math.floorDiv(nanos, 1_000_000_000L);
        int i = (int) Math.floorMod(s, (long) SECONDS);
        if (seconds[i] != s) {
            seconds[i] = s;
            counts[i] = 0;
        }
        counts[i]++;
    }

    /** Those added within the 60 s before {@code now}. */
    int within(long now) {
        long s = Math.floorDiv(now, 1_000_000_000L);
        int sum = 0;
        for (int i = 0; i < SECONDS; i++) {
            if (seconds[i] > s - SECONDS && seconds[i] <= s) sum += counts[i];
        }
        return sum;
    }
}
