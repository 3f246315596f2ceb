package io.portwatch.kernel;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The captured {@code /proc} trees under {@code src/test/resources/proc/NAME}, each a fake root:
 * {@code live} (Linux 6.18 network namespace, defaults, loopback sockets in most states),
 * {@code incident} (the same after tcp_tw_reuse=1, tcp_timestamps=0, ports 40000-40999 minus
 * 40100-40199,40500, 300 TIME_WAITs), {@code old-kernel} (hand-made sysctls: tcp_tw_recycle=1,
 * no tcp_tw_reuse_delay, reuse 0, TCPTimeWaitOverflow 17), {@code edge} (hand-made tables: every
 * state, malformed and truncated lines, IPv6) and {@code empty} (a header and an empty file).
 */
public final class Fixtures {

    private Fixtures() {}

    public static Path root(String name) {
        URL url = Fixtures.class.getResource("/proc/" + name);
        if (url == null) {
            throw new IllegalStateException("no fixture " + name);
        }
        try {
            return Paths.get(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ProcFs procFs(String name) {
        return new ProcFs(root(name));
    }

    public static boolean onLinux() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("linux");
    }
}
