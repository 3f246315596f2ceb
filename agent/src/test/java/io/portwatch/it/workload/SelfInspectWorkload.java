package io.portwatch.it.workload;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes a few loopback connections (so that the agent records and exports), waits for the agent
 * to have run a while, then prints every TCP socket in LISTEN state that this process owns, from
 * {@code /proc/self/fd} and {@code /proc/self/net/tcp*}: {@code listening: [port, ...]}. The
 * application itself listens on nothing by then. Usage: {@code SelfInspectWorkload ARGS...}
 * (the arguments are ignored: tests put marker secrets there).
 */
public final class SelfInspectWorkload {

    public static void main(String[] args) throws Exception {
        InetAddress host = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 50, host)) {
            for (int i = 0; i < 5; i++) {
                try (Socket s = new Socket(host, server.getLocalPort()); Socket a = server.accept()) {
                    s.getOutputStream().write(1);
                }
            }
            // The same inspection must see the application's own listener: proof that it works.
            System.out.println("listening while serving: " + listeningPorts() + " (own " + server.getLocalPort() + ")");
        }
        Thread.sleep(3000); // the exporter's batches and metrics go out meanwhile
        System.out.println("listening: " + listeningPorts());
    }

    static List<Integer> listeningPorts() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String link = Files.readSymbolicLink(fd).toString();
                    if (link.startsWith("socket:[")) inodes.add(link.substring(8, link.length() - 1));
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        }
        List<Integer> ports = new ArrayList<>();
        for (String table : new String[]{"/proc/self/net/tcp", "/proc/self/net/tcp6"}) {
            Path p = Paths.get(table);
            if (!Files.exists(p)) continue;
            List<String> lines = Files.readAllLines(p);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // f[1] local address:port (hex), f[3] state (0A = LISTEN), f[9] inode
                if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
                    String local = f[1];
                    ports.add(Integer.parseInt(local.substring(local.indexOf(':') + 1), 16));
                }
            }
        }
        return ports;
    }
}
