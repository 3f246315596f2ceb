package io.portwatch.budget;

import io.portwatch.kernel.Sysctls;

/**
 * Whether {@code connect()} can take over a TIME_WAIT port toward one destination, and why.
 *
 * <p>From the kernel ({@code net/ipv4/tcp_ipv4.c}, {@code Documentation/networking/ip-sysctl.rst}): {@code tcp_twsk_unique()} reuses a TIME_WAIT
 * 4-tuple only when {@code tcp_tw_reuse} covers the traffic (1 all, 2 loopback only, 0 none),
 * TCP timestamps were negotiated ({@code tcp_timestamps=0} disables reuse silently: the founding
 * incident), and {@code tcp_tw_reuse_delay} ms (default 1000; before kernel 6.14 "more than one
 * second") have passed since the TIME_WAIT socket's last timestamp. A verdict of "effective"
 * assumes the peer offers timestamps too, which this host cannot see from its sysctls.
 */
public final class ReuseVerdict {

    /** What stops reuse, as {@link #blockedBy()} says it. */
    public static final String NONE = "none";
    public static final String TW_REUSE = "tcp_tw_reuse";
    public static final String TIMESTAMPS = "tcp_timestamps";
    public static final String BIND = "bind_before_connect";

    private final boolean effective;
    private final int delayMillis;
    private final String blockedBy;
    private final String reason;
    private final String fix;

    private ReuseVerdict(boolean effective, int delayMillis, String blockedBy, String reason, String fix) {
        this.effective = effective;
        this.delayMillis = delayMillis;
        this.blockedBy = blockedBy;
        this.reason = reason;
        this.fix = fix;
    }

    /**
     * @param loopback whether the destination is 127.0.0.0/8 or {@code ::1}
     *     ({@link Destination#isLoopback()})
     */
    public static ReuseVerdict evaluate(Sysctls s, boolean loopback) {
        int reuse = s.twReuse() == Sysctls.ABSENT ? 0 : s.twReuse();
        int delay = s.effectiveTwReuseDelayMs();
        if (reuse == 0) {
            return new ReuseVerdict(false, delay, TW_REUSE,
                "tcp_tw_reuse=" + Sysctls.show(s.twReuse()) + ": connect() never reuses a TIME_WAIT port, "
                    + "so each one stays taken for the full 60 s",
                "set net.ipv4.tcp_tw_reuse=1 (outgoing connections only; keep tcp_timestamps on)");
        }
        if (reuse == 2 && !loopback) {
            boolean noTimestamps = s.timestamps() == 0;
            return new ReuseVerdict(false, delay, TW_REUSE,
                "tcp_tw_reuse=2 reuses TIME_WAIT ports toward loopback only, and this destination is not loopback"
                    + (noTimestamps ? " (and tcp_timestamps=0 would disable reuse anyway)" : ""),
                "set net.ipv4.tcp_tw_reuse=1" + (noTimestamps ? " and net.ipv4.tcp_timestamps=1" : ""));
        }
        if (s.timestamps() == 0) {
            return new ReuseVerdict(false, delay, TIMESTAMPS,
                "tcp_tw_reuse=" + reuse + " is ineffective because tcp_timestamps=0: reuse needs TCP timestamps"
                    + " negotiated on the connection, so every TIME_WAIT port stays taken for 60 s",
                "set net.ipv4.tcp_timestamps=1");
        }
        return new ReuseVerdict(true, delay, NONE,
            "tcp_tw_reuse=" + reuse + (reuse == 2 ? " (loopback)" : "") + " with tcp_timestamps="
                + Sysctls.show(s.timestamps()) + ": a TIME_WAIT port can be reused after "
                + (s.twReuseDelayMs() == Sysctls.ABSENT ? "about 1 s (no tcp_tw_reuse_delay: kernel before 6.14)"
                    : "tcp_tw_reuse_delay=" + delay + " ms")
                + ", if the peer negotiates timestamps too",
            "");
    }

    /** Sockets bound before connect: their port comes from bind(), which never takes a TIME_WAIT port. */
    public static ReuseVerdict boundBeforeConnect() {
        return new ReuseVerdict(false, 0, BIND, "bind() before connect() never takes a port held in TIME_WAIT,"
            + " whatever tcp_tw_reuse says", "let connect() pick the port");
    }

    public boolean effective() {
        return effective;
    }

    /** How long after its last timestamp a TIME_WAIT port can be reused, when effective. */
    public int delayMillis() {
        return delayMillis;
    }

    /**
     * The one setting or practice that stops reuse ({@link #TW_REUSE}, {@link #TIMESTAMPS},
     * {@link #BIND}), or {@link #NONE}: a few fixed words, fit for a metric attribute.
     */
    public String blockedBy() {
        return blockedBy;
    }

    public String reason() {
        return reason;
    }

    /** What to change; empty when reuse is effective. */
    public String fix() {
        return fix;
    }

    @Override
    public String toString() {
        return (effective ? "reuse effective: " : "reuse ineffective: ") + reason;
    }
}
