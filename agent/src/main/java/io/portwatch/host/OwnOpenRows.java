package io.portwatch.host;

import io.portwatch.kernel.ConnectionKey;
import io.portwatch.kernel.SocketInodes;
import io.portwatch.kernel.TcpRow;
import io.portwatch.kernel.TcpState;

import java.util.Arrays;

/**
 * The rows of one read that are this JVM's open connections (their inode among
 * {@code /proc/self/fd}), kept in primitive arrays that are reused from read to read, and the
 * ports this JVM listens on. Filled on the kernel thread, read on the reporter's once the read is
 * done. At most {@link #MAX_ROWS} rows a read; the rest are left out.
 */
final class OwnOpenRows {

    static final int MAX_ROWS = 65536;

    private long[] inodes = new long[0];
    private final long[] listening = new long[65536 / 64];
    private int size;
    private long[] key = new long[16];
    private long[] inode = new long[16];
    private byte[] state = new byte[16];
    private long[] localHi = new long[16];
    private long[] localLo = new long[16];
    private int[] localPort = new int[16];
    private long[] remoteHi = new long[16];
    private long[] remoteLo = new long[16];
    private int[] remotePort = new int[16];

    /** Forgets the last read; {@code ownInodes}: this JVM's socket inodes, sorted. */
    void begin(long[] ownInodes) {
        this.inodes = ownInodes;
        Arrays.fill(listening, 0);
        size = 0;
    }

    /**
     * Takes the row if it is one of this JVM's: true when it was (a listener or a connection),
     * false for anyone else's row and for rows without a socket (TIME_WAIT, orphans).
     */
    boolean row(TcpRow r) {
        if (!ownsSocket(r.inode)) return false;
        if (r.state == TcpState.LISTEN) {
            listening[r.localPort >>> 6] |= 1L << r.localPort;
            return true;
        }
        if (!isConnected(r.state) || size >= MAX_ROWS) return true;
        if (size == key.length) grow();
        int i = size++;
        key[i] = ConnectionKey.of(r);
        inode[i] = r.inode;
        state[i] = (byte) r.state;
        localHi[i] = r.localHi;
        localLo[i] = r.localLo;
        localPort[i] = r.localPort;
        remoteHi[i] = r.remoteHi;
        remoteLo[i] = r.remoteLo;
        remotePort[i] = r.remotePort;
        return true;
    }

    /**
     * A connection that is connected, or was and is closing with its socket still open (a
     * half-close, or the peer's FIN not yet answered): not one still connecting.
     */
    static boolean isConnected(int state) {
        return state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT || state == TcpState.FIN_WAIT1
                || state == TcpState.FIN_WAIT2 || state == TcpState.CLOSING || state == TcpState.LAST_ACK;
    }

    /** Whether {@code inode} is among this JVM's socket inodes of this read's {@code /proc/self/fd} scan. */
    boolean ownsSocket(long inode) {
        return inode != 0 && inodes.length > 0 && SocketInodes.contains(inodes, inode);
    }

    int size() { return size; }
    long key(int i) { return key[i]; }
    long inode(int i) { return inode[i]; }
    int state(int i) { return state[i]; }
    long localHi(int i) { return localHi[i]; }
    long localLo(int i) { return localLo[i]; }
    int localPort(int i) { return localPort[i]; }
    long remoteHi(int i) { return remoteHi[i]; }
    long remoteLo(int i) { return remoteLo[i]; }
    int remotePort(int i) { return remotePort[i]; }

    /** Whether this JVM listens on the row's local port: the connection was accepted. */
    boolean accepted(int i) {
        int p = localPort[i];
        return (listening[p >>> 6] & (1L << p)) != 0;
    }

    private void grow() {
        int n = key.length * 2;
        key = Arrays.copyOf(key, n);
        inode = Arrays.copyOf(inode, n);
        state = Arrays.copyOf(state, n);
        localHi = Arrays.copyOf(localHi, n);
        localLo = Arrays.copyOf(localLo, n);
        localPort = Arrays.copyOf(localPort, n);
        remoteHi = Arrays.copyOf(remoteHi, n);
        remoteLo = Arrays.copyOf(remoteLo, n);
        remotePort = Arrays.copyOf(remotePort, n);
    }
}
