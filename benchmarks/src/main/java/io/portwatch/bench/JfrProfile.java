package io.portwatch.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a JFR recording of a JVM running an agent and says where the CPU and the allocation went,
 * by kind of thread: the application's, portwatch's tracker and reporter, the exporter's (portwatch's
 * other threads, or the OpenTelemetry Java agent's exporter), the JVM's own. For each kind: its share of the execution samples, its
 * top frames, and, on application threads, the samples and allocations that happened inside
 * agent code (named by the innermost agent frame and line, which is the call that costs).
 *
 * <p>Execution samples only see threads running Java code; time blocked in a system call shows up
 * as native method samples (counted apart) and in {@code jdk.ThreadCPULoad}, which also reports
 * per-thread CPU including the kernel's. The per-kind CPU shares are averages over the recording,
 * normalized by its {@code jdk.CPULoad} events: on a recording of a few seconds they can add up to
 * more than the whole JVM's; record 10 s or more. Usage: {@code JfrProfile RECORDING.jfr [topN]}.
 */
public final class JfrProfile {

    enum Kind {
        APPLICATION("application"),
        TRACKER("portwatch-tracker"),
        REPORTER("portwatch-reporter"),
        EXPORTER("exporter and the agent's other threads"),
        JVM("jvm (reference handler, JFR, ...)");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** Per kind of thread: counts by a key, and the total. */
    private static final class Tally {
        final Map<Kind, Map<String, Long>> byKey = new EnumMap<>(Kind.class);
        final Map<Kind, Long> total = new EnumMap<>(Kind.class);

        void add(Kind kind, String key, long weight) {
            total.merge(kind, weight, Long::sum);
            if (key != null) byKey.computeIfAbsent(kind, k -> new HashMap<>()).merge(key, weight, Long::sum);
        }

        long total(Kind kind) {
            return total.getOrDefault(kind, 0L);
        }

        long all() {
            return total.values().stream().mapToLong(Long::longValue).sum();
        }

        List<Map.Entry<String, Long>> top(Kind kind, int n) {
            List<Map.Entry<String, Long>> entries = new ArrayList<>(byKey.getOrDefault(kind, Map.of()).entrySet());
            entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
            return entries.subList(0, Math.min(n, entries.size()));
        }
    }

    private final Tally selfFrames = new Tally();
    private final Tally nativeFrames = new Tally();
    /** Samples with agent code on the stack, by the innermost agent frame. */
    private final Tally insideAgent = new Tally();
    private final Tally nativeInsideAgent = new Tally();
    /** The same Java samples by the innermost agent frame's class: the component that costs. */
    private final Tally insideAgentClass = new Tally();
    private final Tally allocation = new Tally();
    private final Tally agentAllocation = new Tally();
    /**
     * Per kind, the sum of its threads' jdk.ThreadCPULoad values (user + system, share of the
     * machine over one period); divided by the number of jdk.CPULoad events (same period) it is
     * the kind's mean share over the recording, whatever its threads' lifetimes.
     */
    private final Map<Kind, Double> kindLoad = new EnumMap<>(Kind.class);
    private final Map<Kind, java.util.Set<Long>> kindThreads = new EnumMap<>(Kind.class);
    /** The whole JVM's CPU (user + system, share of the machine): sum and count of jdk.CPULoad events. */
    private final double[] jvmLoad = new double[2];
    private long gcCount;
    private long gcPauseNanos;

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrProfile RECORDING.jfr [topN]");
            System.exit(2);
        }
        JfrProfile p = new JfrProfile();
        p.read(Paths.get(args[0]));
        p.print(args.length > 1 ? Integer.parseInt(args[1]) : 8);
    }

    void read(Path recording) throws IOException {
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                switch (e.getEventType().getName()) {
                    case "jdk.ExecutionSample":
                        sample(selfFrames, e.getThread("sampledThread"), e.getStackTrace(), true);
                        break;
                    case "jdk.NativeMethodSample":
                        sample(nativeFrames, e.getThread("sampledThread"), e.getStackTrace(), false);
                        break;
                    case "jdk.ObjectAllocationSample":
                        allocated(e);
                        break;
                    case "jdk.ThreadCPULoad":
                        load(e);
                        break;
                    case "jdk.CPULoad":
                        jvmLoad[0] += e.getFloat("jvmUser") + e.getFloat("jvmSystem");
                        jvmLoad[1]++;
                        break;
                    case "jdk.GarbageCollection":
                        gcCount++;
                        gcPauseNanos += e.getDuration("sumOfPauses").toNanos();
                        break;
                    default:
                        break;
                }
            }
        }
    }

    /** Counts one sample by its top frame, and by its innermost agent frame if it has one. */
    private void sample(Tally tally, RecordedThread thread, RecordedStackTrace stack, boolean java) {
        if (thread == null || stack == null || stack.getFrames().isEmpty()) return;
        Kind kind = kindOf(thread);
        tally.add(kind, method(stack.getFrames().get(0)), 1);
        String site = innermostAgentFrame(stack);
        (java ? insideAgent : nativeInsideAgent).add(kind, site, 1);
        if (java && site != null) insideAgentClass.add(kind, site.substring(0, site.lastIndexOf('.', site.indexOf(':'))), 1);
    }

    private void allocated(RecordedEvent e) {
        RecordedThread thread = e.getThread();
        if (thread == null) return;
        Kind kind = kindOf(thread);
        long weight = e.getLong("weight");
        String type = e.getClass("objectClass") == null ? "?" : e.getClass("objectClass").getName();
        allocation.add(kind, type, weight);
        String site = e.getStackTrace() == null ? null : innermostAgentFrame(e.getStackTrace());
        if (site != null) agentAllocation.add(kind, site + " allocates " + type, weight);
    }

    private void load(RecordedEvent e) {
        RecordedThread thread = e.getThread();
        if (thread == null) return;
        Kind kind = kindOf(thread);
        kindLoad.merge(kind, (double) (e.getFloat("user") + e.getFloat("system")), Double::sum);
        kindThreads.computeIfAbsent(kind, k -> new java.util.HashSet<>()).add(thread.getJavaThreadId());
    }

    /**
     * The agent's threads are all in the "portwatch" thread group (the exporter's threads inherit
     * it); the names tell the OpenTelemetry Java agent's exporter threads apart when it is the agent.
     */
    static Kind kindOf(RecordedThread t) {
        String name = t.getJavaName() == null ? "" : t.getJavaName();
        boolean agentGroup = t.getThreadGroup() != null && "portwatch".equals(t.getThreadGroup().getName());
        if (name.startsWith("portwatch-tracker")) return Kind.TRACKER;
        if (name.startsWith("portwatch-reporter")) return Kind.REPORTER;
        if (agentGroup || Variant.isAgentThread(name)) return Kind.EXPORTER;
        if (name.startsWith("JFR") || name.equals("Reference Handler") || name.equals("Finalizer")
                || name.equals("Signal Dispatcher") || name.equals("Common-Cleaner") || name.equals("Attach Listener")
                || name.equals("Notification Thread") || name.equals("Service Thread")) {
            return Kind.JVM;
        }
        return Kind.APPLICATION;
    }

    /**
     * The agent frame nearest the top of the stack, with its line (the call that costs): portwatch's
     * own code (its shaded libraries excluded), or, when the peer is profiled, the OpenTelemetry
     * Java agent's instrumentation code.
     */
    static String innermostAgentFrame(RecordedStackTrace stack) {
        for (RecordedFrame f : stack.getFrames()) {
            if (f.getMethod() == null) continue; // a frame JFR could not resolve
            String type = f.getMethod().getType().getName();
            boolean portwatch = type.startsWith("io.portwatch.") && !type.startsWith("io.portwatch.shaded.")
                    && !type.startsWith("io.portwatch.bench.") && !type.startsWith("io.portwatch.sample.");
            boolean otelAgent = type.startsWith("io.opentelemetry.javaagent.")
                    || type.startsWith("io.opentelemetry.instrumentation.");
            if (portwatch || otelAgent) {
                return method(f) + ":" + f.getLineNumber();
            }
        }
        return null;
    }

    private static String method(RecordedFrame f) {
        if (f.getMethod() == null) return "(unresolved frame)";
        String type = f.getMethod().getType().getName();
        int lambda = type.indexOf("$$Lambda");
        if (lambda > 0) type = type.substring(0, lambda) + "$$Lambda"; // the hidden class's address differs per run
        return type.replace("io.portwatch.shaded.", "(shaded) ") + "." + f.getMethod().getName();
    }

    void print(int top) {
        long all = selfFrames.all();
        System.out.printf(Locale.ROOT, "%d Java execution samples, %d native method samples; whole JVM CPU %s of the machine"
                        + " (jdk.CPULoad; what the threads below do not account for is GC, JIT and other VM threads);"
                        + " %d GCs, %.0f ms of pauses%n%n", all, nativeFrames.all(),
                jvmLoad[1] == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * jvmLoad[0] / jvmLoad[1]),
                gcCount, gcPauseNanos / 1e6);
        System.out.println("| thread kind | CPU, mean share of the machine (jdk.ThreadCPULoad) | Java samples | share of Java samples | native samples |");
        System.out.println("|---|---|---|---|---|");
        for (Kind k : Kind.values()) {
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %.1f%% | %d |%n", k.label, cpu(k), selfFrames.total(k),
                    percent(selfFrames.total(k), all), nativeFrames.total(k));
        }
        for (Kind k : Kind.values()) {
            if (selfFrames.total(k) == 0) continue;
            System.out.printf(Locale.ROOT, "%n## %s: top frames (self), share of all Java samples%n", k.label);
            for (Map.Entry<String, Long> e : selfFrames.top(k, top)) {
                System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", percent(e.getValue(), all), e.getKey());
            }
            long inside = insideAgent.byKey.getOrDefault(k, Map.of()).values().stream().mapToLong(Long::longValue).sum();
            if (inside > 0) {
                System.out.printf(Locale.ROOT, "  inside agent code: %.1f%% of all Java samples (%.1f%% of this kind's), by innermost agent frame:%n",
                        percent(inside, all), percent(inside, selfFrames.total(k)));
                for (Map.Entry<String, Long> e : insideAgent.top(k, top)) {
                    System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", percent(e.getValue(), all), e.getKey());
                }
                System.out.println("  by class:");
                for (Map.Entry<String, Long> e : insideAgentClass.top(k, top)) {
                    System.out.printf(Locale.ROOT, "  %5.1f%%  %s (%.0f%% of this kind's)%n", percent(e.getValue(), all), e.getKey(),
                            percent(e.getValue(), selfFrames.total(k)));
                }
            }
        }
        long nativeAll = nativeFrames.all();
        for (Kind k : Kind.values()) {
            if (nativeFrames.total(k) == 0) continue;
            System.out.printf(Locale.ROOT, "%n## %s: top native frames (threads in a system call), share of all native samples%n", k.label);
            for (Map.Entry<String, Long> e : nativeFrames.top(k, top)) {
                System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", percent(e.getValue(), nativeAll), e.getKey());
            }
            long inside = nativeInsideAgent.byKey.getOrDefault(k, Map.of()).values().stream().mapToLong(Long::longValue).sum();
            if (inside > 0) {
                System.out.printf(Locale.ROOT, "  inside agent code: %.1f%% of all native samples, by innermost agent frame:%n",
                        percent(inside, nativeAll));
                for (Map.Entry<String, Long> e : nativeInsideAgent.top(k, top)) {
                    System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", percent(e.getValue(), nativeAll), e.getKey());
                }
            }
        }
        long appBytes = allocation.total(Kind.APPLICATION);
        long agentBytes = agentAllocation.total(Kind.APPLICATION);
        System.out.printf(Locale.ROOT, "%n## allocation on application threads (jdk.ObjectAllocationSample weights)%n");
        System.out.printf(Locale.ROOT, "  %.1f MB sampled in all, %.1f MB (%.1f%%) with agent code on the stack, by site:%n",
                appBytes / 1e6, agentBytes / 1e6, percent(agentBytes, appBytes));
        for (Map.Entry<String, Long> e : agentAllocation.top(Kind.APPLICATION, top)) {
            System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", percent(e.getValue(), appBytes), e.getKey());
        }
        System.out.printf(Locale.ROOT, "%n## allocation by thread kind%n");
        for (Kind k : Kind.values()) {
            System.out.printf(Locale.ROOT, "  %-34s %8.1f MB%n", k.label, allocation.total(k) / 1e6);
        }
    }

    /** This kind's mean share of the machine's CPU over the recording; "n/a" when the recording has none. */
    private String cpu(Kind k) {
        if (jvmLoad[1] == 0 || !kindLoad.containsKey(k)) return "n/a";
        return String.format(Locale.ROOT, "%.1f%% (%d threads)", 100 * kindLoad.get(k) / jvmLoad[1],
                kindThreads.get(k).size());
    }

    private static double percent(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }
}
