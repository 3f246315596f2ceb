package io.portwatch.it.workload;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * An application that interrupts every thread it can see, the agent's included (as some shutdown
 * and test harnesses do), then makes N loopback connections, then idles for a second. Prints how
 * many agent threads it interrupted and how much CPU they used while it idled. Usage:
 * {@code InterruptingWorkload N}.
 */
public final class InterruptingWorkload {

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        List<Thread> agent = agentThreads();
        for (int round = 0; round < 3; round++) {
            for (Thread t : agent) t.interrupt();
            Thread.sleep(100);
        }
        System.out.println("interrupted " + agent.size() + " agent threads");
        InetAddress host = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 50, host)) {
            for (int i = 0; i < n; i++) {
                try (Socket client = new Socket(host, server.getLocalPort()); Socket accepted = server.accept()) {
                    client.getOutputStream().write(1);
                    accepted.getInputStream().read();
                }
            }
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long before = cpuNanos(mx, agent);
        Thread.sleep(1000);
        long used = cpuNanos(mx, agent) - before;
        System.out.println("agent cpu ms while idle for 1000 ms: " + used / 1_000_000);
    }

    /** The agent's threads (group "portwatch"), waiting up to 10 s for them to start. */
    private static List<Thread> agentThreads() throws InterruptedException {
        List<Thread> out = new ArrayList<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            out.clear();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                ThreadGroup g = t.getThreadGroup();
                if (g != null && g.getName().equals("portwatch")) out.add(t);
            }
            if (out.stream().anyMatch(t -> t.getName().startsWith("portwatch-reporter"))) break;
            Thread.sleep(50);
        }
        return out;
    }

    private static long cpuNanos(ThreadMXBean mx, List<Thread> threads) {
        long sum = 0;
        for (Thread t : threads) {
            long c = mx.getThreadCpuTime(t.getId());
            if (c > 0) sum += c;
        }
        return sum;
    }
}
