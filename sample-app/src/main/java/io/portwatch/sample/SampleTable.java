package io.portwatch.sample;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The table the sample writes to: its DDL, the one-row insert, and counting a run's rows. */
public final class SampleTable {
    public static final String NAME = "sample_rows";

    private static final String CREATE = "CREATE TABLE IF NOT EXISTS " + NAME + " ("
            + " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
            + " run_id VARCHAR(32) NOT NULL,"
            + " mode VARCHAR(16) NOT NULL,"
            + " worker INT NOT NULL,"
            + " seq BIGINT NOT NULL,"
            + " payload VARCHAR(255) NOT NULL,"
            + " written_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),"
            + " KEY sample_rows_run (run_id)"
            + ") ENGINE=InnoDB";
    private static final String INSERT =
            "INSERT INTO " + NAME + " (run_id, mode, worker, seq, payload) VALUES (?, ?, ?, ?, ?)";
    private static final String COUNT = "SELECT COUNT(*) FROM " + NAME + " WHERE run_id = ?";

    private SampleTable() {
    }

    public static void create(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(CREATE);
        }
    }

    /** Inserts one row (autocommit, as the incident's job did). */
    public static void insert(Connection connection, String runId, Mode mode, int worker, long seq)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
            statement.setString(1, runId);
            statement.setString(2, mode.cliName());
            statement.setInt(3, worker);
            statement.setLong(4, seq);
            statement.setString(5, "reading " + seq + " from worker " + worker);
            statement.executeUpdate();
        }
    }

    public static long countRows(Connection connection, String runId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(COUNT)) {
            statement.setString(1, runId);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
