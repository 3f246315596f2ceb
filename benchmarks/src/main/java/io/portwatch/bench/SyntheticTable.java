package io.portwatch.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a table in {@code /proc/net/tcp6} format, shaped like a churning Java client: v4-mapped
 * rows, nine TIME_WAITs for every ESTABLISHED one, toward four destinations, local ports walking
 * the default ephemeral range. The line layout copies what Linux 6.18 prints.
 */
final class SyntheticTable {

    private SyntheticTable() {}

    static Path write(Path file, int rows) throws IOException {
        Files.createDirectories(file.getParent());
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            w.write("  sl  local_address                         remote_address                        st"
                + " tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
            for (int i = 0; i < rows; i++) {
                int localPort = 32768 + (i * 7) % 28232;
                int remoteHost = 0x0500000A + ((i % 4) << 24); // 10.0.0.5 .. 10.0.0.8, as printed
                int remotePort = 3306 + i % 2;
                String local = "0000000000000000FFFF00000A00000A:" + hex4(localPort);
                String remote = String.format(Locale.ROOT, "0000000000000000FFFF0000%08X:%s", remoteHost, hex4(remotePort));
                if (i % 10 == 0) {
                    w.write(String.format(Locale.ROOT, "%4d: %s %s 01 00000000:00000000 00:00000000 00000000  1000"
                        + "        0 %d 1 00000000deadbeef 20 4 30 10 -1%n", i, local, remote, 100000 + i));
                } else {
                    w.write(String.format(Locale.ROOT, "%4d: %s %s 06 00000000:00000000 03:%08X 00000000     0"
                        + "        0 0 3 00000000cafef00d%n", i, local, remote, 6000 - i % 6000));
                }
            }
        }
        return file;
    }

    private static String hex4(int v) {
        return String.format(Locale.ROOT, "%04X", v);
    }
}
