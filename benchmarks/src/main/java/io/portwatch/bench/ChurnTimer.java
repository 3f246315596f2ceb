package io.portwatch.bench;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The measured workload, run in a child JVM with or without the agent: loopback connect + close,
 * the server closing first so the client's ports come free at once (the server side keeps the
 * TIME_WAITs) and the port range never limits the run. WARMUP connections first, then MEASURED,
 * and one line: {@code connections=N seconds=S perSecond=R clientAllocBytesPerConnection=B
 * processCpuMicrosPerConnection=P clientCpuMicrosPerConnection=C agentThreadsCpuMicrosPerConnection=A
 * warmupProcessCpuMicrosPerConnection=W jitMillis=J peakRssKb=M}. All but W and M are of the
 * measured connections: a JVM that has compiled its hot code, the agent's included, as a service
 * does minutes after it starts; J, the JIT's compilation time over them, says whether it had. M
 * is the process's peak resident memory at the end. W
 * is the process's CPU over the warm-up's connections, JIT compilation and the agent's first
 * reads of the kernel's tables included: the one-off cost of the first seconds. The CPU figures
 * (the whole process's, agent threads and JIT included, and the client threads') vary far less
 * between runs than the rate on a shared machine, whose neighbours take turns on its cores.
 * Usage: {@code ChurnTimer THREADS WARMUP MEASURED}.
 */
public final class ChurnTimer {

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int warmup = Integer.parseInt(args[1]);
        int measured = Integer.parseInt(args[2]);
        InetAddress lo = InetAddress.getLoopbackAddress();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (ServerSocket server = ClosingServer.start()) {
            long warmupCpu0 = os.getProcessCpuTime();
            run(lo, server.getLocalPort(), threads, warmup);
            double warmupCpuMicros = (os.getProcessCpuTime() - warmupCpu0) / 1e3;
            long[] alloc = new long[2];
            long jit0 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            long agent0 = agentThreadsCpuNanos();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            run(lo, server.getLocalPort(), threads, measured, alloc);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double processCpuMicros = (os.getProcessCpuTime() - cpu0) / 1e3;
            double agentCpuMicros = (agentThreadsCpuNanos() - agent0) / 1e3;
            long jitMillis = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit0;
            System.out.printf(java.util.Locale.ROOT, "connections=%d seconds=%.3f perSecond=%.1f clientAllocBytesPerConnection=%.0f"
                            + " processCpuMicrosPerConnection=%.2f clientCpuMicrosPerConnection=%.2f agentThreadsCpuMicrosPerConnection=%.2f"
                            + " warmupProcessCpuMicrosPerConnection=%.2f jitMillis=%d peakRssKb=%d%n",
                    measured, seconds, measured / seconds, (double) alloc[0] / measured,
                    processCpuMicros / measured, alloc[1] / 1e3 / measured, agentCpuMicros / measured, warmupCpuMicros / warmup, jitMillis,
                    HelloWorld.peakRssKb());
        }
    }

    /**
     * The CPU time so far of the threads an agent started ({@link Variant#isAgentThread}): what it takes
     * beside the application's threads. The JIT's threads are not Java-visible and are left to the
     * process's figure.
     */
    private static long agentThreadsCpuNanos() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t == null || !Variant.isAgentThread(t.getThreadName())) continue;
            long cpu = mx.getThreadCpuTime(t.getThreadId());
            if (cpu > 0) sum += cpu;
        }
        return sum;
    }

    /**
     * The client threads, made once: the warm-up's connections and the measured ones are made by
     * the same threads, as a service's pooled threads make them hours apart. A thread's first
     * connections toward a destination each cost a stack walk (the call site); fresh threads for
     * the measured connections would measure that first cost again, not the warm one.
     */
    private static ExecutorService clients;

    private static void run(InetAddress lo, int port, int threads, int total) throws Exception {
        run(lo, port, threads, total, new long[2]);
    }

    /**
     * {@code total} connections spread over {@code threads}, one task per client thread (a latch
     * holds each until all have started, so no thread takes two); adds the client threads'
     * allocation to out[0] and their CPU time in nanoseconds to out[1].
     */
    private static void run(InetAddress lo, int port, int threads, int total, long[] out) throws Exception {
        if (clients == null) {
            clients = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "client");
                t.setDaemon(true);
                return t;
            });
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        AtomicLong allocated = new AtomicLong();
        AtomicLong cpu = new AtomicLong();
        CountDownLatch started = new CountDownLatch(threads);
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int share = total / threads + (t < total % threads ? 1 : 0);
            clients.execute(() -> {
                started.countDown();
                try {
                    started.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                long cpuBefore = mx.getCurrentThreadCpuTime();
                byte[] buf = new byte[16];
                try {
                    for (int i = 0; i < share; i++) {
                        try (Socket s = new Socket(lo, port)) {
                            InputStream in = s.getInputStream();
                            while (in.read(buf) >= 0) { /* until the server's FIN */ }
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                } finally {
                    allocated.addAndGet(mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before);
                    cpu.addAndGet(mx.getCurrentThreadCpuTime() - cpuBefore);
                    done.countDown();
                }
            });
        }
        done.await();
        out[0] += allocated.get();
        out[1] += cpu.get();
    }
}
