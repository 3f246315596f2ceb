package io.portwatch.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A network namespace made for one test: {@code pw-<random>}, its loopback up, and a veth pair to
 * the host with a /30 from 10.200.0.0/16 (host end {@link #hostAddress()}, namespace end
 * {@link #nsAddress()}), so that a child JVM inside can export to a receiver in the test JVM.
 * {@link #close()} deletes the namespace, which deletes the veth pair with it; a shutdown hook
 * does the same if the test JVM exits before close.
 *
 * <p>{@link #create()} skips the test (JUnit assumption, "needs root and ip netns: ...") when not
 * running as root or when {@code ip netns add} fails.
 */
public final class NetNs implements AutoCloseable {

    /** One command's outcome. */
    public static final class Exec {
        public final int exitCode;
        public final String output;

        Exec(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ": " + output;
        }
    }

    /** A row of {@code /proc/net/tcp} or {@code tcp6}: the ports and the state (hex, e.g. 06 TIME_WAIT). */
    static final class TcpEntry {
        final int localPort;
        final int remotePort;
        final int state;

        TcpEntry(int localPort, int remotePort, int state) {
            this.localPort = localPort;
            this.remotePort = remotePort;
            this.state = state;
        }

        @Override
        public String toString() {
            return localPort + "->" + remotePort + " st=" + String.format("%02X", state);
        }
    }

    static final int TIME_WAIT = 0x06;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;
    private final String hostIf;
    private final String hostAddress;
    private final String nsAddress;
    private final Thread cleanup;
    private volatile boolean closed;

    private NetNs(String name, String hostIf, String hostAddress, String nsAddress) {
        this.name = name;
        this.hostIf = hostIf;
        this.hostAddress = hostAddress;
        this.nsAddress = nsAddress;
        this.cleanup = new Thread(this::delete, "netns-cleanup-" + name);
    }

    /** Creates the namespace and its veth link, or skips the test saying why it cannot. */
    public static NetNs create() throws IOException, InterruptedException {
        assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"),
                "needs root and ip netns: not Linux");
        Exec uid = run(10, "id", "-u");
        assumeTrue(uid.exitCode == 0 && uid.output.trim().equals("0"),
                "needs root and ip netns: running as uid " + uid.output.trim());
        String id = String.format("%06x", RANDOM.nextInt(1 << 24));
        String name = "pw-" + id;
        Exec add = run(10, "ip", "netns", "add", name);
        assumeTrue(add.exitCode == 0, "needs root and ip netns: ip netns add failed: " + add);

        int[] net = freeSlash30();
        String hostAddress = "10.200." + net[0] + "." + (net[1] + 1);
        String nsAddress = "10.200." + net[0] + "." + (net[1] + 2);
        NetNs ns = new NetNs(name, "pwh" + id, hostAddress, nsAddress);
        Runtime.getRuntime().addShutdownHook(ns.cleanup);
        try {
            ns.must("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
            ns.must("ip", "link", "add", ns.hostIf, "type", "veth", "peer", "name", "pwn" + id);
            ns.must("ip", "link", "set", "pwn" + id, "netns", name);
            ns.must("ip", "addr", "add", hostAddress + "/30", "dev", ns.hostIf);
            ns.must("ip", "link", "set", ns.hostIf, "up");
            ns.must("ip", "netns", "exec", name, "ip", "addr", "add", nsAddress + "/30", "dev", "pwn" + id);
            ns.must("ip", "netns", "exec", name, "ip", "link", "set", "pwn" + id, "up");
            return ns;
        } catch (RuntimeException | IOException | InterruptedException | Error e) {
            ns.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    /** The host end of the veth pair: bind the receiver here. */
    public InetAddress hostAddress() throws IOException {
        return InetAddress.getByName(hostAddress);
    }

    public String nsAddress() {
        return nsAddress;
    }

    /**
     * The settings that decide how fast TIME_WAIT ports come back: {@code tcp_timestamps} (without
     * them {@code tcp_tw_reuse=1} cannot reuse a port), {@code tcp_tw_reuse=1}, and the ephemeral
     * port range ({@code "FIRST LAST"}).
     */
    public void portReuse(boolean timestamps, String range) throws IOException, InterruptedException {
        sysctl("net.ipv4.tcp_timestamps", timestamps ? "1" : "0");
        sysctl("net.ipv4.tcp_tw_reuse", "1");
        sysctl("net.ipv4.ip_local_port_range", range);
    }

    /** {@code sysctl -w key=value} inside the namespace, then reads it back; fails the test if it did not take. */
    void sysctl(String key, String value) throws IOException, InterruptedException {
        inside("sysctl", "-w", key + "=" + value);
        String read = inside("sysctl", "-n", key).output.trim().replaceAll("\\s+", " ");
        if (!read.equals(value.trim().replaceAll("\\s+", " "))) {
            throw new AssertionError("sysctl " + key + " in " + name + " reads '" + read + "', not '" + value + "'");
        }
    }

    /** Runs a command inside the namespace; fails the test if it exits non-zero. */
    public Exec inside(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(Arrays.asList("ip", "netns", "exec", name));
        cmd.addAll(Arrays.asList(command));
        return must(cmd.toArray(new String[0]));
    }

    /**
     * The namespace's TCP table now, both families ({@code /proc/net/tcp6} and {@code /proc/net/tcp}),
     * read with {@code ip netns exec NS cat}.
     */
    List<TcpEntry> tcpTable() throws IOException, InterruptedException {
        String text = inside("cat", "/proc/net/tcp6", "/proc/net/tcp").output;
        List<TcpEntry> rows = new ArrayList<>();
        // "  12: 0000000000000000FFFF00000100007F:9C40 0000000000000000FFFF00000100007F:1B58 06 ..."
        Pattern row = Pattern.compile("^\\s*\\d+:\\s+[0-9A-Fa-f]+:([0-9A-Fa-f]{4})\\s+[0-9A-Fa-f]+:([0-9A-Fa-f]{4})\\s+([0-9A-Fa-f]{2})\\s");
        for (String line : text.split("\n")) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                rows.add(new TcpEntry(Integer.parseInt(m.group(1), 16), Integer.parseInt(m.group(2), 16),
                        Integer.parseInt(m.group(3), 16)));
            }
        }
        return rows;
    }

    /** The (local port, remote port) pairs in TIME_WAIT now, as {@code local << 16 | remote}. */
    public Set<Integer> timeWaitPorts() throws IOException, InterruptedException {
        Set<Integer> out = new HashSet<>();
        for (TcpEntry e : tcpTable()) {
            if (e.state == TIME_WAIT) out.add(e.localPort << 16 | e.remotePort);
        }
        return out;
    }

    public static int ports(long localPort, long remotePort) {
        return (int) (localPort << 16 | remotePort);
    }

    @Override
    public void close() {
        delete();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or has run
        }
    }

    private void delete() {
        if (closed) return;
        closed = true;
        try {
            run(30, "ip", "netns", "del", name);
            // Deleting the namespace destroys the veth pair; make sure of it.
            if (run(10, "ip", "link", "show", hostIf).exitCode == 0) {
                run(10, "ip", "link", "del", hostIf);
            }
        } catch (IOException | InterruptedException e) {
            System.err.println("could not delete network namespace " + name + ": " + e);
        }
    }

    private Exec must(String... command) throws IOException, InterruptedException {
        Exec e = run(30, command);
        if (e.exitCode != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + e);
        }
        return e;
    }

    /** Runs a command (stdout and stderr merged), killed past {@code timeoutSeconds}. */
    public static Exec run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Exec(-1, "cannot run " + command[0] + ": " + e.getMessage());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // the process went away
            }
        });
        reader.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            reader.join(1000);
            return new Exec(-1, "timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
        }
        reader.join(5000);
        return new Exec(p.exitValue(), new String(out.toByteArray(), StandardCharsets.UTF_8));
    }

    /**
     * A /30 in 10.200.0.0/16 that no address on the host overlaps: {third octet, first address of
     * the /30 in the fourth}. Addresses inside other namespaces cannot be seen, but they cannot
     * collide with ours either: only the host end lives in the host's routing table.
     */
    private static int[] freeSlash30() throws IOException, InterruptedException {
        Exec addrs = run(10, "ip", "-4", "-o", "addr", "show");
        Exec routes = run(10, "ip", "-4", "route", "show", "table", "all");
        Map<Long, Integer> taken = new HashMap<>();
        Pattern cidr = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+)(?:/(\\d+))?");
        for (String text : new String[] {addrs.output, routes.output}) {
            Matcher m = cidr.matcher(text);
            while (m.find()) {
                long a = ipv4(m.group(1));
                int len = m.group(2) == null ? 32 : Integer.parseInt(m.group(2));
                // A route as wide as the /16 or wider loses to our more specific /30 anyway.
                if (len > 16) taken.merge(a, len, Math::min);
            }
        }
        for (int attempt = 0; attempt < 200; attempt++) {
            int k = RANDOM.nextInt(1 << 14); // 16384 /30s in a /16
            long base = (10L << 24) | (200L << 16) | (k * 4L);
            boolean free = true;
            for (Map.Entry<Long, Integer> t : taken.entrySet()) {
                int len = Math.min(30, t.getValue());
                long mask = (0xFFFFFFFFL << (32 - len)) & 0xFFFFFFFFL;
                if ((t.getKey() & mask) == (base & mask)) {
                    free = false;
                    break;
                }
            }
            if (free) return new int[] {(int) ((base >> 8) & 0xFF), (int) (base & 0xFF)};
        }
        throw new AssertionError("no free /30 in 10.200.0.0/16 after 200 tries");
    }

    private static long ipv4(String dotted) {
        String[] p = dotted.split("\\.");
        long v = 0;
        for (String s : p) v = (v << 8) | (Integer.parseInt(s) & 0xFF);
        return v;
    }
}
