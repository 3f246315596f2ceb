package io.portwatch.kernel;

/**
 * The sysctls under {@code /proc/sys/net/ipv4} that decide a host's port budget, as one immutable
 * value. All are per network namespace ({@code Documentation/networking/ip-sysctl.rst}). A file that does not exist is {@link #ABSENT},
 * which is not the same as 0: {@code tcp_tw_recycle} absent means a kernel of 4.12 or later
 * (removed, commit 4396e46187ca); {@code tcp_tw_reuse_delay} absent means a kernel before 6.14.
 *
 * <p>Built by {@link ProcFs#sysctls()}, or in tests from {@link #linuxDefaults()} and the
 * {@code with...} methods.
 */
public final class Sysctls {

    public static final int ABSENT = -1;
    /** What the kernel does when {@code tcp_tw_reuse_delay} does not exist: "more than one second". */
    public static final int DEFAULT_TW_REUSE_DELAY_MS = 1000;

    private final int portLow;
    private final int portHigh;
    private final PortRanges reservedPorts;
    private final int twReuse;
    private final int twReuseDelayMs;
    private final int timestamps;
    private final int maxTwBuckets;
    private final int finTimeout;
    private final int twRecycle;

    public Sysctls(int portLow, int portHigh, PortRanges reservedPorts, int twReuse, int twReuseDelayMs,
                   int timestamps, int maxTwBuckets, int finTimeout, int twRecycle) {
        this.portLow = portLow;
        this.portHigh = portHigh;
        this.reservedPorts = reservedPorts == null ? PortRanges.EMPTY : reservedPorts;
        this.twReuse = twReuse;
        this.twReuseDelayMs = twReuseDelayMs;
        this.timestamps = timestamps;
        this.maxTwBuckets = maxTwBuckets;
        this.finTimeout = finTimeout;
        this.twRecycle = twRecycle;
    }

    /**
     * A Linux 6.x default namespace: ports 32768-60999, none reserved, {@code tcp_tw_reuse=2},
     * delay 1000 ms, {@code tcp_timestamps=1}, {@code tcp_max_tw_buckets=131072} (it depends on
     * memory), {@code tcp_fin_timeout=60}, no {@code tcp_tw_recycle}.
     */
    public static Sysctls linuxDefaults() {
        return new Sysctls(32768, 60999, PortRanges.EMPTY, 2, 1000, 1, 131072, 60, ABSENT);
    }

    /** The ephemeral range is absent only when both bounds are. */
    public Sysctls withPortRange(int low, int high) {
        return new Sysctls(low, high, reservedPorts, twReuse, twReuseDelayMs, timestamps, maxTwBuckets,
            finTimeout, twRecycle);
    }

    public Sysctls withReservedPorts(PortRanges reserved) {
        return new Sysctls(portLow, portHigh, reserved, twReuse, twReuseDelayMs, timestamps, maxTwBuckets,
            finTimeout, twRecycle);
    }

    public Sysctls withTwReuse(int v) {
        return new Sysctls(portLow, portHigh, reservedPorts, v, twReuseDelayMs, timestamps, maxTwBuckets,
            finTimeout, twRecycle);
    }

    public Sysctls withTwReuseDelayMs(int v) {
        return new Sysctls(portLow, portHigh, reservedPorts, twReuse, v, timestamps, maxTwBuckets,
            finTimeout, twRecycle);
    }

    public Sysctls withTimestamps(int v) {
        return new Sysctls(portLow, portHigh, reservedPorts, twReuse, twReuseDelayMs, v, maxTwBuckets,
            finTimeout, twRecycle);
    }

    public Sysctls withMaxTwBuckets(int v) {
        return new Sysctls(portLow, portHigh, reservedPorts, twReuse, twReuseDelayMs, timestamps, v,
            finTimeout, twRecycle);
    }

    public Sysctls withFinTimeout(int v) {
        return new Sysctls(portLow, portHigh, reservedPorts, twReuse, twReuseDelayMs, timestamps,
            maxTwBuckets, v, twRecycle);
    }

    public Sysctls withTwRecycle(int v) {
        return new Sysctls(portLow, portHigh, reservedPorts, twReuse, twReuseDelayMs, timestamps,
            maxTwBuckets, finTimeout, v);
    }

    /** {@code ip_local_port_range} low bound, or ABSENT. */
    public int portLow() {
        return portLow;
    }

    /** {@code ip_local_port_range} high bound, or ABSENT. */
    public int portHigh() {
        return portHigh;
    }

    public boolean hasPortRange() {
        return portLow != ABSENT && portHigh != ABSENT && portLow <= portHigh;
    }

    /** {@code ip_local_reserved_ports}; empty when absent. */
    public PortRanges reservedPorts() {
        return reservedPorts;
    }

    /** {@code tcp_tw_reuse}: 0 off, 1 on, 2 loopback only; or ABSENT. */
    public int twReuse() {
        return twReuse;
    }

    /** {@code tcp_tw_reuse_delay} in ms, or ABSENT (kernels before 6.14). */
    public int twReuseDelayMs() {
        return twReuseDelayMs;
    }

    /** The delay in force: the sysctl, or 1000 ms when it does not exist. */
    public int effectiveTwReuseDelayMs() {
        return twReuseDelayMs == ABSENT ? DEFAULT_TW_REUSE_DELAY_MS : twReuseDelayMs;
    }

    /** {@code tcp_timestamps}: 0 off, 1 on with random offsets, 2 on without; or ABSENT. */
    public int timestamps() {
        return timestamps;
    }

    /** {@code tcp_max_tw_buckets}, or ABSENT. */
    public int maxTwBuckets() {
        return maxTwBuckets;
    }

    /** {@code tcp_fin_timeout} in seconds, or ABSENT. */
    public int finTimeout() {
        return finTimeout;
    }

    /** {@code tcp_tw_recycle}, or ABSENT (always, since Linux 4.12). */
    public int twRecycle() {
        return twRecycle;
    }

    @Override
    public String toString() {
        return "ip_local_port_range=" + show(portLow) + '-' + show(portHigh)
            + " ip_local_reserved_ports=" + reservedPorts + " tcp_tw_reuse=" + show(twReuse)
            + " tcp_tw_reuse_delay=" + show(twReuseDelayMs) + " tcp_timestamps=" + show(timestamps)
            + " tcp_max_tw_buckets=" + show(maxTwBuckets) + " tcp_fin_timeout=" + show(finTimeout)
            + " tcp_tw_recycle=" + show(twRecycle);
    }

    /** The value, or {@code absent}. */
    public static String show(int v) {
        return v == ABSENT ? "absent" : Integer.toString(v);
    }
}
