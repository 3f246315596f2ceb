package io.portwatch.budget;

import io.portwatch.kernel.IpAddress;
import java.net.InetAddress;

/**
 * What one ephemeral-port pool is shared by: (local address, remote address, remote port).
 * {@code connect()} needs only the 4-tuple to be unused ({@code __inet_hash_connect()} in {@code net/ipv4/inet_hashtables.c}),
 * so each such key has the whole ephemeral range to itself, and one exhausted destination does not
 * block another. Addresses are in the two-long form of {@link IpAddress}. Immutable.
 */
public final class Destination {

    private final long localHi;
    private final long localLo;
    private final long remoteHi;
    private final long remoteLo;
    private final int remotePort;

    public Destination(long localHi, long localLo, long remoteHi, long remoteLo, int remotePort) {
        this.localHi = localHi;
        this.localLo = localLo;
        this.remoteHi = remoteHi;
        this.remoteLo = remoteLo;
        this.remotePort = remotePort;
    }

    /** From addresses (an IPv4-mapped IPv6 address counts as its IPv4 address). */
    public static Destination of(InetAddress local, InetAddress remote, int remotePort) {
        byte[] l = local.getAddress();
        byte[] r = remote.getAddress();
        return new Destination(IpAddress.hi(l), IpAddress.lo(l), IpAddress.hi(r), IpAddress.lo(r), remotePort);
    }

    public long localHi() {
        return localHi;
    }

    public long localLo() {
        return localLo;
    }

    public long remoteHi() {
        return remoteHi;
    }

    public long remoteLo() {
        return remoteLo;
    }

    public int remotePort() {
        return remotePort;
    }

    public InetAddress localAddress() {
        return IpAddress.toInetAddress(localHi, localLo);
    }

    public InetAddress remoteAddress() {
        return IpAddress.toInetAddress(remoteHi, remoteLo);
    }

    /** True when the remote is 127.0.0.0/8 or {@code ::1}: the traffic {@code tcp_tw_reuse=2} covers. */
    public boolean isLoopback() {
        return IpAddress.isLoopback(remoteHi, remoteLo);
    }

    /** {@code host:port} of the remote side. */
    public String remote() {
        return IpAddress.formatWithPort(remoteHi, remoteLo, remotePort);
    }

    /** The local address as text. */
    public String local() {
        return IpAddress.format(localHi, localLo);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Destination)) {
            return false;
        }
        Destination d = (Destination) o;
        return localHi == d.localHi && localLo == d.localLo && remoteHi == d.remoteHi
            && remoteLo == d.remoteLo && remotePort == d.remotePort;
    }

    @Override
    public int hashCode() {
        return hash(localHi, localLo, remoteHi, remoteLo, remotePort);
    }

    /** The hash {@link DestinationCounts} uses too, so it needs no Destination to look one up. */
    static int hash(long localHi, long localLo, long remoteHi, long remoteLo, int remotePort) {
        long h = localHi * 0x9E3779B97F4A7C15L;
        h = (h ^ localLo) * 0x9E3779B97F4A7C15L;
        h = (h ^ remoteHi) * 0x9E3779B97F4A7C15L;
        h = (h ^ remoteLo) * 0x9E3779B97F4A7C15L;
        h = (h ^ remotePort) * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** {@code remote from local}, e.g. {@code 10.0.0.5:3306 from 10.0.0.2}. */
    @Override
    public String toString() {
        return remote() + " from " + local();
    }
}
