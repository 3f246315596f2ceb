package io.portwatch.kernel;

/**
 * The TCP states as {@code /proc/net/tcp} prints them in its {@code st} column (two hex digits),
 * from {@code Documentation/networking/proc_net_tcp.rst} and {@code include/net/tcp_states.h}.
 */
public final class TcpState {

    public static final int ESTABLISHED = 0x01;
    public static final int SYN_SENT = 0x02;
    public static final int SYN_RECV = 0x03;
    public static final int FIN_WAIT1 = 0x04;
    public static final int FIN_WAIT2 = 0x05;
    public static final int TIME_WAIT = 0x06;
    public static final int CLOSE = 0x07;
    public static final int CLOSE_WAIT = 0x08;
    public static final int LAST_ACK = 0x09;
    public static final int LISTEN = 0x0A;
    public static final int CLOSING = 0x0B;
    /** Kernel-internal request socket; the tables print it as SYN_RECV, but accept it if seen. */
    public static final int NEW_SYN_RECV = 0x0C;

    private static final String[] NAMES = {
        "UNKNOWN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
        "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"
    };

    private TcpState() {}

    /** True for the codes a table row may carry. */
    public static boolean isValid(int state) {
        return state >= ESTABLISHED && state <= NEW_SYN_RECV;
    }

    /** True for a connection being opened or open: on a closed connection's 4-tuple, a new one. */
    public static boolean isOpenOrOpening(int state) {
        return state == ESTABLISHED || state == SYN_SENT || state == SYN_RECV || state == NEW_SYN_RECV;
    }

    /** The kernel's name for a state code, or {@code UNKNOWN}. */
    public static String name(int state) {
        return isValid(state) ? NAMES[state] : NAMES[0];
    }
}
