package io.portwatch.export;

/**
 * OpenTelemetry names made Prometheus names, the way the SDK's Prometheus exporter
 * (opentelemetry-exporter-prometheus 1.66.0-alpha, its default {@code UNDERSCORE_ESCAPING_WITH_SUFFIXES}
 * translation, with Prometheus' Java client 1.8.0) makes them: users' alert rules and dashboards
 * query the names it served, so every rule below is its rule, odd corners included.
 *
 * <p>A name that cannot be made valid is an {@link IllegalArgumentException}, as in the exporter,
 * which then leaves that metric out of the scrape.
 */
final class PrometheusNaming {

    /** Suffixes Prometheus gives a meaning to: a metric name (or unit) never ends with one. */
    private static final String[] RESERVED_SUFFIXES = {"_total", "_created", "_bucket", "_info"};

    /**
     * The units the exporter spells out, by threes: the OpenTelemetry (UCUM) unit, its name as a
     * metric's unit, its name after "per" (null: none, the unit is kept as it is there).
     */
    private static final String[] UNITS = {
        "a", "years", "year", "mo", "months", "month", "wk", "weeks", "week", "d", "days", "day",
        "h", "hours", "hour", "min", "minutes", "minute", "s", "seconds", "second",
        "ms", "milliseconds", "millisecond", "us", "microseconds", "microsecond", "ns", "nanoseconds", "nanosecond",
        "By", "bytes", "byte", "KiBy", "kibibytes", "kibibyte", "MiBy", "mebibytes", "mebibyte",
        "GiBy", "gibibytes", "gibibyte", "TiBy", "tebibytes", "tebibyte", "kBy", "kilobytes", "kilobyte",
        "MBy", "megabytes", "megabyte", "GBy", "gigabytes", "gigabyte", "TBy", "terabytes", "terabyte",
        "m", "meters", "meter", "V", "volts", "volt", "A", "amperes", "ampere", "J", "joules", "joule",
        "W", "watts", "watt", "g", "grams", "gram", "Cel", "celsius", null, "Hz", "hertz", null, "%", "percent", null,
    };

    private PrometheusNaming() {}

    /**
     * The Prometheus unit of an OpenTelemetry unit, or null for none: {@code s} is {@code seconds},
     * {@code 1} and {@code {port}} are none, {@code {port}/s} is {@code per_second}.
     */
    static String unit(String unit) {
        if (unit == null || unit.isEmpty() || unit.equals("1")) return null;
        if (unit.indexOf('{') >= 0) {
            unit = withoutAnnotations(unit).trim();
            if (unit.isEmpty() || unit.equals("/") || unit.equals("1")) return null;
        }
        String plural = lookUp(unit, 1);
        if (plural != null) return plural;
        int slash = unit.indexOf('/');
        if (slash < 0) return cleanUnit(unit);
        String main = unit.substring(0, slash);
        String per = unit.substring(slash + 1);
        String mainName = orElse(lookUp(main, 1), main).trim();
        String perName = orElse(lookUp(per, 2), per).trim();
        return cleanUnit(mainName.isEmpty() ? "per_" + perName : mainName + "_per_" + perName);
    }

    /**
     * The metric's name with its Prometheus unit ({@link #unit}) appended unless it already ends
     * with it, before escaping ({@link #escaped}): only a unit can bring a dot into it.
     */
    static String metricName(String name, String unit) {
        if (name.isEmpty()) throw new IllegalArgumentException("metric name is empty");
        String cleaned = withoutReservedSuffixes(collapsed(name, true));
        if (unit != null && !cleaned.endsWith(unit)) cleaned = cleaned + "_" + unit;
        if (onlyUnderscores(cleaned)) {
            throw new IllegalArgumentException("normalization for metric \"" + name + "\" resulted in invalid name \"" + cleaned + "\"");
        }
        // Then the client's own rule: the unit a whole suffix, "xseconds" becomes "xseconds_seconds".
        if (unit != null && !cleaned.endsWith("_" + unit) && !cleaned.endsWith("." + unit)) cleaned = cleaned + "_" + unit;
        return cleaned;
    }

    /** {@code name} as written in the exposition: every character a legacy name cannot have an underscore. */
    static String escaped(String name) {
        StringBuilder out = null;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!legacyMetricChar(c, i)) {
                if (out == null) out = new StringBuilder(name);
                out.setCharAt(i, '_');
            }
        }
        return out == null ? name : out.toString();
    }

    /**
     * The label name of an attribute key: each run of characters other than ASCII letters and
     * digits one underscore, {@code key_} before a leading digit.
     */
    static String labelName(String key) {
        if (key.isEmpty()) throw new IllegalArgumentException("label name is empty");
        String label = collapsed(key, false);
        if (label.charAt(0) >= '0' && label.charAt(0) <= '9') label = "key_" + label;
        if (onlyUnderscores(label)) {
            throw new IllegalArgumentException("normalization for label name \"" + key + "\" resulted in invalid name \"" + label + "\"");
        }
        return label;
    }

    /**
     * Each run of characters a name cannot have (an underscore counts as one) made one underscore.
     * A metric name keeps colons and digits past its first character, a label name neither.
     */
    private static String collapsed(String s, boolean metric) {
        StringBuilder out = new StringBuilder(s.length());
        boolean underscore = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            boolean keep = metric ? c != '_' && legacyMetricChar(c, i) : letterOrDigit(c);
            if (keep) {
                out.appendCodePoint(c);
                underscore = false;
            } else if (!underscore) {
                out.append('_');
                underscore = true;
            }
            i += Character.charCount(c);
        }
        return out.toString();
    }

    private static boolean legacyMetricChar(int c, int index) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= '0' && c <= '9' && index > 0;
    }

    private static boolean letterOrDigit(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    private static boolean onlyUnderscores(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != '_') return false;
        }
        return true;
    }

    /** A name that is exactly a reserved suffix loses its underscore instead. */
    private static String withoutReservedSuffixes(String name) {
        boolean again = true;
        while (again) {
            again = false;
            for (String suffix : RESERVED_SUFFIXES) {
                if (name.equals(suffix)) return name.substring(1);
                if (name.endsWith(suffix)) {
                    name = name.substring(0, name.length() - suffix.length());
                    again = true;
                }
            }
        }
        return name;
    }

    /** Every {@code {...}} annotation taken out; an unclosed brace stays. */
    private static String withoutAnnotations(String unit) {
        StringBuilder out = new StringBuilder(unit.length());
        int i = 0;
        while (i < unit.length()) {
            char c = unit.charAt(i);
            int close = c == '{' ? unit.indexOf('}', i + 1) : -1;
            if (close >= 0) {
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Column {@code column} (1 plural, 2 singular) of {@code unit}'s row in {@link #UNITS}, or null. */
    private static String lookUp(String unit, int column) {
        for (int i = 0; i < UNITS.length; i += 3) {
            if (UNITS[i].equals(unit)) return UNITS[i + column];
        }
        return null;
    }

    private static String orElse(String value, String otherwise) {
        return value != null ? value : otherwise;
    }

    /**
     * A unit of the user's own made valid: characters other than letters, digits, dots and colons
     * made underscores, dots and underscores trimmed from both ends, reserved suffixes taken off;
     * null when nothing is left.
     */
    private static String cleanUnit(String unit) {
        if (unit.isEmpty()) return null;
        char[] chars = unit.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            if (!(letterOrDigit(c) || c == ':' || c == '.')) chars[i] = '_';
        }
        int start = 0;
        int end = chars.length;
        while (start < end && (chars[start] == '_' || chars[start] == '.')) start++;
        while (end > start && (chars[end - 1] == '_' || chars[end - 1] == '.')) end--;
        if (start == end) return null;
        String cleaned = withoutReservedUnitSuffixes(new String(chars, start, end - start));
        return cleaned.isEmpty() ? null : cleaned;
    }

    /** A unit that is a reserved suffix's word ({@code total}) is no unit at all. */
    private static String withoutReservedUnitSuffixes(String unit) {
        boolean again = true;
        while (again) {
            again = false;
            for (String suffix : RESERVED_SUFFIXES) {
                if (unit.equals(suffix.substring(1))) return "";
                if (unit.endsWith(suffix)) {
                    unit = unit.substring(0, unit.length() - suffix.length());
                    again = true;
                }
            }
            while (unit.endsWith("_") || unit.endsWith(".")) {
                unit = unit.substring(0, unit.length() - 1);
                again = true;
            }
        }
        return unit;
    }
}
