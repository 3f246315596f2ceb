package io.portwatch.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The measured workload of {@link HeapPerConnectionBench}, run in a child JVM with or without the
 * agent: reads the heap in use after full collections, then opens {@code CONNECTIONS} loopback TCP
 * connections, holds them open and reads it again. Each connection is two sockets in this JVM (the
 * client's and the accepted one), and the agent tracks both. The baseline is taken in the same JVM,
 * so that nothing else differs between the two readings: before it, the same code paths run on
 * {@link #WARMUP} connections that are closed again (their records, spans and kernel checks flushed
 * by the wait that follows), and the class histogram is taken once, so that both readings have
 * loaded the same classes and filled the same caches.
 *
 * <p>With portwatch attached, the held connections are opened inside one of its recording scopes
 * (found by name in the bootstrap loader, as portwatch-api does): closing the scope waits until the
 * agent's tracker has handled every event, and tells whether any was dropped or any connection
 * went untracked. Each reading waits at least a given time, then reads the heap every second
 * (three full collections each time) until three readings in a row agree within
 * {@link #STABLE_BYTES}, at most {@link #MAX_SETTLE_SECONDS}.
 *
 * <p>Prints one line: {@code connections=N heapBaseline=B heapHeld=B stable=true|false
 * tracked=T|none dropped=D untracked=U fdLimit=L}. With a second argument PREFIX, writes the class
 * histograms ({@code GC.class_histogram}) after each reading to PREFIX-baseline.txt and PREFIX-held.txt.
 * Usage: {@code HeapHold CONNECTIONS [PREFIX]}.
 */
public final class HeapHold {

    static final int WARMUP = 500;
    /** File descriptors left for the JVM itself (jars, the agent's /proc reads, the exporter). */
    static final int SPARE_FDS = 256;
    private static final long STABLE_BYTES = 32 * 1024;
    private static final int MAX_SETTLE_SECONDS = 30;
    /**
     * Well past the span processor's 5 s export delay, so that the warm-up's spans have gone out:
     * at 7 s, the last batch was still there in some runs, and the readings had agreed.
     */
    private static final int MIN_SETTLE_AFTER_WARMUP_SECONDS = 12;
    /** For the reporter thread and the kernel sampler, which see the records after the tracker. */
    private static final int MIN_SETTLE_AFTER_OPEN_SECONDS = 4;

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        String prefix = args.length > 1 ? args[1] : null;
        long fdLimit = fdLimit();
        if (fdLimit > 0 && 2L * n + SPARE_FDS > fdLimit) {
            System.err.println("HeapHold: " + n + " connections need " + (2L * n + SPARE_FDS)
                    + " file descriptors, the limit (ulimit -n) is " + fdLimit);
            System.exit(2);
        }
        histogram(); // loads the diagnostic command's classes before the baseline
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        InetAddress lo = InetAddress.getLoopbackAddress();
        Socket[] clients = new Socket[n];
        Socket[] accepted = new Socket[n];
        try (ServerSocket server = new ServerSocket(0, 1024, lo)) {
            int port = server.getLocalPort();
            for (int i = 0; i < WARMUP; i++) {
                Socket c = new Socket(lo, port);
                Socket a = server.accept();
                a.close();
                c.close();
            }
            Object warm = openScope(); // the recording scope's own classes, before the baseline
            closeScope(warm);
            boolean[] stable = {true};
            long baseline = settledHeap(memory, MIN_SETTLE_AFTER_WARMUP_SECONDS, stable);
            if (prefix != null) write(prefix + "-baseline.txt", histogram());

            Object scope = openScope();
            for (int i = 0; i < n; i++) {
                clients[i] = new Socket(lo, port);
                accepted[i] = server.accept();
            }
            long[] status = closeScope(scope); // {connects, dropped, untracked, pending}, or null
            if (status != null && status[3] != 0) {
                System.err.println("HeapHold: the agent's tracker was still " + status[3] + " events behind");
            }
            long held = settledHeap(memory, MIN_SETTLE_AFTER_OPEN_SECONDS, stable);
            if (prefix != null) write(prefix + "-held.txt", histogram());
            System.out.printf(java.util.Locale.ROOT,
                    "connections=%d heapBaseline=%d heapHeld=%d stable=%b tracked=%s dropped=%s untracked=%s fdLimit=%d%n",
                    n, baseline, held, stable[0],
                    status == null ? "none" : String.valueOf(status[0]),
                    status == null ? "none" : String.valueOf(status[1]),
                    status == null ? "none" : String.valueOf(status[2]), fdLimit);
            Reference.reachabilityFence(clients);
            Reference.reachabilityFence(accepted);
            for (int i = 0; i < n; i++) {
                clients[i].close();
                accepted[i].close();
            }
        }
    }

    /**
     * The heap used after full collections, once three readings a second apart agree, the last of
     * them at least {@code minSeconds} from now; clears {@code stable[0]} if they never did.
     */
    private static long settledHeap(MemoryMXBean memory, int minSeconds, boolean[] stable) throws InterruptedException {
        Thread.sleep(TimeUnit.SECONDS.toMillis(minSeconds) - 2000);
        long t0 = System.nanoTime();
        long[] last = new long[3];
        int readings = 0;
        while (true) {
            last[readings++ % 3] = usedAfterFullGc(memory);
            if (readings >= 3 && max(last) - min(last) <= STABLE_BYTES) {
                break;
            }
            if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(MAX_SETTLE_SECONDS)) {
                stable[0] = false;
                break;
            }
            Thread.sleep(1000);
        }
        return last[(readings - 1) % 3];
    }

    private static void write(String file, String text) throws java.io.IOException {
        Files.write(Paths.get(file), text.getBytes(StandardCharsets.UTF_8));
    }

    private static long usedAfterFullGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc(); // a full, compacting collection with G1 (ExplicitGCInvokesConcurrent is off)
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long max(long[] a) {
        long m = Long.MIN_VALUE;
        for (long v : a) m = Math.max(m, v);
        return m;
    }

    private static long min(long[] a) {
        long m = Long.MAX_VALUE;
        for (long v : a) m = Math.min(m, v);
        return m;
    }

    private static long fdLimit() {
        Object os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean) {
            return ((com.sun.management.UnixOperatingSystemMXBean) os).getMaxFileDescriptorCount();
        }
        return -1;
    }

    /** The class histogram, as {@code jcmd PID GC.class_histogram} prints it (a full GC first). */
    private static String histogram() throws Exception {
        return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram", new Object[]{new String[0]}, new String[]{String[].class.getName()});
    }

    /** portwatch's recording scope (its bootstrap {@code Recordings} class), or null without the agent. */
    private static Object openScope() throws Exception {
        Class<?> recordings;
        try {
            recordings = Class.forName("io.portwatch.bootstrap.Recordings", false, null);
        } catch (ClassNotFoundException e) {
            return null;
        }
        Method open = recordings.getMethod("open");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            long id = (Long) open.invoke(null);
            if (id >= 0) {
                return new Object[]{recordings, id};
            }
            if (id != -1 || System.nanoTime() > deadline) {
                throw new IllegalStateException("portwatch did not open a recording scope: " + id);
            }
            Thread.sleep(100); // -1: the agent is still starting
        }
    }

    /** Closes the scope; {connects seen, events dropped, connections untracked, events still pending}. */
    private static long[] closeScope(Object scope) throws Exception {
        if (scope == null) {
            return null;
        }
        Class<?> recordings = (Class<?>) ((Object[]) scope)[0];
        long id = (Long) ((Object[]) scope)[1];
        Object[] result = (Object[]) recordings.getMethod("close", long.class, long.class).invoke(null, id, 30_000L);
        long[] status = (long[]) result[0];
        long connects = 0;
        for (Object counts : ((Map<?, ?>) result[1]).values()) {
            connects += ((long[]) counts)[0];
        }
        return new long[]{connects, status[1], status[2], status[0]};
    }
}
