package io.portwatch.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart over the run's time axis as inline SVG, drawn here rather than by a charting
 * library: the report must open without network access, and a few hundred points per line need
 * no more than polylines, axes and a legend. Text goes through {@link Html#escape}.
 */
final class SvgChart {

    static final int WIDTH = 760;
    static final int HEIGHT = 230;
    private static final int LEFT = 60;
    private static final int RIGHT = 16;
    private static final int TOP = 34;
    private static final int BOTTOM = 28;
    private static final long[] TIME_STEPS_SECONDS = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600,
            7200, 10800, 21600, 43200, 86400};

    private static final class Line {
        final String name;
        final String color;
        final double[][] points;
        final boolean dashed;
        final double width;

        Line(String name, String color, double[][] points, boolean dashed, double width) {
            this.name = name;
            this.color = color;
            this.points = points;
            this.dashed = dashed;
            this.width = width;
        }
    }

    private static final class Marker {
        final long atMillis;
        final String label;
        final String color;

        Marker(long atMillis, String label, String color) {
            this.atMillis = atMillis;
            this.label = label;
            this.color = color;
        }
    }

    private final String title;
    private final String yUnit;
    private final long xMaxMillis;
    private final List<Line> lines = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();
    private double yMax = Double.NaN;
    private String note;

    /** A chart from the start of the run to {@code xMaxMillis} into it. */
    SvgChart(String title, String yUnit, long xMaxMillis) {
        this.title = title;
        this.yUnit = yUnit;
        this.xMaxMillis = Math.max(1000, xMaxMillis);
    }

    SvgChart line(String name, String color, double[][] points, boolean dashed) {
        return line(name, color, points, dashed, 2);
    }

    /** A line drawn {@code width} wide: a wide one stays visible under a narrow one that follows it. */
    SvgChart line(String name, String color, double[][] points, boolean dashed, double width) {
        lines.add(new Line(name, color, points, dashed, width));
        return this;
    }

    /** A vertical line at a moment of the run, e.g. a warning; {@code label} shows on hover. */
    SvgChart marker(long atMillis, String label, String color) {
        markers.add(new Marker(atMillis, label, color));
        return this;
    }

    /** Fixes the top of the y axis instead of fitting the lines. */
    SvgChart yMax(double max) {
        this.yMax = max;
        return this;
    }

    /** A line of small print under the title. */
    SvgChart note(String text) {
        this.note = text;
        return this;
    }

    String svg() {
        StringBuilder b = new StringBuilder(4096);
        b.append("<svg class=\"chart\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(HEIGHT).append("\" width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT).append("\">");
        b.append("<title>").append(Html.escape(title)).append("</title>");
        b.append("<text class=\"title\" x=\"").append(LEFT).append("\" y=\"16\">").append(Html.escape(title))
                .append("</text>");
        if (note != null) {
            b.append("<text class=\"note\" x=\"").append(LEFT).append("\" y=\"29\">").append(Html.escape(note))
                    .append("</text>");
        }
        // Some headroom above a fixed top (a capacity), so its line does not sit on the frame.
        double top = niceCeiling(Double.isNaN(yMax) ? dataMax() : yMax * 1.1);
        axes(b, top);
        for (Marker m : markers) {
            double x = x(m.atMillis);
            b.append("<line class=\"marker\" x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x))
                    .append("\" y1=\"").append(TOP).append("\" y2=\"").append(HEIGHT - BOTTOM)
                    .append("\" stroke=\"").append(m.color).append("\" stroke-width=\"2\" stroke-dasharray=\"4 3\">")
                    .append("<title>").append(Html.escape(Text.elapsed(m.atMillis) + " " + m.label)).append("</title></line>");
        }
        boolean any = false;
        for (Line l : lines) {
            if (l.points.length == 0) continue;
            any = true;
            b.append("<polyline class=\"series\" fill=\"none\" stroke=\"").append(l.color)
                    .append("\" stroke-width=\"").append(l.width).append('"').append(l.dashed ? " stroke-dasharray=\"6 4\"" : "")
                    .append(" points=\"");
            for (double[] p : l.points) {
                b.append(fmt(x((long) p[0]))).append(',').append(fmt(y(Math.min(p[1], top), top))).append(' ');
            }
            if (l.points.length == 1) {
                // one sample so far: a short dash, since a one-point polyline draws nothing
                double[] p = l.points[0];
                b.append(fmt(x((long) p[0]) + 4)).append(',').append(fmt(y(Math.min(p[1], top), top))).append(' ');
            }
            b.setLength(b.length() - 1);
            b.append("\"><title>").append(Html.escape(l.name)).append("</title></polyline>");
        }
        if (!any) {
            b.append("<text class=\"note\" x=\"").append(WIDTH / 2).append("\" y=\"").append(HEIGHT / 2)
                    .append("\" text-anchor=\"middle\">no data recorded</text>");
        }
        legend(b);
        return b.append("</svg>").toString();
    }

    private void axes(StringBuilder b, double top) {
        int bottom = HEIGHT - BOTTOM;
        b.append("<g class=\"axis\">");
        double step = top / 4;
        for (int i = 0; i <= 4; i++) {
            double v = step * i;
            double y = y(v, top);
            b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                    .append(fmt(y)).append("\" y2=\"").append(fmt(y)).append("\" class=\"grid\"/>");
            b.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(y + 4))
                    .append("\" text-anchor=\"end\">").append(Html.escape(Text.number(Math.rint(v * 10) / 10)))
                    .append("</text>");
        }
        b.append("<text x=\"12\" y=\"").append((TOP + bottom) / 2).append("\" transform=\"rotate(-90 12 ")
                .append((TOP + bottom) / 2).append(")\" text-anchor=\"middle\">").append(Html.escape(yUnit))
                .append("</text>");
        long stepSeconds = timeStep(xMaxMillis / 1000.0);
        for (long s = 0; s * 1000 <= xMaxMillis; s += stepSeconds) {
            double x = x(s * 1000);
            b.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(bottom + 16)
                    .append("\" text-anchor=\"middle\">").append(Text.elapsed(s * 1000)).append("</text>");
        }
        b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                .append(bottom).append("\" y2=\"").append(bottom).append("\" class=\"base\"/>");
        b.append("</g>");
    }

    private void legend(StringBuilder b) {
        double x = WIDTH - RIGHT;
        // right-aligned, last entry rightmost: lay out from the right edge leftwards
        for (int i = lines.size() - 1; i >= 0; i--) {
            Line l = lines.get(i);
            String name = Html.escape(l.name);
            x -= 8 + 6.5 * l.name.length();
            b.append("<g class=\"legend\"><rect x=\"").append(fmt(x - 14)).append("\" y=\"9\" width=\"10\" height=\"3\" fill=\"")
                    .append(l.color).append("\"/><text x=\"").append(fmt(x)).append("\" y=\"14\">").append(name)
                    .append("</text></g>");
            x -= 18;
        }
    }

    private double dataMax() {
        double max = 0;
        for (Line l : lines) {
            for (double[] p : l.points) max = Math.max(max, p[1]);
        }
        return max;
    }

    private double x(long millis) {
        return LEFT + (WIDTH - LEFT - RIGHT) * Math.min(1.0, Math.max(0.0, (double) millis / xMaxMillis));
    }

    private static double y(double v, double top) {
        return HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * (top <= 0 ? 0 : v / top);
    }

    /** The smallest round number (1, 1.2, 1.5, 2 ... 8 times a power of ten) at or above {@code v}; at least 1. */
    static double niceCeiling(double v) {
        if (!(v > 1)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * p >= v) return m * p;
        }
        return 10 * p;
    }

    /** A tick step giving at most eight labels along the time axis. */
    static long timeStep(double seconds) {
        for (long s : TIME_STEPS_SECONDS) {
            if (seconds / s <= 8) return s;
        }
        return (long) Math.ceil(seconds / 8 / 86400) * 86400;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
