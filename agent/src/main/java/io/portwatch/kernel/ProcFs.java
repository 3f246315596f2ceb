package io.portwatch.kernel;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

/**
 * Where the kernel's tables live, under a root directory: {@code /} on a live host, a fixture tree
 * in tests ({@code ROOT/proc/net/tcp}, {@code ROOT/proc/sys/net/ipv4/...}). Everything read here
 * is the view of the reading process's network namespace: in a container, the container's.
 */
public final class ProcFs {

    private final Path root;

    public ProcFs(Path root) {
        this.root = root;
    }

    /** The live host. */
    public static ProcFs system() {
        return new ProcFs(Paths.get("/"));
    }

    public Path root() {
        return root;
    }

    /** {@code ROOT/proc/REL}. */
    public Path proc(String rel) {
        return root.resolve("proc").resolve(rel);
    }

    public Path tcp() {
        return proc("net/tcp");
    }

    public Path tcp6() {
        return proc("net/tcp6");
    }

    /**
     * Reads {@code tcp} then {@code tcp6} into {@code visitor}; a missing {@code tcp6} (IPv6
     * disabled) is skipped. Rows and bad lines add to the reader's counts.
     *
     * @return rows delivered from both tables
     */
    public int readTcpTables(TcpTableReader reader, RowVisitor visitor) throws IOException {
        int rows = reader.read(tcp(), visitor);
        if (Files.exists(tcp6())) {
            rows += reader.read(tcp6(), visitor);
        }
        return rows;
    }

    /** {@code /proc/net/sockstat} with the TCP6 line of {@code sockstat6} when present. */
    public Sockstat sockstat() throws IOException {
        return Sockstat.parse(text(proc("net/sockstat")), textOrNull(proc("net/sockstat6")));
    }

    public Netstat netstat() throws IOException {
        return Netstat.parse(text(proc("net/netstat")));
    }

    /** The port-budget sysctls; a missing or unreadable file is {@link Sysctls#ABSENT}. Never throws. */
    public Sysctls sysctls() {
        int[] range = ints(textOrNull(ipv4("ip_local_port_range")));
        String reserved = textOrNull(ipv4("ip_local_reserved_ports"));
        return new Sysctls(
            range.length == 2 ? range[0] : Sysctls.ABSENT,
            range.length == 2 ? range[1] : Sysctls.ABSENT,
            reserved == null ? PortRanges.EMPTY : PortRanges.parse(reserved),
            sysctl("tcp_tw_reuse"),
            sysctl("tcp_tw_reuse_delay"),
            sysctl("tcp_timestamps"),
            sysctl("tcp_max_tw_buckets"),
            sysctl("tcp_fin_timeout"),
            sysctl("tcp_tw_recycle"));
    }

    /**
     * The connection-tracking table of this namespace, or null when netfilter connection tracking is
     * not loaded (its files absent) or they cannot be read. Never throws.
     */
    public Conntrack conntrack() {
        Path netfilter = proc("sys/net/netfilter");
        return Conntrack.parse(textOrNull(netfilter.resolve("nf_conntrack_count")),
                textOrNull(netfilter.resolve("nf_conntrack_max")), textOrNull(proc("net/stat/nf_conntrack")));
    }

    /**
     * Which network namespace on which host this process reads: the namespace's inode
     * ({@code /proc/self/ns/net}, {@code net:[4026531840]}) and the first 8 characters of the boot's
     * id ({@code /proc/sys/kernel/random/boot_id}, one per host and boot, the same in every
     * container), as {@code 4026531840@3f2a9c1b}; every process that shares the namespace reads the
     * same. A part that cannot be read is {@code unknown}. Never throws.
     */
    public String netnsId() {
        String inode = "unknown";
        try {
            String link = Files.readSymbolicLink(proc("self/ns/net")).toString();
            int open = link.indexOf('[');
            int close = link.indexOf(']');
            if (open >= 0 && close > open) inode = link.substring(open + 1, close);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // unknown
        }
        String boot = textOrNull(proc("sys/kernel/random/boot_id"));
        boot = boot == null || boot.trim().length() < 8 ? "unknown" : boot.trim().substring(0, 8);
        return inode + "@" + boot;
    }

    /** Socket inodes open in a process ("self" for this JVM), sorted; see {@link SocketInodes}. */
    public long[] socketInodes(String pid) throws IOException {
        return SocketInodes.read(proc(pid).resolve("fd"));
    }

    /**
     * A process's command name ({@code /proc/PID/comm}, at most 15 characters, set by the process
     * itself, so printable characters only are kept), or null when it cannot be read: gone, or
     * hidden by {@code hidepid}. Never throws.
     */
    public String command(String pid) {
        String text = textOrNull(proc(pid).resolve("comm"));
        if (text == null) return null;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length() && b.length() < 32; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) b.append(c);
            else if (c == '\n') break;
        }
        String name = b.toString().trim();
        return name.isEmpty() ? null : name;
    }

    private Path ipv4(String name) {
        return proc("sys/net/ipv4").resolve(name);
    }

    private int sysctl(String name) {
        int[] v = ints(textOrNull(ipv4(name)));
        return v.length == 1 ? v[0] : Sysctls.ABSENT;
    }

    /**
     * Reads a small /proc file with large reads. Not {@code Files.readAllBytes}: /proc files report
     * size 0, so it starts with a one-byte read, and a sysctl file read at a non-zero offset returns
     * end-of-file (measured: {@code tcp_max_tw_buckets} 131072 came back as "1").
     */
    private static String text(Path p) throws IOException {
        byte[] buf = new byte[16 * 1024];
        int n = 0;
        try (FileInputStream in = new FileInputStream(p.toFile())) {
            int r;
            while ((r = in.read(buf, n, buf.length - n)) > 0) {
                n += r;
                if (n == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
            }
        } catch (FileNotFoundException e) {
            if (!Files.exists(p)) {
                throw new NoSuchFileException(p.toString());
            }
            throw e;
        }
        return new String(buf, 0, n, StandardCharsets.US_ASCII);
    }

    private static String textOrNull(Path p) {
        try {
            return text(p);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | SecurityException e) {
            return null; // unreadable counts as absent: the caller cannot use it either way
        }
    }

    /** Whitespace-separated non-negative ints; an empty array when any token is not one. */
    private static int[] ints(String text) {
        if (text == null || text.trim().isEmpty()) {
            return new int[0];
        }
        String[] t = Words.of(text);
        int[] v = new int[t.length];
        for (int i = 0; i < t.length; i++) {
            try {
                v[i] = Integer.parseInt(t[i]);
            } catch (NumberFormatException e) {
                return new int[0];
            }
            if (v[i] < 0) {
                return new int[0];
            }
        }
        return v;
    }
}
