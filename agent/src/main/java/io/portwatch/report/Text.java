package io.portwatch.report;

import java.util.Locale;

/** Formatting shared by the console and the HTML report. */
final class Text {

    private Text() {}

    /** {@code 97%}; {@code <1%} for a share that is small but not zero. */
    static String percent(double share) {
        if (share > 0 && share < 0.005) return "<1%";
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    /** Seconds as {@code 42 s}, {@code 3 min 5 s} or {@code 2 h 10 min}. */
    static String duration(double seconds) {
        if (Double.isInfinite(seconds) || Double.isNaN(seconds)) return "never";
        long s = Math.round(seconds);
        if (s < 120) return s + " s";
        if (s < 7200) return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        return s / 3600 + " h " + (s % 3600) / 60 + " min";
    }

    /** {@code +1:05} for 65 s into the run. */
    static String elapsed(long millis) {
        long s = millis / 1000;
        return s >= 3600 ? String.format(Locale.ROOT, "+%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60)
                : String.format(Locale.ROOT, "+%d:%02d", s / 60, s % 60);
    }

    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) v)
                : String.format(Locale.ROOT, "%,.1f", v);
    }
}
