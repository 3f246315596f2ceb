package io.portwatch.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One progress line of the sample app's churn mode ({@code [  20.1s] writes ok 7523, failed 0, ...}),
 * with the CPU its JVM, the agent's threads in it and the database had spent when the line came.
 */
final class Progress {

    private static final Pattern LINE = Pattern.compile("^\\[\\s*([0-9.]+)s\\] writes ok (\\d+), failed (\\d+)");

    final double seconds;
    /** Writes done, failed ones included. */
    final long writes;
    final double jvmMicros;
    final double agentMicros;
    final double databaseMicros;

    Progress(double seconds, long writes, double jvmMicros, double agentMicros, double databaseMicros) {
        this.seconds = seconds;
        this.writes = writes;
        this.jvmMicros = jvmMicros;
        this.agentMicros = agentMicros;
        this.databaseMicros = databaseMicros;
    }

    /** The span between two progress lines of a run. */
    static final class Window {
        final Progress from;
        final Progress to;

        Window(Progress from, Progress to) {
            this.from = from;
            this.to = to;
        }

        /** Writes a second. */
        double rate() {
            return (to.writes - from.writes) / (to.seconds - from.seconds);
        }

        /** A CPU figure's growth over the window, per write. */
        double perWrite(java.util.function.ToDoubleFunction<Progress> micros) {
            return (micros.applyAsDouble(to) - micros.applyAsDouble(from)) / (to.writes - from.writes);
        }
    }

    /** The progress lines of one run as they come, each with the CPU figures read at that moment. */
    static final class Watch implements ChildJvm.LineWatcher {
        private final List<Long> database;
        private final List<Progress> points = new ArrayList<>();

        /** {@code database}: the database server's process ids, whose CPU is added up. */
        Watch(List<Long> database) {
            this.database = database;
        }

        @Override
        public void line(long pid, String line) {
            Matcher m = LINE.matcher(line);
            if (!m.find()) return;
            double databaseMicros = 0;
            for (long p : database) databaseMicros += ProcStat.processMicros(p);
            Progress point = new Progress(Double.parseDouble(m.group(1)), Long.parseLong(m.group(2)) + Long.parseLong(m.group(3)),
                    ProcStat.processMicros(pid), ProcStat.agentThreadsMicros(pid), database.isEmpty() ? Double.NaN : databaseMicros);
            synchronized (points) {
                points.add(point);
            }
        }

        List<Progress> points() {
            synchronized (points) {
                return new ArrayList<>(points);
            }
        }
    }
}
