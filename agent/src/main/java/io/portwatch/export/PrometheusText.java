package io.portwatch.export;

import io.portwatch.otlp.OtlpAttributes;
import io.portwatch.otlp.OtlpMetric;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A collection of metrics in the Prometheus text format 0.0.4 and in OpenMetrics text 1.0.0,
 * written as the OpenTelemetry SDK's Prometheus exporter (1.66.0-alpha, Prometheus' Java client
 * 1.8.0, default settings) writes the same data: users' alert rules and dashboards were written
 * against its output, so this one is the same byte for byte (PrometheusTextTest compares them).
 *
 * <p>What it writes: metrics sorted by name, each family's series sorted by label names then
 * values; names made Prometheus names by {@link PrometheusNaming} (units as suffixes,
 * {@code _total} on counters); every series labelled {@code otel_scope_name} and
 * {@code otel_scope_version}; the resource as one {@code target_info} series; values as Java
 * writes doubles ({@code 3.0}, {@code 1.0E10}, {@code NaN}, {@code +Inf}); no timestamps, no
 * {@code _created} series, no exemplars (the exporter writes none by default).
 *
 * <p>A metric the exporter would leave out (a name or attribute key that cannot be made valid,
 * two series whose labels become the same) is left out here too, and said once through
 * {@code problems}; nothing is thrown.
 */
public final class PrometheusText {

    public static final String TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    public static final String OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private static final int GAUGE = 0;
    private static final int COUNTER = 1;
    private static final int INFO = 2;
    private static final String[] TYPE_WORDS = {"gauge", "counter", "info"};
    /** Distinct problems said, at most; a scrape every few seconds must not repeat them forever. */
    private static final int MAX_PROBLEMS = 64;

    private final String scopeName;
    private final String scopeVersion;
    private final Consumer<String> problems;
    private final Set<String> said = new HashSet<>();
    /** The resource's labels, or null when they cannot be made (no {@code target_info} then). */
    private final Series target;

    /**
     * @param resource     the resource, written as {@code target_info}
     * @param scopeName    the instrumentation scope's name ({@code otel_scope_name})
     * @param scopeVersion its version ({@code otel_scope_version}), or null for no such label
     * @param problems     told, once each, of metrics left out
     */
    public PrometheusText(OtlpAttributes resource, String scopeName, String scopeVersion, Consumer<String> problems) {
        this.scopeName = scopeName;
        this.scopeVersion = scopeVersion;
        this.problems = problems;
        Series t = null;
        try {
            t = series(resource, false, 1.0);
        } catch (RuntimeException e) {
            say("Prometheus: no target_info, a resource attribute cannot be a label: " + e.getMessage());
        }
        this.target = t;
    }

    /** The Prometheus text format 0.0.4 ({@link #TEXT_CONTENT_TYPE}). */
    public String text(List<OtlpMetric> metrics) {
        return render(metrics, false, null);
    }

    /** OpenMetrics text 1.0.0 ({@link #OPENMETRICS_CONTENT_TYPE}). */
    public String openMetrics(List<OtlpMetric> metrics) {
        return render(metrics, true, null);
    }

    /**
     * Either format, only the metrics {@code names} asks for when it is neither null nor empty
     * (the endpoint's {@code name[]} parameter): those whose Prometheus name, without
     * {@code _total} or {@code _info}, begins one of {@code names}, as the exporter's filter has it.
     */
    public String render(List<OtlpMetric> metrics, boolean openMetrics, List<String> names) {
        List<Family> families = families(metrics);
        StringBuilder out = new StringBuilder(256 + 128 * families.size());
        for (Family f : families) {
            if (f.series.length > 0 && wanted(f.name, names)) write(out, f, openMetrics);
        }
        if (openMetrics) out.append("# EOF\n");
        return out.toString();
    }

    private static boolean wanted(String name, List<String> names) {
        if (names == null || names.isEmpty()) return true;
        for (String n : names) {
            if (n.startsWith(name)) return true;
        }
        return false;
    }

    /** The metrics as Prometheus families, merged by name as the exporter merges them, sorted. */
    private List<Family> families(List<OtlpMetric> metrics) {
        Map<String, Family> byName = new HashMap<>();
        List<Family> all = new ArrayList<>();
        boolean any = false;
        for (OtlpMetric m : metrics) {
            Family f;
            try {
                f = family(m);
            } catch (RuntimeException e) {
                say("Prometheus: metric " + m.name + " left out: " + e.getMessage());
                continue;
            }
            any = true;
            add(byName, all, f);
        }
        // As in the exporter: the resource is written once some metric is, whatever its points.
        if (any && target != null) {
            add(byName, all, new Family("target", INFO, null, null, new Series[] {target}));
        }
        Family[] sorted = all.toArray(new Family[0]);
        Arrays.sort(sorted);
        return Arrays.asList(sorted);
    }

    /** A family to the others; one of a name already there is merged into it or left out. */
    private void add(Map<String, Family> byName, List<Family> all, Family f) {
        Family there = byName.get(f.name);
        if (there == null) {
            byName.put(f.name, f);
            all.add(f);
            return;
        }
        String conflict = null;
        Series[] both = null;
        if (there.unit != null && !there.unit.equals(f.unit)) {
            conflict = "units " + there.unit + " and " + f.unit;
        } else if (there.type != f.type) {
            conflict = "types " + TYPE_WORDS[there.type] + " and " + TYPE_WORDS[f.type];
        } else {
            both = Arrays.copyOf(there.series, there.series.length + f.series.length);
            System.arraycopy(f.series, 0, both, there.series.length, f.series.length);
            Arrays.sort(both);
            // The exporter fails the whole scrape here; one metric less is the smaller loss.
            conflict = duplicate(both);
        }
        if (conflict != null) {
            say("Prometheus: two metrics named " + f.name + " (" + conflict + "), the second left out");
            return;
        }
        String help = there.help != null && there.help.equals(f.help) ? there.help : null;
        Family merged = new Family(there.name, there.type, help, there.unit, both);
        byName.put(f.name, merged);
        all.set(all.indexOf(there), merged);
    }

    private Family family(OtlpMetric m) {
        String unit = PrometheusNaming.unit(m.unit);
        String name = PrometheusNaming.metricName(m.name, unit);
        Series[] series = new Series[m.points.size()];
        for (int i = 0; i < series.length; i++) {
            OtlpMetric.Point p = m.points.get(i);
            series[i] = series(p.attributes, true, m.doubles ? p.doubleValue : (double) p.longValue);
        }
        Arrays.sort(series);
        String duplicate = duplicate(series);
        if (duplicate != null) throw new IllegalArgumentException(duplicate);
        return new Family(PrometheusNaming.escaped(name), m.type == OtlpMetric.Type.SUM ? COUNTER : GAUGE,
                m.description, unit, series);
    }

    /** Why sorted series cannot be one family (two with the same labels), or null. */
    private static String duplicate(Series[] sorted) {
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i - 1].compareTo(sorted[i]) == 0) return "two series with the labels " + sorted[i].labelText();
        }
        return null;
    }

    /**
     * A series' labels: attribute keys made label names, the values of keys that become the same
     * name joined by {@code ;} in the order of the keys, then (on metrics) the scope's labels
     * unless an attribute took their names; sorted by name.
     */
    private Series series(OtlpAttributes attributes, boolean scope, double value) {
        String[] names = new String[attributes.size() + 2];
        String[] keys = new String[names.length];
        String[] values = new String[names.length];
        int n = 0;
        for (int a = 0; a < attributes.size(); a++) {
            // The SDK drops an attribute of empty key when it is recorded: it never reached the exporter.
            if (attributes.key(a).isEmpty()) continue;
            int i = n++;
            keys[i] = attributes.key(a);
            names[i] = PrometheusNaming.labelName(keys[i]);
            values[i] = String.valueOf(attributes.value(a));
            // Insertion sort by name, then key: a handful of labels.
            for (int j = i; j > 0 && (names[j - 1].compareTo(names[j]) > 0
                    || names[j - 1].equals(names[j]) && keys[j - 1].compareTo(keys[j]) > 0); j--) {
                swap(names, j);
                swap(keys, j);
                swap(values, j);
            }
        }
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (count > 0 && names[count - 1].equals(names[i])) {
                values[count - 1] = values[count - 1] + ";" + values[i];
            } else {
                names[count] = names[i];
                values[count++] = values[i];
            }
        }
        if (scope) {
            count = addIfAbsent(names, values, count, "otel_scope_name", scopeName);
            if (scopeVersion != null) count = addIfAbsent(names, values, count, "otel_scope_version", scopeVersion);
        }
        return new Series(Arrays.copyOf(names, count), Arrays.copyOf(values, count), value);
    }

    /** Adds the label in its sorted place unless the name is taken; the new count. */
    private static int addIfAbsent(String[] names, String[] values, int count, String name, String value) {
        int at = 0;
        while (at < count && names[at].compareTo(name) < 0) at++;
        if (at < count && names[at].equals(name)) return count;
        System.arraycopy(names, at, names, at + 1, count - at);
        System.arraycopy(values, at, values, at + 1, count - at);
        names[at] = name;
        values[at] = value;
        return count + 1;
    }

    private static void swap(String[] a, int j) {
        String t = a[j];
        a[j] = a[j - 1];
        a[j - 1] = t;
    }

    private static void write(StringBuilder out, Family f, boolean openMetrics) {
        String sample = f.type == COUNTER ? f.name + "_total" : f.type == INFO ? f.name + "_info" : f.name;
        if (openMetrics) {
            out.append("# TYPE ").append(f.name).append(' ').append(TYPE_WORDS[f.type]).append('\n');
            if (f.unit != null) {
                out.append("# UNIT ").append(f.name).append(' ');
                escape(out, f.unit, true);
                out.append('\n');
            }
            if (f.help != null && !f.help.isEmpty()) {
                out.append("# HELP ").append(f.name).append(' ');
                escape(out, f.help, true);
                out.append('\n');
            }
        } else {
            // The text format has no info type, and names a counter's family with its _total.
            if (f.help != null && !f.help.isEmpty()) {
                out.append("# HELP ").append(sample).append(' ');
                escape(out, f.help, false);
                out.append('\n');
            }
            out.append("# TYPE ").append(sample).append(' ').append(f.type == COUNTER ? "counter" : "gauge").append('\n');
        }
        for (Series s : f.series) {
            out.append(sample);
            s.appendLabels(out);
            out.append(' ');
            if (f.type == INFO) {
                out.append('1');
            } else {
                appendValue(out, s.value);
            }
            out.append('\n');
        }
    }

    private static void appendValue(StringBuilder out, double v) {
        if (v == Double.POSITIVE_INFINITY) {
            out.append("+Inf");
        } else if (v == Double.NEGATIVE_INFINITY) {
            out.append("-Inf");
        } else {
            out.append(Double.toString(v));
        }
    }

    /** Backslash and newline escaped; double quotes too but in the text format's HELP. */
    private static void escape(StringBuilder out, String s, boolean quotes) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '"' && quotes) {
                out.append("\\\"");
            } else {
                out.append(c);
            }
        }
    }

    /** Tells {@code problems}, once per distinct problem (the endpoint's too). */
    void say(String problem) {
        synchronized (said) {
            if (said.size() >= MAX_PROBLEMS || !said.add(problem)) return;
        }
        problems.accept(problem);
    }

    /** A metric family: its escaped name (a counter's without {@code _total}), its series sorted. */
    private static final class Family implements Comparable<Family> {
        final String name;
        final int type;
        final String help;
        final String unit;
        final Series[] series;

        Family(String name, int type, String help, String unit, Series[] series) {
            this.name = name;
            this.type = type;
            this.help = help;
            this.unit = unit;
            this.series = series;
        }

        @Override
        public int compareTo(Family o) {
            return name.compareTo(o.name);
        }
    }

    /** One series: label names sorted, their values, its value. Ordered by names, then values. */
    private static final class Series implements Comparable<Series> {
        final String[] names;
        final String[] values;
        final double value;

        Series(String[] names, String[] values, double value) {
            this.names = names;
            this.values = values;
            this.value = value;
        }

        @Override
        public int compareTo(Series o) {
            int c = compare(names, o.names);
            return c != 0 ? c : compare(values, o.values);
        }

        private static int compare(String[] a, String[] b) {
            for (int i = 0; i < a.length; i++) {
                if (i >= b.length) return 1;
                int c = a[i].compareTo(b[i]);
                if (c != 0) return c;
            }
            return b.length > a.length ? -1 : 0;
        }

        void appendLabels(StringBuilder out) {
            if (names.length == 0) return;
            out.append('{');
            for (int i = 0; i < names.length; i++) {
                if (i > 0) out.append(',');
                out.append(names[i]).append("=\"");
                escape(out, values[i], true);
                out.append('"');
            }
            out.append('}');
        }

        String labelText() {
            StringBuilder out = new StringBuilder();
            appendLabels(out);
            return out.length() == 0 ? "{}" : out.toString();
        }
    }
}
