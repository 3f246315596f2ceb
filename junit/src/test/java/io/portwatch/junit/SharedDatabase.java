package io.portwatch.junit;

import io.portwatch.sample.DatabaseTarget;
import io.portwatch.sample.EmbeddedDatabase;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One embedded MariaDB on a free 127.0.0.1 port for every test in this JVM, started on first use
 * (outside any recording) with its table ready, and stopped when the JVM exits. Its port is the
 * system property {@value #PORT_PROPERTY}, for budgets written {@code "*:${portwatch.test.db.port}"}.
 */
final class SharedDatabase {

    static final String PORT_PROPERTY = "portwatch.test.db.port";

    private static DatabaseTarget target;

    private SharedDatabase() {}

    static synchronized DatabaseTarget target() throws Exception {
        if (target == null) {
            EmbeddedDatabase db = EmbeddedDatabase.start();
            Runtime.getRuntime().addShutdownHook(new Thread(db::close, "embedded-mariadb-stop"));
            DatabaseTarget t = db.target();
            try (Connection c = t.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS budget_rows (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40))");
            }
            System.setProperty(PORT_PROPERTY, Integer.toString(db.port()));
            target = t;
        }
        return target;
    }

    static int port() throws Exception {
        target();
        return Integer.parseInt(System.getProperty(PORT_PROPERTY));
    }

    /** Inserts one row on {@code c}. */
    static void insert(Connection c, String value) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO budget_rows (v) VALUES (?)")) {
            ps.setString(1, value);
            ps.executeUpdate();
        }
    }
}
