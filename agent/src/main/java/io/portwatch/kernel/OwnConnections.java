package io.portwatch.kernel;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The TCP connections a process holds open, read from the kernel: the rows of its network
 * namespace's tables whose socket inode is one of the process's descriptors. This is how an agent
 * attached to a running JVM finds the connections that were opened before it arrived.
 */
public final class OwnConnections {

    /** One connection: its endpoints, its state, and whether this process also listens on its local port. */
    public static final class Connection {
        public final InetAddress localAddress;
        public final int localPort;
        public final InetAddress peerAddress;
        public final int peerPort;
        public final String state;
        /** True when the local port is one this process listens on: the connection was accepted. */
        public final boolean accepted;

        Connection(InetAddress localAddress, int localPort, InetAddress peerAddress, int peerPort,
                   String state, boolean accepted) {
            this.localAddress = localAddress;
            this.localPort = localPort;
            this.peerAddress = peerAddress;
            this.peerPort = peerPort;
            this.state = state;
            this.accepted = accepted;
        }

        @Override
        public String toString() {
            return (accepted ? "accepted " : "") + IpAddress.hostPort(localAddress.getHostAddress(), localPort)
                    + " -> " + IpAddress.hostPort(peerAddress.getHostAddress(), peerPort) + " (" + state + ")";
        }
    }

    private OwnConnections() {}

    /**
     * Reads the connections of process {@code pid} ("self" for this JVM): listening sockets and
     * TIME_WAIT rows (which have no inode) are left out.
     */
    public static List<Connection> read(ProcFs proc, String pid) throws IOException {
        long[] inodes = proc.socketInodes(pid);
        if (inodes.length == 0) {
            return Collections.emptyList();
        }
        List<TcpRow> mine = new ArrayList<>();
        List<Integer> listening = new ArrayList<>();
        proc.readTcpTables(new TcpTableReader(), row -> {
            if (row.inode == 0 || !SocketInodes.contains(inodes, row.inode)) {
                return;
            }
            if (row.state == TcpState.LISTEN) {
                listening.add(row.localPort);
            } else {
                mine.add(copy(row));
            }
        });
        List<Connection> out = new ArrayList<>(mine.size());
        for (TcpRow r : mine) {
            out.add(new Connection(r.localAddress(), r.localPort, r.remoteAddress(), r.remotePort,
                    TcpState.name(r.state), listening.contains(r.localPort)));
        }
        return out;
    }

    /** The visitor's row is reused for the next line. */
    private static TcpRow copy(TcpRow row) {
        TcpRow c = new TcpRow();
        c.localHi = row.localHi;
        c.localLo = row.localLo;
        c.localPort = row.localPort;
        c.remoteHi = row.remoteHi;
        c.remoteLo = row.remoteLo;
        c.remotePort = row.remotePort;
        c.state = row.state;
        return c;
    }
}
