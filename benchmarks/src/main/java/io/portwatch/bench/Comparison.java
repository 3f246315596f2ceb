package io.portwatch.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One measure taken for every {@link Variant} in every round: the values, their centre (the median,
 * or the mean for a {@link #modal} measure), and each variant against {@link Variant#NONE} — the
 * ratio of the centres, and the spread of the ratios of the same round (which share the machine's
 * state, so their spread is the honest one).
 */
final class Comparison {

    /** The key in the JSON file. */
    final String name;
    /** What is measured, and in what unit: the table's first column. */
    final String what;
    private final Map<Variant, List<Double>> values = new EnumMap<>(Variant.class);
    /** Whether the centre of the runs is their mean ({@link #modal}) rather than their median. */
    private final boolean byMean;

    Comparison(String name, String what) {
        this(name, what, false);
    }

    private Comparison(String name, String what, boolean byMean) {
        this.name = name;
        this.what = what;
        this.byMean = byMean;
        for (Variant v : Variant.values()) {
            values.put(v, new ArrayList<>());
        }
    }

    /**
     * A measure whose runs fall in distinct modes, each JVM in one as the JIT happens to compile
     * it, agent or not: its centre is the mean, which weighs each mode as often as it comes. The
     * median of a few runs lands on one mode or the other by chance, and the difference of two
     * such medians is a mode's width as often as the agent's cost.
     */
    static Comparison modal(String name, String what) {
        return new Comparison(name, what, true);
    }

    /** The value of {@code v} in the current round; every variant adds one per round. */
    void add(Variant v, double value) {
        values.get(v).add(value);
    }

    /** The runs' median, or their mean for a {@link #modal} measure. */
    double centre(Variant v) {
        return byMean ? mean(values.get(v)) : median(values.get(v));
    }

    /** centre(v) / centre(none). */
    double ratio(Variant v) {
        return centre(v) / centre(Variant.NONE);
    }

    /** centre(v) - centre(none). */
    double added(Variant v) {
        return centre(v) - centre(Variant.NONE);
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

    /** One markdown row: centres, then each agent's ratio (min..max over rounds) or, if {@code added}, its difference. */
    String row(boolean added) {
        StringBuilder sb = new StringBuilder("| " + what);
        for (Variant v : Variant.values()) {
            sb.append(String.format(Locale.ROOT, " | %.1f", centre(v)));
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

    /**
     * {@code "name": {"what": .., "centre": "median", "none": {"median": .., "mean": .., "runs": [..]},
     * "portwatch": {.., "ratio": ..}, ..}}; ratio and added are of the centres.
     */
    String json() {
        StringBuilder sb = new StringBuilder("\"" + name + "\": {\"what\": \"" + what + "\", \"centre\": \""
                + (byMean ? "mean" : "median") + "\"");
        for (Variant v : Variant.values()) {
            List<Double> runs = values.get(v);
            sb.append(", \"").append(v.label).append("\": {");
            sb.append("\"median\": ").append(number(median(runs), 3))
                    .append(", \"mean\": ").append(number(mean(runs), 3))
                    .append(", \"min\": ").append(number(Collections.min(runs), 3))
                    .append(", \"max\": ").append(number(Collections.max(runs), 3));
            if (v != Variant.NONE) {
                List<Double> r = roundRatios(v);
                sb.append(", \"ratio\": ").append(number(ratio(v), 4))
                        .append(", \"ratio_min\": ").append(number(Collections.min(r), 4))
                        .append(", \"ratio_max\": ").append(number(Collections.max(r), 4))
                        .append(", \"added\": ").append(number(added(v), 3));
            }
            sb.append(", \"runs\": [");
            for (int i = 0; i < runs.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(number(runs.get(i), 3));
            }
            sb.append("]}");
        }
        return sb.append("}").toString();
    }

    /** A JSON number, or {@code null} for a figure a run could not give (NaN: JSON has no such number). */
    static String number(double d, int decimals) {
        return Double.isNaN(d) || Double.isInfinite(d) ? "null" : String.format(Locale.ROOT, "%." + decimals + "f", d);
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

    static double mean(List<Double> list) {
        double sum = 0;
        for (double d : list) sum += d;
        return list.isEmpty() ? Double.NaN : sum / list.size();
    }

    static double median(List<Double> list) {
        List<Double> sorted = new ArrayList<>(list);
        Collections.sort(sorted);
        int n = sorted.size();
        if (n == 0) return Double.NaN;
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
