package io.portwatch.agent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The agent's configuration: {@code -javaagent:portwatch-agent.jar=key=value,key=value}, or system
 * property {@code portwatch.<key>}, or environment variable {@code PORTWATCH_<KEY>} (upper case,
 * dots and dashes as underscores), in that order of precedence, over the defaults.
 *
 * <p>A bad entry never stops the application: it gives one line on stderr and the default is used.
 * Exporting is not configured here: the export reads the OpenTelemetry {@code OTEL_*} variables
 * ({@link io.portwatch.export.ExportConfig}), and agent arguments named {@code otel.*} are passed
 * to it as they are.
 */
public final class AgentConfig {

    /** One configuration key: its name, default, how to read it, and what it is for. */
    public static final class Option {
        public final String key;
        public final String defaultValue;
        public final String help;
        private final Parser parser;

        Option(String key, String defaultValue, Parser parser, String help) {
            this.key = key;
            this.defaultValue = defaultValue;
            this.parser = parser;
            this.help = help;
        }
    }

    /**
     * How an option's text is read: the parsed value, or an IllegalArgumentException that says
     * what was expected. One class for every kind, not a lambda each: each lambda is a class the
     * JVM spins, and the configuration is read before {@code main}.
     */
    private static final class Parser {
        private enum Kind { BOOLEAN, INTEGER, NUMBER, POWER_OF_TWO, PREFIXES, BUDGETS, ONE_OF, TEXT }

        private final Kind kind;
        private final double min;
        private final double max;
        private final String[] values;

        private Parser(Kind kind, double min, double max, String... values) {
            this.kind = kind;
            this.min = min;
            this.max = max;
            this.values = values;
        }

        Object parse(String text) {
            switch (kind) {
                case BOOLEAN:
                    if (text.equalsIgnoreCase("true")) return Boolean.TRUE;
                    if (text.equalsIgnoreCase("false")) return Boolean.FALSE;
                    throw new IllegalArgumentException("expected true or false");
                case INTEGER:
                    return integer(text, (int) min, (int) max);
                case NUMBER:
                    return number(text);
                case POWER_OF_TWO:
                    int v = integer(text, (int) min, Integer.MAX_VALUE);
                    if (v > max) throw new IllegalArgumentException("expected at most " + (int) max);
                    if (Integer.bitCount(v) != 1) throw new IllegalArgumentException("expected a power of two, e.g. 16384");
                    return v;
                case PREFIXES:
                    List<String> out = new ArrayList<>();
                    for (String p : entries(text)) out.add(p.trim());
                    return Collections.unmodifiableList(out);
                case BUDGETS:
                    return budgets(text);
                case ONE_OF:
                    for (String value : values) {
                        if (value.equalsIgnoreCase(text.trim())) return value;
                    }
                    throw new IllegalArgumentException("expected one of " + String.join(", ", values));
                default:
                    return text.trim();
            }
        }

        private static int integer(String text, int min, int max) {
            int v;
            try {
                v = Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a whole number");
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException(max == Integer.MAX_VALUE ? "expected a number of at least " + min
                        : "expected a number from " + min + " to " + max);
            }
            return v;
        }

        private double number(String text) {
            double v;
            try {
                v = Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a number");
            }
            if (!(v >= min && v <= max)) throw new IllegalArgumentException("expected a number from " + min + " to " + max);
            return v;
        }

        /** Connection budgets: {@code destination=max} entries separated by ';', e.g. {@code *:3306=100;db:5432=20}. */
        private static Map<String, Long> budgets(String text) {
            Map<String, Long> out = new LinkedHashMap<>();
            for (String entry : entries(text)) {
                int eq = entry.lastIndexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("expected destination=max entries separated by ';', e.g. *:3306=100");
                String destination = io.portwatch.api.DestinationPattern.parse(entry.substring(0, eq)).toString();
                long max = integer(entry.substring(eq + 1), 0, Integer.MAX_VALUE);
                out.put(destination, max);
            }
            return Collections.unmodifiableMap(out);
        }

        /**
         * The ';'-separated entries of a list; an empty list is an empty text. An empty entry (a stray
         * ';') is a mistake like any other: whatever was meant there is not known.
         */
        private static String[] entries(String text) {
            if (text.trim().isEmpty()) return new String[0];
            String[] entries = text.split(";", -1);
            for (String e : entries) {
                if (e.trim().isEmpty()) throw new IllegalArgumentException("an empty entry (a stray ';')");
            }
            return entries;
        }
    }

    private static final Parser BOOLEAN = new Parser(Parser.Kind.BOOLEAN, 0, 0);
    /** Buffer sizes: from 64 to 2^20. */
    private static final Parser POWER_OF_TWO = new Parser(Parser.Kind.POWER_OF_TWO, 64, 1 << 20);
    /** Prefixes separated by ';' (a ',' would end the agent argument). */
    private static final Parser PREFIXES = new Parser(Parser.Kind.PREFIXES, 0, 0);
    private static final Parser BUDGETS = new Parser(Parser.Kind.BUDGETS, 0, 0);
    private static final Parser TEXT = new Parser(Parser.Kind.TEXT, 0, 0);

    private static Parser intAtLeast(int min) {
        return intBetween(min, Integer.MAX_VALUE);
    }

    private static Parser intBetween(int min, int max) {
        return new Parser(Parser.Kind.INTEGER, min, max);
    }

    private static Parser numberBetween(double min, double max) {
        return new Parser(Parser.Kind.NUMBER, min, max);
    }

    private static Parser oneOf(String... values) {
        return new Parser(Parser.Kind.ONE_OF, 0, 0, values);
    }

    public static final List<Option> OPTIONS = Collections.unmodifiableList(Arrays.asList(
            new Option("enabled", "true", BOOLEAN,
                    "false switches the agent off; the application runs untouched"),
            new Option("callsite", "true", BOOLEAN,
                    "record the first application frame that opened each connection"),
            new Option("callsite.limit", "1000", intAtLeast(0),
                    "most stack walks per second for call sites, JVM-wide (0: no limit); past it, connections are recorded without a call site"),
            new Option("callsite.skip", "", PREFIXES,
                    "more class-name prefixes that are not application code, separated by ';'"),
            new Option("buffer.size", "16384", POWER_OF_TWO,
                    "events buffered between application threads and the tracker (power of two); past it, events are dropped and counted"),
            new Option("max.open", "65536", intAtLeast(1),
                    "most open connections tracked at once; more are counted but not tracked"),
            new Option("instrument.netty", "true", BOOLEAN,
                    "instrument Netty's native epoll (4.1, 4.2) and io_uring (4.2) transports, shaded copies too; false leaves their"
                            + " connections unseen"),
            new Option("kernel", "true", BOOLEAN,
                    "read the kernel's TCP tables (Linux): confirm TIME_WAITs and closers, compute port budgets, warn"),
            new Option("kernel.interval", "2000", intAtLeast(100),
                    "milliseconds between port-budget samples (a read of the tables also starts no sooner than 50 times the last read's duration after it)"),
            new Option("warn.horizon", "60", numberBetween(1, 86400),
                    "warn when a destination would run out of ports within this many seconds"),
            new Option("warn.share", "0.8", numberBetween(0.1, 1.0),
                    "warn when a destination uses more than this share of its ports"),
            new Option("summary", "auto", oneOf("auto", "on", "off", "short", "full"),
                    "the churn summary on stderr at exit: short, full or off; auto: short when no OpenTelemetry"
                            + " exporter is configured, else off; on: short"),
            new Option("spans", "sampled", oneOf("sampled", "all", "off"),
                    "which connections become spans: sampled (destinations under a warning, the first 20 of each"
                            + " destination and call site, failures and resets apart, then one every 10 s of each, every"
                            + " second for failures and resets, saying how many it stands for), all, or off; the metrics"
                            + " count every connection"),
            new Option("report", "", TEXT,
                    "write the churn report as a self-contained HTML page to this file at exit (owner-only); empty: none"),
            new Option("budget.connects", "", BUDGETS,
                    "whole-run budget: most physical connects per destination, e.g. *:3306=100;db:5432=20; checked at exit"),
            new Option("budget.local.closes", "", BUDGETS,
                    "whole-run budget: most local closes (TIME_WAITs left here) per destination, same form"),
            new Option("budget.exit.status", "3", intBetween(0, 255),
                    "exit status when a whole-run budget is not kept (0: print the verdict only)"),
            new Option("debug", "false", BOOLEAN,
                    "print what the agent instruments and does")));

    /**
     * Keys that no longer do anything, with the line that says so. They are accepted, so that a
     * configuration written for an earlier agent still starts it.
     */
    private static final Map<String, String> RETIRED = Collections.singletonMap("startup",
            "startup is no longer needed and is ignored: the JDK's socket classes are instrumented as they"
                    + " load, and JDBC on an agent thread");

    private final Map<String, Object> values;
    private final Map<String, String> otelArguments;
    private final List<String> notes;

    private AgentConfig(Map<String, Object> values, Map<String, String> otelArguments, List<String> notes) {
        this.values = values;
        this.otelArguments = Collections.unmodifiableMap(otelArguments);
        this.notes = Collections.unmodifiableList(notes);
    }

    /**
     * Reads the configuration; every problem goes to {@code problems}, and the value concerned
     * falls back to its default. The agent does not start with a configuration that had problems
     * ({@link AgentStart}): what was meant is not known.
     */
    public static AgentConfig load(String agentArgs, Map<String, String> env, Properties props,
                                   Consumer<String> problems) {
        Map<String, Option> known = new LinkedHashMap<>();
        for (Option o : OPTIONS) known.put(o.key, o);

        Map<String, String> raw = new LinkedHashMap<>();
        Map<String, String> otel = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith("PORTWATCH_")) {
                String key = fromEnvName(e.getKey(), known.keySet());
                if (retired(fromEnvName(e.getKey(), RETIRED.keySet()), notes)) {
                    continue;
                }
                if (key == null) {
                    problems.accept("unknown environment variable " + e.getKey() + " (known keys: " + keys() + ")");
                } else {
                    raw.put(key, e.getValue());
                }
            }
        }
        for (String name : props.stringPropertyNames()) {
            if (name.startsWith("portwatch.")) {
                String key = name.substring("portwatch.".length());
                if (retired(key, notes)) {
                    continue;
                }
                if (!known.containsKey(key)) {
                    problems.accept("unknown system property " + name + " (known keys: " + keys() + ")");
                } else {
                    raw.put(key, props.getProperty(name));
                }
            }
        }
        if (agentArgs != null && !agentArgs.trim().isEmpty()) {
            boolean stray = false;
            for (String entry : agentArgs.split(",", -1)) {
                if (entry.trim().isEmpty()) {
                    stray = true;
                    continue;
                }
                int eq = entry.indexOf('=');
                if (eq <= 0) {
                    problems.accept("agent argument '" + entry + "': expected key=value");
                    continue;
                }
                String key = entry.substring(0, eq).trim();
                if (key.startsWith("otel.")) {
                    // For the export (ExportConfig); the way to set them on a JVM that is already running.
                    otel.put(key, entry.substring(eq + 1).trim());
                    continue;
                }
                if (retired(key, notes)) {
                    continue;
                }
                if (!known.containsKey(key)) {
                    problems.accept("unknown agent argument '" + key + "' (known keys: " + keys() + ")");
                    continue;
                }
                raw.put(key, entry.substring(eq + 1));
            }
            if (stray) problems.accept("agent arguments '" + agentArgs + "': an empty entry (a stray ',')");
        }

        Map<String, Object> values = new LinkedHashMap<>();
        for (Option o : OPTIONS) {
            values.put(o.key, o.parser.parse(o.defaultValue));
            String text = raw.get(o.key);
            if (text == null) continue;
            try {
                values.put(o.key, o.parser.parse(text.trim()));
            } catch (IllegalArgumentException e) {
                problems.accept(o.key + "=" + text + ": " + e.getMessage());
            }
        }
        return new AgentConfig(values, otel, notes);
    }

    /** True for a retired key, whose line is then noted once. */
    private static boolean retired(String key, List<String> notes) {
        String note = key == null ? null : RETIRED.get(key);
        if (note != null && !notes.contains(note)) {
            notes.add(note);
        }
        return note != null;
    }

    private static String fromEnvName(String envName, java.util.Collection<String> known) {
        String suffix = envName.substring("PORTWATCH_".length());
        for (String key : known) {
            if (key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_').equals(suffix)) return key;
        }
        return null;
    }

    private static String keys() {
        List<String> k = new ArrayList<>();
        for (Option o : OPTIONS) k.add(o.key);
        return String.join(", ", k);
    }

    public boolean enabled() { return (Boolean) values.get("enabled"); }
    public boolean callSites() { return (Boolean) values.get("callsite"); }
    public int callSiteLimit() { return (Integer) values.get("callsite.limit"); }
    @SuppressWarnings("unchecked")
    public List<String> callSiteSkip() { return (List<String>) values.get("callsite.skip"); }
    public int bufferSize() { return (Integer) values.get("buffer.size"); }
    public int maxOpen() { return (Integer) values.get("max.open"); }
    public boolean kernel() { return (Boolean) values.get("kernel"); }
    public boolean instrumentNetty() { return (Boolean) values.get("instrument.netty"); }
    public int kernelIntervalMillis() { return (Integer) values.get("kernel.interval"); }
    public double warnHorizonSeconds() { return (Double) values.get("warn.horizon"); }
    public double warnShare() { return (Double) values.get("warn.share"); }
    public String summary() { return (String) values.get("summary"); }
    /** The HTML report's file, or "" for none. */
    public String report() { return (String) values.get("report"); }
    public boolean debug() { return (Boolean) values.get("debug"); }
    /** The span policy: {@code sampled}, {@code all} or {@code off}. */
    public String spans() { return (String) values.get("spans"); }

    /** Lines to say once at start-up, about settings that were accepted but do nothing. */
    public List<String> notes() { return notes; }

    /**
     * The {@code otel.*} entries of the agent arguments: OpenTelemetry export settings that win over
     * the JVM's own {@code OTEL_*} environment and {@code otel.*} system properties.
     */
    public Map<String, String> otelArguments() { return otelArguments; }

    /** The whole-run connection budgets, one per destination pattern; empty when none is set. */
    @SuppressWarnings("unchecked")
    public List<io.portwatch.api.Budget> budgets() {
        Map<String, Long> connects = (Map<String, Long>) values.get("budget.connects");
        Map<String, Long> closes = (Map<String, Long>) values.get("budget.local.closes");
        Map<String, io.portwatch.api.Budget> out = new LinkedHashMap<>();
        for (String d : connects.keySet()) out.put(d, null);
        for (String d : closes.keySet()) out.put(d, null);
        for (String d : out.keySet()) {
            out.put(d, new io.portwatch.api.Budget(io.portwatch.api.DestinationPattern.parse(d),
                    connects.getOrDefault(d, io.portwatch.api.Budget.UNLIMITED),
                    closes.getOrDefault(d, io.portwatch.api.Budget.UNLIMITED)));
        }
        return new ArrayList<>(out.values());
    }

    public int budgetExitStatus() { return (Integer) values.get("budget.exit.status"); }
}
