package io.portwatch.sample;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Where the rows go: a Connector/J URL and, optionally, a user and password kept out of the URL. */
public final class DatabaseTarget {
    private final String url;
    private final String user;
    private final String password;

    public DatabaseTarget(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** The target named by the options, or null when the options ask for the embedded database. */
    static DatabaseTarget fromOptions(Options options) {
        if (options.embedded()) {
            return null;
        }
        return new DatabaseTarget(JdbcUrls.withParams(options.jdbcUrl(), options.jdbcParams()),
                options.user(), options.password());
    }

    /** The same target with extra URL properties ("k=v&k=v"); null or empty adds nothing. */
    public DatabaseTarget withParams(String params) {
        return new DatabaseTarget(JdbcUrls.withParams(url, params), user, password);
    }

    /** The full URL; may hold a password, so never print it: use {@link #redactedUrl()}. */
    public String url() {
        return url;
    }

    public String redactedUrl() {
        return JdbcUrls.redact(url);
    }

    /** null when the URL carries the user (or none is needed). */
    public String user() {
        return user;
    }

    /** null when the URL carries the password (or none is needed). */
    public String password() {
        return password;
    }

    /** A new physical connection through {@link DriverManager}. */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection(url, props);
    }

    @Override
    public String toString() {
        return redactedUrl();
    }
}
