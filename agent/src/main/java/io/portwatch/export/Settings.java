package io.portwatch.export;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@code otel.*} settings, resolved the way the SDK's {@code DefaultConfigProperties} does it,
 * and read with the types the SDK's autoconfiguration gives them; what cannot be read is collected
 * as one problem line per setting, naming it as a variable and as a property
 * ({@code OTEL_BSP_SCHEDULE_DELAY (otel.bsp.schedule.delay)}), since either may be where it was set.
 *
 * <p>Keys: an environment variable is lower-cased with {@code _} made {@code .}
 * ({@code OTEL_X_Y} is {@code otel.x.y}); a system property or agent argument is lower-cased with
 * {@code -} and {@code _} made {@code .}. The agent's arguments win over system properties, which
 * win over the environment, a value being taken from the first source that has the key, even
 * when it is empty there.
 *
 * <p>Values: trimmed, and an empty one means the default. The SDK's typed reads (numbers,
 * durations, booleans, lists, maps) already treat an empty value as unset; its plain strings do
 * not (an empty endpoint or protocol would reject the whole configuration, an empty service name
 * would be the service name), and it trims list and map entries and durations but not the others
 * (a port {@code " 9464"} is rejected, {@code " true"} is false): here all alike, since a stray
 * space or an empty {@code OTEL_X=} in a deployment file is no reason to export nothing.
 */
final class Settings {

    private final Map<String, String> values;
    /** In the order found, each once: the same general setting may be read for three signals. */
    private final Set<String> problems = new LinkedHashSet<>();
    private final Set<String> notes = new LinkedHashSet<>();
    /** While reading settings that nothing uses (a signal not exported): no problem, no note. */
    private boolean quiet;

    private Settings(Map<String, String> values) {
        this.values = values;
    }

    static Settings resolve(Map<String, String> arguments, Properties system, Map<String, String> env) {
        Map<String, String> values = new HashMap<>();
        if (env != null) {
            for (Map.Entry<String, String> e : env.entrySet()) {
                put(values, envKey(e.getKey()), e.getValue());
            }
        }
        if (system != null) {
            // A copy, as the SDK takes: the application may set properties meanwhile.
            Properties copy = (Properties) system.clone();
            for (Map.Entry<Object, Object> e : copy.entrySet()) {
                if (e.getKey() instanceof String && e.getValue() instanceof String) {
                    put(values, propertyKey((String) e.getKey()), (String) e.getValue());
                }
            }
        }
        if (arguments != null) {
            for (Map.Entry<String, String> e : arguments.entrySet()) {
                put(values, propertyKey(e.getKey()), e.getValue());
            }
        }
        return new Settings(values);
    }

    private static void put(Map<String, String> values, String key, String value) {
        if (key.startsWith("otel.") && value != null) values.put(key, value.trim());
    }

    static String envKey(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    static String propertyKey(String name) {
        return name.toLowerCase(Locale.ROOT).replace('-', '.').replace('_', '.');
    }

    /** {@code OTEL_BSP_SCHEDULE_DELAY (otel.bsp.schedule.delay)}: how problem lines name a setting. */
    static String name(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_') + " (" + key + ")";
    }

    /** The value, trimmed; null when not set or empty. */
    String get(String key) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? null : v;
    }

    String get(String key, String defaultValue) {
        String v = get(key);
        return v == null ? defaultValue : v;
    }

    boolean isSet(String key) {
        return get(key) != null;
    }

    /** The value of the first of {@code keys} that is set, or null: a signal's own setting, then the general one. */
    String key(String... keys) {
        for (String k : keys) {
            if (isSet(k)) return k;
        }
        return null;
    }

    void problem(String line) {
        if (!quiet) problems.add(line);
    }

    List<String> problems() {
        return new ArrayList<>(problems);
    }

    void note(String line) {
        if (!quiet) notes.add(line);
    }

    List<String> notes() {
        return new ArrayList<>(notes);
    }

    /** Sets whether problems and notes are dropped, and returns what it was. */
    boolean quiet(boolean quiet) {
        boolean was = this.quiet;
        this.quiet = quiet;
        return was;
    }

    boolean quiet() {
        return quiet;
    }

    /** The SDK's {@code getBoolean}: {@code true} in any case is true, anything else false. */
    boolean bool(String key) {
        return Boolean.parseBoolean(get(key));
    }

    /** An {@code int} of at least {@code min}, or {@code defaultValue} (unset, or said as a problem). */
    int integer(String key, int defaultValue, int min, String expected) {
        String v = get(key);
        if (v == null) return defaultValue;
        try {
            int n = Integer.parseInt(v);
            if (n >= min) return n;
        } catch (NumberFormatException e) {
            // said below
        }
        problem(name(key) + " is " + v + ": expected " + expected);
        return defaultValue;
    }

    /** A double, or {@code defaultValue} (unset, or said as a problem). */
    double decimal(String key, double defaultValue, double min, double max, String expected) {
        String v = get(key);
        if (v == null) return defaultValue;
        try {
            double d = Double.parseDouble(v);
            if (d >= min && d <= max) return d;
        } catch (NumberFormatException e) {
            // said below
        }
        problem(name(key) + " is " + v + ": expected " + expected);
        return defaultValue;
    }

    /**
     * A duration in milliseconds, read as the SDK's {@code getDuration} reads it: a whole number
     * with an optional unit after it ({@code ms}, the default, {@code s}, {@code m}, {@code h},
     * {@code d}, {@code us}, {@code ns}). Zero is {@code Long.MAX_VALUE} when {@code zeroIsNoLimit}
     * (the SDK's timeouts), refused when {@code positive}; negative values are refused.
     */
    long millis(String key, long defaultMillis, boolean positive, boolean zeroIsNoLimit) {
        String v = get(key);
        if (v == null) return defaultMillis;
        long nanos = nanos(v);
        if (nanos == Long.MIN_VALUE) {
            problem(name(key) + " is " + v + ": expected a duration, a whole number of milliseconds or one with"
                    + " a unit: ms, s, m, h, d, us or ns (e.g. 5000 or 5s)");
            return defaultMillis;
        }
        if (nanos < 0 || (positive && nanos == 0)) {
            problem(name(key) + " is " + v + ": expected a duration " + (positive ? "above zero" : "of zero or more"));
            return defaultMillis;
        }
        if (nanos == 0 && zeroIsNoLimit) return Long.MAX_VALUE;
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
        // 500us is a positive duration the SDK accepts; in whole milliseconds it would be none.
        return millis == 0 && nanos > 0 ? 1 : millis;
    }

    /** Nanoseconds, saturated as the SDK's {@code TimeUnit.convert} saturates; {@code Long.MIN_VALUE} when malformed. */
    static long nanos(String value) {
        int end = value.length();
        while (end > 0 && !Character.isDigit(value.charAt(end - 1))) end--;
        String unit = value.substring(end).trim();
        TimeUnit timeUnit = unit(unit);
        if (timeUnit == null) return Long.MIN_VALUE;
        long number;
        try {
            number = Long.parseLong(value.substring(0, end).trim());
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
        long nanos = TimeUnit.NANOSECONDS.convert(number, timeUnit);
        return nanos == Long.MIN_VALUE ? Long.MIN_VALUE + 1 : nanos;
    }

    private static TimeUnit unit(String unit) {
        switch (unit) {
            case "":
            case "ms": return TimeUnit.MILLISECONDS;
            case "us": return TimeUnit.MICROSECONDS;
            case "ns": return TimeUnit.NANOSECONDS;
            case "s": return TimeUnit.SECONDS;
            case "m": return TimeUnit.MINUTES;
            case "h": return TimeUnit.HOURS;
            case "d": return TimeUnit.DAYS;
            default: return null;
        }
    }

    /** The SDK's {@code getList}: split at commas, entries trimmed, empty ones dropped. */
    List<String> list(String key) {
        String v = get(key);
        if (v == null) return Collections.emptyList();
        List<String> entries = new ArrayList<>();
        for (String e : v.split(",")) {
            String t = e.trim();
            if (!t.isEmpty()) entries.add(t);
        }
        return entries;
    }

    /**
     * The SDK's {@code getMap}: {@code key=value} entries separated by commas, key and value
     * trimmed, an entry with an empty value dropped, a later key replacing an earlier one in its
     * place. An entry without {@code =} or without a key is a problem, and the whole map is then
     * empty (the SDK rejects the configuration). {@code secret}: the problem line does not show
     * the entries (headers may be credentials).
     */
    Map<String, String> map(String key, boolean secret) {
        Map<String, String> map = new LinkedHashMap<>();
        List<String> entries = list(key);
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            int eq = entry.indexOf('=');
            String k = eq < 0 ? "" : entry.substring(0, eq).trim();
            if (k.isEmpty()) {
                problem(name(key) + " is not a comma-separated list of key=value entries: entry " + (i + 1) + " is "
                        + (secret ? "not (the values are not shown here: they may be credentials)" : "\"" + entry + "\""));
                return new LinkedHashMap<>();
            }
            String value = entry.substring(eq + 1).trim();
            if (!value.isEmpty()) map.put(k, value);
        }
        return map;
    }

    /**
     * A header value as the SDK decodes it ({@code URLDecoder}: {@code %XX} as UTF-8 bytes, and
     * {@code +} is a space), or null when it has a {@code %} not followed by two hex digits.
     */
    static String decodeHeader(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * A resource attribute value as the SDK (1.56 and later) decodes it, W3C-baggage style:
     * {@code %XX} as UTF-8 bytes; {@code +} stays a plus, and a {@code %} not followed by two hex
     * digits stays as it is. Unlike the SDK, a character outside Latin-1 written as is survives.
     */
    static String decodeAttribute(String value) {
        if (value.indexOf('%') < 0) return value;
        int n = value.length();
        byte[] bytes = new byte[n * 3];
        int pos = 0;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < n) {
                int d1 = Character.digit(value.charAt(i + 1), 16);
                int d2 = Character.digit(value.charAt(i + 2), 16);
                if (d1 >= 0 && d2 >= 0) {
                    bytes[pos++] = (byte) ((d1 << 4) + d2);
                    i += 2;
                    continue;
                }
            }
            if (c < 0x80) {
                bytes[pos++] = (byte) c;
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < n ? i + 2 : i + 1;
                byte[] utf8 = value.substring(i, end).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(utf8, 0, bytes, pos, utf8.length);
                pos += utf8.length;
                i = end - 1;
            }
        }
        return new String(bytes, 0, pos, StandardCharsets.UTF_8);
    }
}
