package io.portwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.kernel.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorTest {

    /** Runs doctor; returns {exit status, stdout, stderr}. */
    static Object[] doctor(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Doctor.run(args, new PrintStream(out, true), new PrintStream(err, true));
        return new Object[] {status, out.toString(), err.toString()};
    }

    @Test
    void theIncidentFailsOnTimestamps() {
        Object[] r = doctor("--root", Fixtures.root("incident").toString());
        String out = (String) r[1];
        assertEquals(Doctor.FAILED, r[0], out);
        assertTrue(out.contains("FAIL  tcp_timestamps"), out);
        assertTrue(out.contains("tcp_tw_reuse=1 is ineffective because tcp_timestamps=0"), out);
        assertTrue(out.contains("fix: sysctl -w net.ipv4.tcp_timestamps=1"), out);
        assertTrue(out.contains("WARN  ip_local_port_range"), out);
        assertTrue(out.contains("TIME_WAIT on this host: 315"), out);
        assertTrue(out.contains("899 usable per destination"), out);
        assertTrue(out.matches("(?s).*127\\.0\\.0\\.1:3306 +127\\.0\\.0\\.1 +1 +100 +1 +899 +11\\.3% +no.*"), out);
        assertTrue(out.contains("(exit 1)"), out);
        assertEquals("", r[2]);
        assertTrue(out.startsWith("portwatch doctor: the /proc under " + Fixtures.root("incident") + " — FAIL"), out);
    }

    /**
     * The processes holding a destination's open ports are named: here one holds the ESTABLISHED
     * and the FIN_WAIT2 row toward 127.0.0.1:3306 (inodes 8990 and 8992 of the fixture's table).
     */
    @Test
    void theProcessesHoldingOpenPortsAreNamed(@TempDir Path copy) throws IOException {
        Path root = copyOf(Fixtures.root("incident"), copy);
        Path fd = Files.createDirectories(root.resolve("proc/4711/fd"));
        Files.createSymbolicLink(fd.resolve("3"), Paths.get("socket:[8990]"));
        Files.createSymbolicLink(fd.resolve("4"), Paths.get("socket:[8992]"));
        Files.write(root.resolve("proc/4711/comm"), "python3\n".getBytes(StandardCharsets.ISO_8859_1));
        String out = (String) doctor("--root", root.toString())[1];
        assertTrue(out.matches("(?s).*Processes holding their open ports[^\n]*\n  127\\.0\\.0\\.1:3306 +process 4711 \\(python3\\) 2\n.*"),
            out);

        // Without a process that holds them, the destination says so.
        String none = (String) doctor("--root", Fixtures.root("incident").toString())[1];
        assertTrue(none.matches("(?s).*\n  127\\.0\\.0\\.1:3306 +\\(none found\\)\n.*"), none);
    }

    private static Path copyOf(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target); else Files.copy(p, target);
            }
        }
        return to;
    }

    /** The header says what was read: which network namespace, since each container has its own settings. */
    @Test
    void theHeaderNamesThisHostsNetworkNamespace() {
        String what = Doctor.what(new io.portwatch.kernel.ProcFs(java.nio.file.Paths.get("/")));
        assertTrue(what.matches("this host, network namespace (net:\\[\\d+]|\\(unknown\\))"), what);
        if (java.nio.file.Files.isSymbolicLink(java.nio.file.Paths.get("/proc/self/ns/net"))) {
            assertTrue(what.contains("net:["), what);
        }
    }

    @Test
    void healthyDefaultsPass() {
        Object[] r = doctor("--root", Fixtures.root("live").toString(), "--top", "2");
        String out = (String) r[1];
        assertEquals(Doctor.OK, r[0], out);
        assertTrue(out.contains("PASS  tcp_timestamps"), out);
        assertTrue(out.contains("Top 2 destinations"), out);
        assertTrue(out.contains("[::1]:8080") || out.contains("127.0.0.1:3306"), out);
        assertTrue(out.contains("Result: PASS"), out);
    }

    /** A namespace whose connection-tracking table is 96% full, and has dropped packets: a FAIL with the fix. */
    @Test
    void aConntrackTableNearFullFails() {
        Object[] r = doctor("--root", Fixtures.root("conntrack-full").toString());
        String out = (String) r[1];
        assertEquals(Doctor.FAILED, r[0], out);
        assertTrue(out.contains("FAIL  nf_conntrack_max"), out);
        assertTrue(out.contains("nf_conntrack_count=63000 of nf_conntrack_max=65536 (96%), 15 packets dropped"), out);
        assertTrue(out.contains("fix: raise net.netfilter.nf_conntrack_max"), out);
        Object[] live = doctor("--root", Fixtures.root("live").toString());
        assertTrue(((String) live[1]).contains("PASS  nf_conntrack_max"), (String) live[1]);
        assertTrue(((String) live[1]).contains("connection tracking is not loaded"), (String) live[1]);
    }

    @Test
    void anOldKernelWithRecycleFails() {
        Object[] r = doctor("--root", Fixtures.root("old-kernel").toString());
        String out = (String) r[1];
        assertEquals(Doctor.FAILED, r[0], out);
        assertTrue(out.contains("FAIL  tcp_tw_recycle"), out);
        assertTrue(out.contains("WARN  tcp_max_tw_buckets"), out);
        assertTrue(out.contains("TCPTimeWaitOverflow: 17"), out);
    }

    @Test
    void withoutSysctlsItWarnsButDoesNotFail() {
        Object[] r = doctor("--root", Fixtures.root("empty").toString());
        assertEquals(Doctor.OK, r[0]);
        assertTrue(((String) r[1]).contains("cannot read /proc/sys/net/ipv4/tcp_timestamps"), (String) r[1]);
    }

    @Test
    void unreadableTablesGiveOneLineAndStatusTwo(@TempDir Path nothing) {
        Object[] r = doctor("--root", nothing.toString());
        assertEquals(Doctor.UNAVAILABLE, r[0]);
        assertEquals("", r[1]);
        String err = ((String) r[2]).trim();
        assertTrue(err.startsWith("[portwatch] doctor: cannot read"), err);
        assertEquals(1, err.split("\n").length, err);
    }

    @Test
    void badArgumentsAreAUsageError() {
        assertEquals(Doctor.USAGE, doctor("--bogus")[0]);
        assertEquals(Doctor.USAGE, doctor("--top", "many")[0]);
        assertEquals(Doctor.OK, doctor("--help")[0]);
    }
}
