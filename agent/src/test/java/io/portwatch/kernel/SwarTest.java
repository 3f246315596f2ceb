package io.portwatch.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SwarTest {

    static long slowHex8(byte[] b, int at) {
        long v = 0;
        for (int i = at; i < at + 8; i++) {
            int d = Character.digit((char) (b[i] & 0xFF), 16);
            if (d < 0 || (b[i] & 0x80) != 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }

    @Test
    void hex8MatchesAPlainParserForEveryByteInEveryPosition() {
        byte[] b = "0100007F".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x0100007FL, Swar.hex8(b, 0));
        for (int pos = 0; pos < 8; pos++) {
            for (int c = 0; c < 256; c++) {
                byte[] t = "A1b2C3d4".getBytes(StandardCharsets.US_ASCII);
                t[pos] = (byte) c;
                assertEquals(slowHex8(t, 0), Swar.hex8(t, 0), "byte " + c + " at " + pos);
            }
        }
    }

    @Test
    void hex8OnRandomWords() {
        Random rnd = new Random(42);
        byte[] b = new byte[16];
        for (int i = 0; i < 100_000; i++) {
            long value = rnd.nextLong() & 0xFFFFFFFFL;
            String s = String.format(rnd.nextBoolean() ? "%08X" : "%08x", value);
            System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, b, 3, 8);
            assertEquals(value, Swar.hex8(b, 3), s);
        }
    }

    @Test
    void indexOfNewlineFindsTheFirstOne() {
        byte[] b = new byte[64];
        java.util.Arrays.fill(b, (byte) ' ');
        assertEquals(-1, Swar.indexOfNewline(b, 0, 64));
        for (int at = 0; at < 64; at++) {
            for (int from = 0; from <= at; from++) {
                byte[] t = b.clone();
                t[at] = '\n';
                if (at + 5 < 64) {
                    t[at + 5] = '\n';
                }
                if (from > 0) {
                    t[from - 1] = '\n'; // before the start: must be ignored
                }
                assertEquals(at, Swar.indexOfNewline(t, from, 64), "at " + at + " from " + from);
            }
        }
        byte[] t = b.clone();
        t[40] = '\n';
        assertEquals(-1, Swar.indexOfNewline(t, 0, 40), "the end bound is exclusive");
        assertEquals(40, Swar.indexOfNewline(t, 0, 41));
    }
}
