package io.portwatch.kernel;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** {@link Words} splits as {@code trim().split("\\s+")} does, word for word. */
class WordsTest {

    @Test
    void theLinesOfTheKernelsCounterFiles() {
        for (String line : new String[] {
                "TcpExt: SyncookiesSent SyncookiesRecv TW TWRecycled",
                "TcpExt: 0 0 1234 5",
                "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop",
                "0000002a  00000000 00000000 00000000 00000003 00000000 00000000 00000000 00000000 00000000 00000001",
                " inuse 5 orphan 0 tw 36 alloc 8 mem 2 ",
                "", "   ", "one", "\ta\t\tb\n", "a\u000Bb\fc\rd"}) {
            assertArrayEquals(line.trim().split("\\s+"), Words.of(line), line);
        }
    }

    @Test
    void randomLines() {
        Random random = new Random(42);
        String alphabet = "ab1: \t\n\u000B\f\r\u0000x";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int k = random.nextInt(20); k > 0; k--) b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            String line = b.toString();
            assertArrayEquals(line.trim().split("\\s+"), Words.of(line), () -> "line " + line.replace("\n", "\\n"));
        }
    }
}
