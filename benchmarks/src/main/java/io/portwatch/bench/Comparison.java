package io.portwatch.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One measure taken for every {@link Variant} in every round: the values, their medians, and each
 * variant against {@link Variant#NONE} — the ratio of the medians, and the spread of the ratios
 * of the same round (which share the machine's state, so their spread is the honest one).
 */
final class Comparison {

    /** The key in the JSON file. */
    final String name;
    /** What is measured, and in what unit: the table's first column. */
    final String what;
    private final Map<Variant, List<Double>> values = new EnumMap<>(Variant.class);

    Comparison(String name, String what) {
        this.name = name;
        this.what = what;
        for (Variant v : Variant.values()) {
            values.put(v, new ArrayList<>());
        }
    }

    /** The value of {@code v} in the current round; every variant adds one per round. */
    void add(Variant v, double value) {
        values.get(v).add(value);
    }

    double median(Variant v) {
        return median(values.get(v));
    }

    /** median(v) / median(none). */
    double ratio(Variant v) {
        return median(v) / median(Variant.NONE);
    }

    /** median(v) - median(none). */
    double added(Variant v) {
        return median(v) - median(Variant.NONE);
    }

    /** v / none, round by round. */
    List<Double> roundRatios(Variant v) {
        List<Double> mine = values.get(v);
        List<Double> base = values.get(Variant.NONE);
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(mine.size(), base.size()); i++) {
            ratios.add(mine.get(i) / base.get(i));
        }
        return ratios;
    }

    /** One markdown row: medians, then each agent's ratio (min..max over rounds) or, if {@code added}, its difference. */
    String row(boolean added) {
        StringBuilder sb = new StringBuilder("| " + what);
        for (Variant v : Variant.values()) {
            sb.append(String.format(Locale.ROOT, " | %.1f", median(v)));
        }
        for (Variant v : Variant.values()) {
            if (v == Variant.NONE) continue;
            List<Double> r = roundRatios(v);
            if (added) {
                sb.append(String.format(Locale.ROOT, " | %+.1f", added(v)));
            } else {
                sb.append(String.format(Locale.ROOT, " | %.3f (%.3f..%.3f)", ratio(v), Collections.min(r),
                        Collections.max(r)));
            }
        }
        return sb.append(" |").toString();
    }

    /** The markdown header that goes with {@link #row}. */
    static String header() {
        StringBuilder sb = new StringBuilder("| measure");
        for (Variant v : Variant.values()) sb.append(" | ").append(v.label);
        for (Variant v : Variant.values()) {
            if (v != Variant.NONE) sb.append(" | ").append(v.label).append(" vs none");
        }
        sb.append(" |\n|---");
        for (int i = 0; i < Variant.values().length * 2 - 1; i++) sb.append("|---");
        return sb.append("|").toString();
    }

    /** {@code "name": {"what": .., "none": {"median": .., "runs": [..]}, "portwatch": {.., "ratio": ..}, ..}}. */
    String json() {
        StringBuilder sb = new StringBuilder("\"" + name + "\": {\"what\": \"" + what + "\"");
        for (Variant v : Variant.values()) {
            List<Double> runs = values.get(v);
            sb.append(", \"").append(v.label).append("\": {");
            sb.append(String.format(Locale.ROOT, "\"median\": %.3f, \"min\": %.3f, \"max\": %.3f", median(v),
                    Collections.min(runs), Collections.max(runs)));
            if (v != Variant.NONE) {
                List<Double> r = roundRatios(v);
                sb.append(String.format(Locale.ROOT, ", \"ratio\": %.4f, \"ratio_min\": %.4f, \"ratio_max\": %.4f, \"added\": %.3f",
                        ratio(v), Collections.min(r), Collections.max(r), added(v)));
            }
            sb.append(", \"runs\": [");
            for (int i = 0; i < runs.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", runs.get(i)));
            }
            sb.append("]}");
        }
        return sb.append("}").toString();
    }

    /** Writes {@code {<head>, <each comparison>}} to {@code out}; {@code head} is JSON members without braces. */
    static void writeJson(java.nio.file.Path out, String head, List<Comparison> comparisons) throws java.io.IOException {
        StringBuilder sb = new StringBuilder("{\n  ").append(head);
        for (Comparison c : comparisons) {
            sb.append(",\n  ").append(c.json());
        }
        sb.append("\n}\n");
        java.nio.file.Files.createDirectories(out.toAbsolutePath().getParent());
        java.nio.file.Files.write(out, sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static double median(List<Double> list) {
        List<Double> sorted = new ArrayList<>(list);
        Collections.sort(sorted);
        int n = sorted.size();
        if (n == 0) return Double.NaN;
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
