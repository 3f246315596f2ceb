package io.portwatch.kernel;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Reads {@code /proc/net/tcp} and {@code /proc/net/tcp6} straight from bytes into a reused
 * {@link TcpRow}: no strings, no regular expressions, nothing allocated per row. One instance per
 * thread (it owns its buffer); reuse it across reads.
 *
 * <p>The line format ({@code get_tcp4_sock()} and friends, {@code Documentation/networking/
 * proc_net_tcp.rst}): {@code sl: local rem st tx:rx tr:when retrnsmt uid timeout inode ...}.
 * IPv4 addresses are the network-order u32 printed as {@code %08X} in host byte order; IPv6 ones
 * four such 32-bit words; ports are {@code %04X} in host order. The first line is a header.
 *
 * <p>A malformed or truncated line is skipped and counted ({@link #badLines()}), never thrown:
 * a line must carry every column up to {@code inode} and at least one more, which every kernel
 * prints, so a line cut short anywhere before that is recognised.
 *
 * <p>Speed: line ends and the {@code %08X} words are found eight bytes at a time ({@link Swar});
 * on a 30,000-row table parsing costs a few ms on top of the read itself, while the kernel takes
 * ~30 ms to format such a table (reads return ~4 KiB each whatever the buffer; see benchmarks/).
 */
public final class TcpTableReader {

    /** {@code FileInputStream.read} copies through an 8 KiB stack buffer; larger reads malloc each time. */
    private static final int READ_CHUNK = 8192;
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final byte[] HEX = new byte[256];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            HEX[c] = (byte) (c - '0');
        }
        for (int c = 'A'; c <= 'F'; c++) {
            HEX[c] = (byte) (c - 'A' + 10);
            HEX[c + ('a' - 'A')] = (byte) (c - 'A' + 10);
        }
    }

    // The columns up to inode: "sl: local:port remote:port st tx:rx tr:when retrnsmt uid timeout inode".
    private static final int LOCAL = 1;
    private static final int LOCAL_PORT = 2;
    private static final int REMOTE = 3;
    private static final int REMOTE_PORT = 4;
    private static final int STATE = 5;
    private static final int TX_QUEUE = 6;
    private static final int RX_QUEUE = 7;
    private static final int TIMER = 8;
    private static final int TIMER_TICKS = 9;
    private static final int UID = 11;
    private static final int INODE = 13;
    private static final int COLUMNS = 14;
    /** What follows a column: one colon, one or more spaces, or both (after {@code sl}). */
    private static final byte COLON = 0;
    private static final byte SPACES = 1;
    private static final byte COLON_SPACES = 2;
    private static final byte[] AFTER = {COLON_SPACES, COLON, SPACES, COLON, SPACES, SPACES, COLON, SPACES,
        COLON, SPACES, SPACES, SPACES, SPACES, SPACES};
    private static final boolean[] DECIMAL = {true, false, false, false, false, false, false, false,
        false, false, false, true, true, true};
    /** Addresses are 8 digits (IPv4) or 32 (IPv6), checked apart; decimals at most 19 digits, a long. */
    private static final byte[] MIN_DIGITS = {1, 8, 4, 8, 4, 2, 1, 1, 2, 1, 1, 1, 1, 1};
    private static final byte[] MAX_DIGITS = {19, 32, 4, 32, 4, 2, 16, 16, 2, 16, 16, 19, 19, 19};

    private final byte[] buf;
    private final TcpRow row = new TcpRow();
    private final long[] values = new long[COLUMNS];
    private final int[] starts = new int[COLUMNS];
    private final int[] digits = new int[COLUMNS];
    private long rows;
    private long badLines;

    // Parse cursor over buf: position and end of the current line.
    private int pos;
    private int end;

    public TcpTableReader() {
        this(64 * 1024);
    }

    /** @param bufferSize longest line kept; a longer one is dropped and counted as bad */
    public TcpTableReader(int bufferSize) {
        buf = new byte[Math.max(bufferSize, 256)];
    }

    /**
     * Reads one table file and calls {@code visitor} for every well-formed row.
     *
     * @return the number of rows delivered by this call
     * @throws IOException when the file cannot be opened or read (a missing {@code tcp6} when IPv6
     *     is disabled, for instance); malformed content never throws
     */
    public int read(Path file, RowVisitor visitor) throws IOException {
        int delivered = 0;
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            int start = 0;      // first byte of the current line
            int limit = 0;      // end of valid bytes in buf
            int scanned = 0;    // bytes before this have no newline in the current line
            boolean dropping = false; // inside a line longer than the buffer
            boolean first = true;
            while (true) {
                int nl;
                while ((nl = Swar.indexOfNewline(buf, scanned, limit)) >= 0) {
                    if (dropping) {
                        dropping = false;
                    } else if (line(start, nl, first, visitor)) {
                        delivered++;
                    }
                    first = false;
                    start = nl + 1;
                    scanned = start;
                }
                if (start > 0) { // keep the partial line at the front of the buffer
                    System.arraycopy(buf, start, buf, 0, limit - start);
                    limit -= start;
                    start = 0;
                }
                scanned = limit;
                if (limit == buf.length) { // no newline in a full buffer: drop the line
                    if (!dropping) {
                        badLines++;
                    }
                    dropping = true;
                    limit = 0;
                    scanned = 0;
                }
                int n = in.read(buf, limit, Math.min(READ_CHUNK, buf.length - limit));
                if (n < 0) {
                    break;
                }
                limit += n;
            }
            if (limit > 0 && !dropping && line(0, limit, first, visitor)) { // no final newline
                delivered++;
            }
        }
        rows += delivered;
        return delivered;
    }

    /** Rows delivered since construction or {@link #resetCounts()}. */
    public long rows() {
        return rows;
    }

    /** Malformed or truncated lines skipped since construction or {@link #resetCounts()}. */
    public long badLines() {
        return badLines;
    }

    public void resetCounts() {
        rows = 0;
        badLines = 0;
    }

    /** Parses buf[from, to); returns true when a row was delivered. */
    private boolean line(int from, int to, boolean firstLine, RowVisitor visitor) {
        pos = from;
        end = to;
        skipSpaces();
        if (pos == end) {
            return false; // blank line: nothing to count
        }
        if (firstLine && buf[pos] == 's') {
            return false; // the header "  sl  local_address ..."
        }
        if (!parse(row)) {
            badLines++;
            return false;
        }
        visitor.row(row);
        return true;
    }

    /**
     * Parses the columns up to {@code inode} into r, then checks that one more begins. Every column
     * goes through the one {@link #column} call in the loop: written as a call per column, the JIT
     * inlined the digit loops a dozen times over, and compiling that one method took ~19 MB of
     * compiler memory and most of a second of CPU on the agent's first kernel reads.
     */
    private boolean parse(TcpRow r) {
        for (int c = 0; c < COLUMNS; c++) {
            if (!column(c)) {
                return false;
            }
        }
        if (pos == end || (buf[pos] - '0' & 0xFF) > 9) {
            return false; // the refcount column: the line is whole
        }
        int addressDigits = digits[LOCAL];
        if (addressDigits != digits[REMOTE] || (addressDigits != 8 && addressDigits != 32)) {
            return false; // local and remote of one row are of one family: IPv4 or IPv6
        }
        boolean v6 = addressDigits == 32;
        int at = starts[LOCAL];
        r.localHi = v6 ? words(at) : 0;
        r.localLo = v6 ? words(at + 16) : IpAddress.v4Lo(word(at));
        at = starts[REMOTE];
        r.remoteHi = v6 ? words(at) : 0;
        r.remoteLo = v6 ? words(at + 16) : IpAddress.v4Lo(word(at));
        r.localPort = (int) values[LOCAL_PORT];
        r.remotePort = (int) values[REMOTE_PORT];
        r.state = (int) values[STATE];
        r.txQueue = values[TX_QUEUE];
        r.rxQueue = values[RX_QUEUE];
        r.timerActive = (int) values[TIMER];
        r.timerTicks = values[TIMER_TICKS];
        r.uid = values[UID];
        r.inode = values[INODE];
        r.ipv6Socket = v6;
        return TcpState.isValid(r.state);
    }

    /**
     * Reads column {@code c}: its digits (hex or decimal, within its bounds) and what follows it;
     * keeps its value, where it starts and its digit count.
     */
    private boolean column(int c) {
        int start = pos;
        boolean decimal = DECIMAL[c];
        int max = MAX_DIGITS[c];
        long v = 0;
        if (!decimal) { // the kernel's %08X words: eight digits in one step
            while (pos + 8 <= end && pos + 8 - start <= max) {
                long word = Swar.hex8(buf, pos);
                if (word < 0) {
                    break;
                }
                v = (v << 32) | word;
                pos += 8;
            }
        }
        while (pos < end && pos - start < max) {
            int d = HEX[buf[pos] & 0xFF];
            if (d < 0 || (decimal && d > 9)) {
                break;
            }
            v = decimal ? v * 10 + d : (v << 4) | d;
            pos++;
        }
        int count = pos - start;
        if (count < MIN_DIGITS[c]) {
            return false;
        }
        values[c] = v;
        starts[c] = start;
        digits[c] = count;
        byte after = AFTER[c];
        if (after != SPACES) {
            if (pos == end || buf[pos] != ':') {
                return false;
            }
            pos++;
            if (after == COLON) {
                return true;
            }
        }
        int spaces = pos;
        skipSpaces();
        return pos > spaces;
    }

    /** The 32-bit word at buf[at, at + 8), printed in host byte order, in network order. */
    private int word(int at) {
        int w = (int) Swar.hex8(buf, at);
        return LITTLE_ENDIAN ? Integer.reverseBytes(w) : w;
    }

    /** Two words of an IPv6 address, the first in the high half. */
    private long words(int at) {
        return ((long) word(at) << 32) | (word(at + 8) & 0xFFFFFFFFL);
    }

    private void skipSpaces() {
        while (pos < end && (buf[pos] == ' ' || buf[pos] == '\t' || buf[pos] == '\r')) {
            pos++;
        }
    }
}
