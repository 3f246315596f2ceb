package io.portwatch.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reads this machine's real tables while it holds a loopback connection. Linux only. */
class LiveKernelTest {

    @BeforeAll
    static void linuxOnly() {
        assumeTrue(Fixtures.onLinux(), "the kernel tables exist on Linux only");
        assumeTrue(KernelAccess.check().available(), () -> KernelAccess.check().reason());
    }

    @Test
    void ownConnectionAppearsWithItsInodeInSelfFd() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             Socket client = new Socket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            try (Socket accepted = server.accept()) {
                int serverPort = server.getLocalPort();
                int clientPort = client.getLocalPort();
                List<long[]> found = new ArrayList<>(); // {state, inode, remotePort}
                TcpTableReader reader = new TcpTableReader();
                ProcFs.system().readTcpTables(reader, r -> {
                    if (IpAddress.isLoopback(r.localHi, r.localLo)
                        && (r.localPort == serverPort || r.localPort == clientPort)) {
                        found.add(new long[] {r.state, r.inode, r.localPort, r.remotePort});
                    }
                });
                long[] self = ProcFs.system().socketInodes("self");
                boolean listen = false;
                boolean clientRow = false;
                for (long[] f : found) {
                    if (f[0] == TcpState.LISTEN && f[2] == serverPort) {
                        listen = true;
                        assertTrue(SocketInodes.contains(self, f[1]), "the listener's inode is one of our fds");
                    }
                    if (f[0] == TcpState.ESTABLISHED && f[2] == clientPort) {
                        clientRow = true;
                        assertEquals(serverPort, f[3]);
                        assertTrue(SocketInodes.contains(self, f[1]), "the client's inode is one of our fds");
                    }
                }
                assertTrue(listen, "LISTEN row for port " + serverPort);
                assertTrue(clientRow, "ESTABLISHED row for client port " + clientPort);
            }
        }
    }

    @Test
    void liveSysctlsAreWholeValues() {
        // /proc/sys files misread byte by byte give "1" for 131072; the range must be two real ports.
        Sysctls s = ProcFs.system().sysctls();
        assertTrue(s.hasPortRange(), s.toString());
        assertTrue(s.portLow() >= 1 && s.portHigh() > s.portLow() && s.portHigh() <= 65535, s.toString());
        assertTrue(s.twReuse() >= 0 && s.twReuse() <= 2, s.toString());
        assertTrue(s.timestamps() >= 0 && s.timestamps() <= 2, s.toString());
        assertTrue(s.maxTwBuckets() >= 16, s.toString());
    }

    @Test
    void liveSockstatAndNetstatParse() throws IOException {
        Sockstat st = ProcFs.system().sockstat();
        assertTrue(st.tcpTimeWait() >= 0 && st.tcpInuse() >= 0, st.toString());
        assertTrue(ProcFs.system().netstat().timeWaitCreated() >= 0);
    }
}
