package io.portwatch.it.support;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The names under which the collector's {@code prometheus} exporter (collector.yaml; contrib
 * 0.115, {@code add_metric_suffixes} on by default) publishes OTLP metrics, worked out the way it
 * does: the name split into words at every character that is not a letter or digit, the unit
 * appended as a word (mapped, e.g. {@code s} → {@code seconds}) unless it is a {@code {...}}
 * annotation or already one of the words, {@code total} moved to the end of a monotonic sum,
 * {@code ratio} for a gauge of unit {@code 1}; words joined with underscores. Attribute keys
 * become labels with every other character an underscore; the resource gives {@code job} and
 * {@code instance}.
 *
 * <p>And the names the agent's own endpoint ({@code OTEL_METRICS_EXPORTER=prometheus}, the SDK's
 * exporter) serves, {@link #direct}: the same but for the unit, appended unless the name already
 * ends with it ({@code portwatch_ports_seconds_left_seconds}), none for {@code 1}; and an
 * {@code otel_scope_name} label on every series; {@code job} and {@code instance} are the scrape's.
 */
public final class PrometheusNames {

    private static final Map<String, String> UNITS = Map.ofEntries(
            Map.entry("d", "days"), Map.entry("h", "hours"), Map.entry("min", "minutes"), Map.entry("s", "seconds"),
            Map.entry("ms", "milliseconds"), Map.entry("us", "microseconds"), Map.entry("ns", "nanoseconds"),
            Map.entry("By", "bytes"), Map.entry("KiBy", "kibibytes"), Map.entry("MiBy", "mebibytes"),
            Map.entry("KBy", "kilobytes"), Map.entry("MBy", "megabytes"), Map.entry("1", ""),
            Map.entry("%", "percent"), Map.entry("Hz", "hertz"));
    private static final Map<String, String> PER_UNITS = Map.of("s", "second", "m", "minute", "h", "hour",
            "d", "day", "w", "week", "mo", "month", "y", "year");

    private PrometheusNames() {}

    /** Prometheus metric name → the label names its series carry. */
    public static Map<String, Set<String>> of(List<Metric> metrics) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (Metric m : metrics) {
            Set<String> labels = out.computeIfAbsent(name(m), k -> new TreeSet<>(List.of("job", "instance")));
            for (List<KeyValue> attributes : attributes(m)) {
                for (KeyValue kv : attributes) labels.add(label(kv.getKey()));
            }
        }
        return out;
    }

    /** Prometheus metric name → label names, as the agent's own endpoint serves them. */
    public static Map<String, Set<String>> ofDirect(List<Metric> metrics) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (Metric m : metrics) {
            Set<String> labels = out.computeIfAbsent(direct(m),
                    k -> new TreeSet<>(List.of("job", "instance", "otel_scope_name")));
            for (List<KeyValue> attributes : attributes(m)) {
                for (KeyValue kv : attributes) labels.add(label(kv.getKey()));
            }
        }
        return out;
    }

    static String direct(Metric m) {
        String name = String.join("_", words(m.getName()));
        String unit = m.getUnit().replaceAll("\\{[^}]*\\}", "").trim();
        if (!unit.isEmpty() && !unit.equals("1")) {
            String[] parts = unit.split("/", 2);
            // "{port}/s" leaves "/s": no main unit, only the per-unit (the SDK serves "..._per_second").
            String prom = parts[0].isEmpty() ? "" : UNITS.getOrDefault(parts[0], parts[0]);
            if (parts.length > 1) prom = (prom.isEmpty() ? "" : prom + "_") + "per_" + PER_UNITS.getOrDefault(parts[1], parts[1]);
            if (!name.endsWith(prom)) name = name + "_" + prom;
        }
        boolean counter = m.getDataCase() == Metric.DataCase.SUM && m.getSum().getIsMonotonic();
        if (counter && !name.endsWith("_total")) name = name + "_total";
        return name;
    }

    static String name(Metric m) {
        List<String> words = words(m.getName());
        String[] unit = m.getUnit().split("/", 2);
        String main = unit[0].trim();
        if (!main.isEmpty() && !main.contains("{") && !main.contains("}")) {
            String prom = String.join("_", words(UNITS.getOrDefault(main, main)));
            if (!prom.isEmpty() && !words.contains(prom)) words.add(prom);
        }
        if (unit.length > 1 && !unit[1].trim().isEmpty() && !unit[1].contains("{") && !unit[1].contains("}")) {
            String per = String.join("_", words(PER_UNITS.getOrDefault(unit[1].trim(), unit[1].trim())));
            if (!per.isEmpty() && !words.contains(per)) {
                words.add("per");
                words.add(per);
            }
        }
        if (m.getDataCase() == Metric.DataCase.SUM && m.getSum().getIsMonotonic()) {
            words.removeIf("total"::equals);
            words.add("total");
        }
        if (m.getUnit().equals("1") && m.getDataCase() == Metric.DataCase.GAUGE) {
            words.removeIf("ratio"::equals);
            words.add("ratio");
        }
        return String.join("_", words);
    }

    static String label(String key) {
        String s = key.replaceAll("[^A-Za-z0-9_]", "_");
        return Character.isDigit(s.charAt(0)) ? "key_" + s : s;
    }

    private static List<String> words(String s) {
        List<String> out = new ArrayList<>(Arrays.asList(s.split("[^\\p{L}\\p{N}]+")));
        out.removeIf(String::isEmpty);
        return out;
    }

    private static List<List<KeyValue>> attributes(Metric m) {
        List<List<KeyValue>> out = new ArrayList<>();
        switch (m.getDataCase()) {
            case GAUGE: m.getGauge().getDataPointsList().forEach(p -> out.add(p.getAttributesList())); break;
            case SUM: m.getSum().getDataPointsList().forEach(p -> out.add(p.getAttributesList())); break;
            case HISTOGRAM: m.getHistogram().getDataPointsList().forEach(p -> out.add(p.getAttributesList())); break;
            default: break;
        }
        return out;
    }

    /** For messages: each metric's OTLP name, type and unit. */
    public static Map<String, String> describe(List<Metric> metrics) {
        Map<String, String> out = new HashMap<>();
        for (Metric m : metrics) out.put(m.getName(), m.getDataCase() + " " + m.getUnit() + " -> " + name(m));
        return out;
    }
}
