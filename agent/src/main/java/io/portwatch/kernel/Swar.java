package io.portwatch.kernel;


/**
 * Eight ASCII bytes at a time in one long ("SIMD within a register"), for the two inner loops of
 * {@link TcpTableReader}: finding the end of a line and reading the 8-digit hex words the kernel
 * prints. A table row is ~150 bytes of which ~100 are hex digits, so doing these one byte at a
 * time was most of the reader's cost (measured: 30,000 rows, 11.4 ms before, see benchmarks/).
 *
 * <p>Bytes are loaded little-endian, so the first character sits in the lowest byte of the long.
 */
final class Swar {

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Swar() {}

    /**
     * The 8 bytes at b[i, i + 8) as a little-endian long, assembled byte by byte. Not through a
     * {@code VarHandle} view: the interpreter runs each of its calls through method-handle
     * adapters, and the first table reads run before the JIT has compiled the reader, longer on a
     * busy machine, where it compiles late (a table read interpreted: about 90 us a row through
     * the {@code VarHandle}, 18 us this way; compiled, the same time either way).
     */
    static long littleEndianLong(byte[] b, int i) {
        return (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (b[i + 3] & 0xFFL) << 24
                | (b[i + 4] & 0xFFL) << 32 | (b[i + 5] & 0xFFL) << 40 | (b[i + 6] & 0xFFL) << 48
                | (long) b[i + 7] << 56;
    }

    /** The index of the first {@code '\n'} in b[from, to), or -1. */
    static int indexOfNewline(byte[] b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = littleEndianLong(b, i) ^ (ONES * '\n');
            // A byte of x is zero where the input had '\n'; this sets the high bit of the lowest such
            // byte exactly (bits above it may be set falsely by the borrow, hence trailing zeros).
            long zero = (x - ONES) & ~x & HIGH_BITS;
            if (zero != 0) {
                return i + (Long.numberOfTrailingZeros(zero) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /**
     * The value of the 8 hex digits at b[at, at + 8) (upper or lower case), or -1 when any of them is
     * not a hex digit. The caller guarantees {@code at + 8 <= b.length}.
     */
    static long hex8(byte[] b, int at) {
        long v = littleEndianLong(b, at);
        if ((v & HIGH_BITS) != 0) {
            return -1; // not ASCII; the range tests below need every byte below 0x80
        }
        // Per byte x < 0x80, x + (0x80 - lo) has its high bit set iff x >= lo: no carry crosses bytes.
        long digit = (v + ONES * (0x80 - '0')) & ~(v + ONES * (0x7F - '9')) & HIGH_BITS;
        long lower = v | ONES * 0x20; // 'A'-'F' to 'a'-'f'; digits already have this bit
        long letter = (lower + ONES * (0x80 - 'a')) & ~(lower + ONES * (0x7F - 'f')) & HIGH_BITS;
        if ((digit | letter) != HIGH_BITS) {
            return -1;
        }
        long n = (v & ONES * 0x0F) + (letter >>> 7) * 9;  // each byte now holds its digit, 0..15
        n = (n * 16 + (n >>> 8)) & 0x00FF00FF00FF00FFL;    // pairs of digits: 2 hex digits per 16 bits
        n = (n * 256 + (n >>> 16)) & 0x0000FFFF0000FFFFL;  // 4 hex digits per 32 bits
        return (n * 65536 + (n >>> 32)) & 0xFFFFFFFFL;     // all 8, first digit most significant
    }
}
