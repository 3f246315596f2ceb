package io.portwatch.sample;

import java.util.Locale;

/** Turns the command line into {@link Options}; every mistake becomes one {@link UsageException} line. */
public final class OptionsParser {
    static final long MAX_WRITES = 1_000_000_000L;
    static final int MAX_THREADS = 1024;
    static final double MAX_DURATION_SECONDS = 86_400;
    static final double MAX_RATE = 1_000_000;

    private Mode mode = Mode.CHURN;
    private long writes = -1;
    private int threads = Options.DEFAULT_THREADS;
    private double rate;
    private double duration = -1;
    private String jdbcUrl;
    private String jdbcParams;
    private String user;
    private String password;

    private OptionsParser() {
    }

    /** Parses {@code args}; {@code --help} anywhere wins over everything else. */
    public static Options parse(String... args) throws UsageException {
        for (String arg : args) {
            if ("--help".equals(arg) || "-h".equals(arg)) {
                return new Options(Mode.CHURN, Options.DEFAULT_WRITES, Options.DEFAULT_THREADS, 0, 0,
                        null, null, null, null, true);
            }
        }
        return new OptionsParser().parseAll(args);
    }

    private Options parseAll(String[] args) throws UsageException {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + JdbcUrls.redact(arg) + "'");
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!isKnown(name)) {
                throw new UsageException("unknown option " + name);
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException(name + " needs a value");
                }
                value = args[++i];
            }
            if (value.isEmpty()) {
                throw new UsageException(name + " needs a value");
            }
            apply(name, value);
        }
        return build();
    }

    private static boolean isKnown(String name) {
        switch (name) {
            case "--mode":
            case "--writes":
            case "--threads":
            case "--rate":
            case "--duration":
            case "--jdbc-url":
            case "--jdbc-params":
            case "--user":
            case "--password":
                return true;
            default:
                return false;
        }
    }

    private void apply(String name, String value) throws UsageException {
        switch (name) {
            case "--mode":
                mode = Mode.fromCliName(value);
                if (mode == null) {
                    throw new UsageException("--mode must be one of " + Mode.choices() + ", got '" + value + "'");
                }
                break;
            case "--writes":
                writes = wholeNumber(name, value, 1, MAX_WRITES);
                break;
            case "--threads":
                threads = (int) wholeNumber(name, value, 1, MAX_THREADS);
                break;
            case "--rate":
                rate = number(name, value, 0, MAX_RATE, true, "writes per second (0 = as fast as possible)");
                break;
            case "--duration":
                duration = number(name, value, 0, MAX_DURATION_SECONDS, false, "seconds");
                break;
            case "--jdbc-url":
                if (!value.toLowerCase(Locale.ROOT).startsWith("jdbc:mysql:")) {
                    throw new UsageException("--jdbc-url must start with jdbc:mysql://, got '"
                            + JdbcUrls.redact(value) + "'");
                }
                jdbcUrl = value;
                break;
            case "--jdbc-params":
                jdbcParams = stripLeading(value);
                if (jdbcParams.isEmpty() || !jdbcParams.contains("=")) {
                    throw new UsageException("--jdbc-params must look like key=value&key=value, got '"
                            + JdbcUrls.redact(value) + "'");
                }
                break;
            case "--user":
                user = value;
                break;
            case "--password":
                password = value;
                break;
            default:
                throw new UsageException("unknown option " + name);
        }
    }

    private Options build() throws UsageException {
        if (jdbcUrl == null && (user != null || password != null)) {
            throw new UsageException("--user and --password need --jdbc-url"
                    + " (the embedded database uses its own account)");
        }
        long effectiveWrites = writes;
        double effectiveDuration = duration;
        if (writes < 0 && duration < 0) {
            effectiveWrites = Options.DEFAULT_WRITES;
        }
        if (effectiveWrites < 0) {
            effectiveWrites = 0;
        }
        if (effectiveDuration < 0) {
            effectiveDuration = 0;
        }
        return new Options(mode, effectiveWrites, threads, rate, effectiveDuration, jdbcUrl, jdbcParams,
                user, password, false);
    }

    private static String stripLeading(String params) {
        int start = 0;
        while (start < params.length() && (params.charAt(start) == '?' || params.charAt(start) == '&')) {
            start++;
        }
        return params.substring(start);
    }

    private static long wholeNumber(String name, String value, long min, long max) throws UsageException {
        long parsed;
        try {
            parsed = Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            parsed = Long.MIN_VALUE;
        }
        if (parsed < min || parsed > max) {
            throw new UsageException(name + " must be a whole number from " + min + " to " + max
                    + ", got '" + value + "'");
        }
        return parsed;
    }

    private static double number(String name, String value, double min, double max, boolean minAllowed,
            String unit) throws UsageException {
        double parsed;
        try {
            parsed = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            parsed = Double.NaN;
        }
        boolean aboveMin = minAllowed ? parsed >= min : parsed > min;
        if (Double.isNaN(parsed) || !aboveMin || parsed > max) {
            throw new UsageException(name + " must be a number of " + unit + ", "
                    + (minAllowed ? "from " : "above ") + format(min) + " to " + format(max)
                    + ", got '" + value + "'");
        }
        return parsed;
    }

    private static String format(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    /** The text printed by {@code --help}. */
    public static String usage() {
        return String.join(System.lineSeparator(),
                "Usage: java -jar sample-app.jar [options]",
                "",
                "Writes rows to MySQL/MariaDB from several threads, to reproduce connection churn",
                "(TIME_WAIT, ephemeral-port exhaustion) and its cures. Without --jdbc-url it starts",
                "an embedded MariaDB on a free 127.0.0.1 port and stops it on exit.",
                "",
                "Options:",
                "  --mode MODE          " + Mode.choices() + " (default churn)",
                "                         churn        new connection per write, closed after it",
                "                         pooled       HikariCP pool 'sample-pool' (the cure)",
                "                         abort        new connection per write, ended with Connection.abort()",
                "                         idle-timeout pool idles past the server's wait_timeout ("
                        + BatchPlan.WAIT_TIMEOUT_SECONDS + " s),",
                "                                      so the server closes first (Aborted_clients)",
                "  --writes N           writes to attempt (default " + Options.DEFAULT_WRITES
                        + " unless --duration is given)",
                "  --duration SECONDS   run for at most this long; with --writes, stops at whichever comes first",
                "  --threads N          writer threads (default " + Options.DEFAULT_THREADS + ")",
                "  --rate N             writes per second over all threads; 0 = as fast as possible (default 0)",
                "  --jdbc-url URL       jdbc:mysql://host:port/db[?user=..&password=..&sslMode=..]",
                "  --user NAME          database user (with --jdbc-url)",
                "  --password SECRET    database password (with --jdbc-url); never printed",
                "  --jdbc-params P      extra Connector/J properties appended to the URL, e.g. sslMode=DISABLED",
                "  --help, -h           this text",
                "",
                "Exit codes: 0 run completed (failed writes are counted, not fatal), 1 database unreachable",
                "or unusable, 2 bad options.");
    }
}
