package io.portwatch.kernel;

import java.net.InetAddress;

/**
 * One connection's 4-tuple, less its local address, as one long: the local port, the peer's
 * address and port, mixed. What the kernel catch-all compares a table row with to tell whether the
 * advice reported its connection. Two live connections of one process differ in this much unless
 * they share a local port toward the same peer from two local addresses (sockets bound by hand);
 * two different tuples share a key with odds of 1 in 2^64 per pair.
 */
public final class ConnectionKey {

    private ConnectionKey() {}

    /** The key of a row's connection as seen from its own side. */
    public static long of(TcpRow row) {
        return of(row.localPort, row.remoteHi, row.remoteLo, row.remotePort);
    }

    /** The key of a connection with this local port toward this peer (0 when the peer is unknown). */
    public static long of(int localPort, InetAddress peer, int peerPort) {
        if (peer == null) return 0;
        byte[] b = peer.getAddress();
        return of(localPort, IpAddress.hi(b), IpAddress.lo(b), peerPort);
    }

    /** The key from the two-long form of the peer's address ({@link IpAddress}). */
    public static long of(int localPort, long peerHi, long peerLo, int peerPort) {
        long h = mix(peerHi ^ 0x9E3779B97F4A7C15L);
        h = mix(h ^ peerLo);
        h = mix(h ^ (((long) localPort << 16) | (peerPort & 0xFFFF)));
        return h == 0 ? 1 : h; // 0 is "none"
    }

    /** A 64-bit finalizer (SplitMix64's): every input bit moves every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
