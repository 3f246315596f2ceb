package io.portwatch.it.workload;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * An application whose whole visible behaviour is known: it makes N loopback connections, prints
 * one line per connection and a last line, and exits with the code it was given. Usage:
 * {@code ExitCodeWorkload N EXIT_CODE}.
 */
public final class ExitCodeWorkload {

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int exitCode = Integer.parseInt(args[1]);
        InetAddress host = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 50, host)) {
            for (int i = 0; i < n; i++) {
                try (Socket client = new Socket(host, server.getLocalPort()); Socket accepted = server.accept()) {
                    client.getOutputStream().write(i);
                    InputStream in = accepted.getInputStream();
                    System.out.println("connection " + i + " read " + in.read());
                }
            }
        }
        System.out.println("application done");
        System.exit(exitCode);
    }
}
