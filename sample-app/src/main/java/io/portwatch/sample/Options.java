package io.portwatch.sample;

/** The parsed command line. Immutable; build it with {@link OptionsParser}. */
public final class Options {
    /** Writes when neither --writes nor --duration is given. */
    public static final long DEFAULT_WRITES = 2000;
    public static final int DEFAULT_THREADS = 8;

    private final Mode mode;
    private final long writes;
    private final int threads;
    private final double rate;
    private final double durationSeconds;
    private final String jdbcUrl;
    private final String jdbcParams;
    private final String user;
    private final String password;
    private final boolean help;

    Options(Mode mode, long writes, int threads, double rate, double durationSeconds,
            String jdbcUrl, String jdbcParams, String user, String password, boolean help) {
        this.mode = mode;
        this.writes = writes;
        this.threads = threads;
        this.rate = rate;
        this.durationSeconds = durationSeconds;
        this.jdbcUrl = jdbcUrl;
        this.jdbcParams = jdbcParams;
        this.user = user;
        this.password = password;
        this.help = help;
    }

    public Mode mode() {
        return mode;
    }

    /** The most writes to attempt; 0 means no count limit (then {@link #durationSeconds()} bounds the run). */
    public long writes() {
        return writes;
    }

    public int threads() {
        return threads;
    }

    /** Writes per second over all threads; 0 = as fast as possible. */
    public double rate() {
        return rate;
    }

    /** The longest the load may run, in seconds; 0 means no time limit (then {@link #writes()} bounds it). */
    public double durationSeconds() {
        return durationSeconds;
    }

    /** The database URL, or null for the embedded MariaDB. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** Extra Connector/J properties appended to the URL ("k=v&k=v"), or null. */
    public String jdbcParams() {
        return jdbcParams;
    }

    /** null when not given. */
    public String user() {
        return user;
    }

    /** null when not given. */
    public String password() {
        return password;
    }

    public boolean help() {
        return help;
    }

    public boolean embedded() {
        return jdbcUrl == null;
    }
}
