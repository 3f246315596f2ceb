package io.portwatch.it.workload;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.Driver;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * JDBC around the moment portwatch installs its library advice, against a loopback server and
 * {@link StubDriver}. Usage: {@code JdbcInstallWorkload MODE}, MODE one of:
 * <ul>
 *   <li>{@code first}: one JDBC connect first thing in {@code main}, before the agent can have
 *       installed its JDBC advice; prints {@code advice installed before the connect: BOOLEAN};</li>
 *   <li>{@code race}: loads a new copy of the driver (each in a class loader of its own) every
 *       20 ms from the moment the first one triggers the install until it is in place, and a few
 *       after; then connects once through each copy. Prints
 *       {@code drivers loaded: N, during the install: K} and {@code port P}.</li>
 * </ul>
 */
public final class JdbcInstallWorkload {

    public static void main(String[] args) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        ServerSocket server = AttachWorkload.serve(new ServerSocket(0, 200, loopback));
        String url = StubDriver.PREFIX + "127.0.0.1:" + server.getLocalPort() + "/stub";
        System.out.println("port " + server.getLocalPort());
        switch (args[0]) {
            case "first": {
                Driver driver = new StubDriver();
                boolean installed = LibraryAdvice.installed();
                try (Connection c = driver.connect(url + "?first", new Properties())) {
                    System.out.println("advice installed before the connect: " + installed);
                }
                break;
            }
            case "race": {
                URL classes = StubDriver.class.getProtectionDomain().getCodeSource().getLocation();
                List<Driver> drivers = new ArrayList<>();
                int duringInstall = 0;
                int afterInstall = 0;
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (afterInstall < 3 && System.nanoTime() < deadline) {
                    boolean installedBefore = LibraryAdvice.installed();
                    // Its own loader, under the platform loader: a driver class the JVM has never seen.
                    ClassLoader own = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader());
                    drivers.add((Driver) own.loadClass(StubDriver.class.getName()).getConstructor().newInstance());
                    if (installedBefore) afterInstall++; else if (drivers.size() > 1) duringInstall++;
                    Thread.sleep(20);
                }
                for (int i = 0; i < drivers.size(); i++) {
                    try (Connection c = drivers.get(i).connect(url + "?driver=" + i, new Properties())) {
                        c.isClosed();
                    }
                }
                System.out.println("drivers loaded: " + drivers.size() + ", during the install: " + duringInstall);
                break;
            }
            default:
                throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.out.println("jdbc install workload done");
    }
}
