package io.portwatch.kernel;

import java.net.InetAddress;

/**
 * One row of {@code /proc/net/tcp} or {@code /proc/net/tcp6}. The reader fills one instance and
 * hands it to the visitor for every row, so a visitor must copy what it wants to keep.
 *
 * <p>Addresses are in the two-long form of {@link IpAddress}; ports are plain ints. Fields are
 * public for the reader's speed and the visitor's convenience; treat them as read-only.
 */
public final class TcpRow {

    /** True when the row came from an IPv6 socket ({@code tcp6}), even for a v4-mapped address. */
    public boolean ipv6Socket;
    public long localHi;
    public long localLo;
    public int localPort;
    public long remoteHi;
    public long remoteLo;
    public int remotePort;
    /** A {@link TcpState} code. */
    public int state;
    public long txQueue;
    /** For a LISTEN row, the accept backlog; otherwise bytes not yet read. */
    public long rxQueue;
    /** Which timer runs: 0 none, 1 retransmit, 2 keepalive, 3 TIME_WAIT, 4 zero window probe. */
    public int timerActive;
    /** Time until the timer fires, in 1/100 s (USER_HZ); for TIME_WAIT, the time left of its 60 s. */
    public long timerTicks;
    public long uid;
    /** The socket inode, to match {@code /proc/PID/fd/N -> socket:[inode]}; 0 for TIME_WAIT rows. */
    public long inode;

    public boolean isTimeWait() {
        return state == TcpState.TIME_WAIT;
    }

    /** Allocates. */
    public InetAddress localAddress() {
        return IpAddress.toInetAddress(localHi, localLo);
    }

    /** Allocates. */
    public InetAddress remoteAddress() {
        return IpAddress.toInetAddress(remoteHi, remoteLo);
    }

    @Override
    public String toString() {
        return IpAddress.formatWithPort(localHi, localLo, localPort) + " -> "
            + IpAddress.formatWithPort(remoteHi, remoteLo, remotePort) + ' ' + TcpState.name(state)
            + (ipv6Socket ? " tcp6" : " tcp") + " uid=" + uid + " inode=" + inode
            + " timer=" + timerActive + ':' + timerTicks;
    }
}
