package io.portwatch.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import static io.portwatch.it.support.SampleApp.TCP_TIME_WAIT;

/**
 * A row of {@code /proc/net/tcp[6]}. The database's port is random per run, but a port an
 * earlier test listened on comes round again, and its TIME_WAITs toward it outlive that test by
 * up to 60 s (CI once counted 23 client-side TIME_WAITs toward the port after a run whose spans
 * and the kernel agreed on 17, one by one). So TIME_WAITs older than the
 * run are left out: the row's timer says how long it has left of its 60 s.
 */
public final class KernelRow {
    /** TCP_TIMEWAIT_LEN, in the centiseconds (USER_HZ) the tables print the timer in. */
    private static final long TIME_WAIT_CENTIS = 6000;

    final String localAddress;
    final int localPort;
    final String remoteAddress;
    final int remotePort;
    final int state;

    KernelRow(String localAddress, int localPort, String remoteAddress, int remotePort, int state) {
        this.localAddress = localAddress;
        this.localPort = localPort;
        this.remoteAddress = remoteAddress;
        this.remotePort = remotePort;
        this.state = state;
    }

    boolean loopback() {
        return isLoopback(localAddress) && isLoopback(remoteAddress);
    }

    /** 127.0.0.1 as /proc prints it, in tcp (one little-endian word) or tcp6 (IPv4-mapped). */
    private static boolean isLoopback(String hex) {
        return hex.equals("0100007F") || hex.equals("0000000000000000FFFF00000100007F");
    }

    /** The rows now, without the TIME_WAITs that began more than {@code runMillis} ago. */
    static List<KernelRow> readAll(long runMillis) throws IOException {
        List<KernelRow> rows = new ArrayList<>();
        for (String file : new String[]{"/proc/net/tcp", "/proc/net/tcp6"}) {
            Path p = Paths.get(file);
            if (!Files.isReadable(p)) continue;
            List<String> lines = Files.readAllLines(p, StandardCharsets.US_ASCII);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 6) continue;
                String[] local = f[1].split(":");
                String[] remote = f[2].split(":");
                int state = Integer.parseInt(f[3], 16);
                if (state == TCP_TIME_WAIT && timeWaitAgeMillis(f[5]) > runMillis) continue;
                rows.add(new KernelRow(local[0], Integer.parseInt(local[1], 16), remote[0],
                        Integer.parseInt(remote[1], 16), state));
            }
        }
        return rows;
    }

    /** From the {@code tr:when} column, {@code 03:<centiseconds left, hex>} for a TIME_WAIT. */
    private static long timeWaitAgeMillis(String timer) {
        long left = Long.parseUnsignedLong(timer.substring(timer.indexOf(':') + 1), 16);
        // a timer already due prints as a negative number: the row is as old as it gets
        return (TIME_WAIT_CENTIS - Math.max(0, left)) * 10;
    }
}
