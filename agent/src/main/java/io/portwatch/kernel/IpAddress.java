package io.portwatch.kernel;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Addresses kept as two primitive longs, so that reading and counting table rows allocates nothing.
 *
 * <p>Every address is held in its 128-bit IPv6 form, {@code hi} the first 8 bytes and {@code lo}
 * the last 8, in network (big-endian) order. An IPv4 address {@code a.b.c.d} is held as its
 * IPv4-mapped form {@code ::ffff:a.b.c.d}: the same destination looks the same whether the kernel
 * listed it in {@code /proc/net/tcp} (an IPv4 socket) or in {@code /proc/net/tcp6} (a dual-stack
 * socket, which is what Java clients use by default: measured on JDK 17 and 25).
 */
public final class IpAddress {

    private static final long V4_MAPPED_PREFIX = 0x0000FFFF00000000L;

    private IpAddress() {}

    /**
     * Whether two addresses are the same object or equal ones of one family, without allocating.
     * A driver that resolves its URL's literal host for each connection hands a new, equal
     * address every time, which a test of identity alone would take for a new peer.
     */
    public static boolean same(InetAddress a, InetAddress b) {
        return a == b || (a != null && b != null && a.getClass() == b.getClass() && a.equals(b));
    }

    /** The {@code lo} half for an IPv4 address given as a big-endian int (127.0.0.1 = 0x7F000001). */
    public static long v4Lo(int v4) {
        return V4_MAPPED_PREFIX | (v4 & 0xFFFFFFFFL);
    }

    /**
     * The {@code hi} half of an address given as its bytes ({@link InetAddress#getAddress()}: 4 for
     * IPv4, 16 for IPv6); {@link #toInetAddress} is the way back.
     */
    public static long hi(byte[] address) {
        long h = 0;
        if (address.length == 16) {
            for (int i = 0; i < 8; i++) h = (h << 8) | (address[i] & 0xFF);
        }
        return h;
    }

    /** The {@code lo} half of an address given as its bytes, as for {@link #hi}. */
    public static long lo(byte[] address) {
        if (address.length == 4) {
            return v4Lo(((address[0] & 0xFF) << 24) | ((address[1] & 0xFF) << 16)
                    | ((address[2] & 0xFF) << 8) | (address[3] & 0xFF));
        }
        long l = 0;
        for (int i = 8; i < 16; i++) l = (l << 8) | (address[i] & 0xFF);
        return l;
    }

    /** True when the address is IPv4 (held as {@code ::ffff:a.b.c.d}). */
    public static boolean isV4(long hi, long lo) {
        return hi == 0 && (lo & 0xFFFFFFFF00000000L) == V4_MAPPED_PREFIX;
    }

    /** The IPv4 address as a big-endian int; meaningful only when {@link #isV4} is true. */
    public static int v4(long lo) {
        return (int) lo;
    }

    /** True for 0.0.0.0 and {@code ::}. */
    public static boolean isAny(long hi, long lo) {
        return (hi == 0 && lo == 0) || (isV4(hi, lo) && v4(lo) == 0);
    }

    /** True for 127.0.0.0/8 and {@code ::1}: what {@code tcp_tw_reuse=2} calls loopback. */
    public static boolean isLoopback(long hi, long lo) {
        if (isV4(hi, lo)) {
            return (v4(lo) >>> 24) == 127;
        }
        return hi == 0 && lo == 1;
    }

    /** The address as an {@link InetAddress} (an {@code Inet4Address} for IPv4). Allocates. */
    public static InetAddress toInetAddress(long hi, long lo) {
        try {
            if (isV4(hi, lo)) {
                int a = v4(lo);
                return InetAddress.getByAddress(new byte[] {
                    (byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
            }
            byte[] b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (hi >>> (56 - 8 * i));
                b[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException impossible) { // only thrown for a wrong array length
            throw new AssertionError(impossible);
        }
    }

    /** Dotted IPv4, or IPv6 with the longest run of zero groups written as {@code ::}. Allocates. */
    public static String format(long hi, long lo) {
        StringBuilder sb = new StringBuilder(39);
        if (isV4(hi, lo)) {
            int a = v4(lo);
            return sb.append(a >>> 24).append('.').append((a >>> 16) & 0xFF).append('.')
                .append((a >>> 8) & 0xFF).append('.').append(a & 0xFF).toString();
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            g[4 + i] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLen = 1; // a single zero group is not shortened (RFC 5952 section 4.2.2)
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    /** {@code host:port}, with IPv6 hosts in brackets. Allocates. */
    public static String formatWithPort(long hi, long lo, int port) {
        return hostPort(format(hi, lo), port);
    }

    /**
     * {@code host:port} for a host name or address text, with brackets around an IPv6 address
     * (one not already in them).
     */
    public static String hostPort(String host, int port) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
