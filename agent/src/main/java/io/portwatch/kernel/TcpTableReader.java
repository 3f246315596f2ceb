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

    private final byte[] buf;
    private final TcpRow row = new TcpRow();
    private long rows;
    private long badLines;

    // Parse cursor over buf: position, end of the current line, and whether the line went wrong.
    private int pos;
    private int end;
    private boolean bad;

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
        bad = false;
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

    private boolean parse(TcpRow r) {
        decimal();           // sl
        expect(':');
        spaces();
        int digits = address(r, true);
        expect(':');
        r.localPort = (int) hex(4, 4);
        spaces();
        if (address(r, false) != digits) {
            return false; // local and remote of one row are of one family
        }
        expect(':');
        r.remotePort = (int) hex(4, 4);
        spaces();
        r.state = (int) hex(2, 2);
        spaces();
        r.txQueue = hex(1, 16);
        expect(':');
        r.rxQueue = hex(1, 16);
        spaces();
        r.timerActive = (int) hex(2, 2);
        expect(':');
        r.timerTicks = hex(1, 16);
        spaces();
        hex(1, 16);          // retrnsmt
        spaces();
        r.uid = decimal();
        spaces();
        decimal();           // timeout
        spaces();
        r.inode = decimal();
        spaces();            // then at least one more column (the refcount): the line is whole
        decimal();
        r.ipv6Socket = digits == 32;
        return !bad && TcpState.isValid(r.state);
    }

    /** Parses an address of 8 or 32 hex digits into r; returns the digit count (or -1). */
    private int address(TcpRow r, boolean local) {
        int start = pos;
        long hi;
        long lo;
        int w0 = word();
        if (pos < end && buf[pos] == ':') { // IPv4
            hi = 0;
            lo = IpAddress.v4Lo(w0);
        } else {
            int w1 = word();
            int w2 = word();
            int w3 = word();
            hi = ((long) w0 << 32) | (w1 & 0xFFFFFFFFL);
            lo = ((long) w2 << 32) | (w3 & 0xFFFFFFFFL);
        }
        if (local) {
            r.localHi = hi;
            r.localLo = lo;
        } else {
            r.remoteHi = hi;
            r.remoteLo = lo;
        }
        return bad ? -1 : pos - start;
    }

    /** Eight hex digits of one 32-bit word printed in host byte order, returned in network order. */
    private int word() {
        int w = (int) hex(8, 8);
        return LITTLE_ENDIAN ? Integer.reverseBytes(w) : w;
    }

    /** Reads between min and max hex digits; marks the line bad otherwise. */
    private long hex(int min, int max) {
        long v = 0;
        int start = pos;
        if (max >= 8 && pos + 8 <= end) { // the kernel's %08X words: eight digits in one step
            long word = Swar.hex8(buf, pos);
            if (word >= 0) {
                v = word;
                pos += 8;
            }
        }
        while (pos < end && pos - start < max) {
            int d = HEX[buf[pos] & 0xFF];
            if (d < 0) {
                break;
            }
            v = (v << 4) | d;
            pos++;
        }
        if (pos - start < min) {
            bad = true;
        }
        return v;
    }

    /** Reads one or more decimal digits (at most 19); marks the line bad otherwise. */
    private long decimal() {
        long v = 0;
        int start = pos;
        while (pos < end && pos - start < 19) {
            int d = buf[pos] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            v = v * 10 + d;
            pos++;
        }
        if (pos == start) {
            bad = true;
        }
        return v;
    }

    private void expect(char c) {
        if (pos < end && buf[pos] == c) {
            pos++;
        } else {
            bad = true;
        }
    }

    /** One or more spaces. */
    private void spaces() {
        int start = pos;
        skipSpaces();
        if (pos == start) {
            bad = true;
        }
    }

    private void skipSpaces() {
        while (pos < end && (buf[pos] == ' ' || buf[pos] == '\t' || buf[pos] == '\r')) {
            pos++;
        }
    }
}
