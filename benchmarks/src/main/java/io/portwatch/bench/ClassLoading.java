package io.portwatch.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Enumeration;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The measured workload of {@link ClassLoadingBench}: waits (the agents finish starting, their
 * library instrumentation installed), then loads every class of a jar on its class path, without
 * initializing them, and prints {@code classes=N failed=F cpuMillis=C wallMillis=W}: C is the CPU
 * of the loading thread, where a transformer runs. A class whose dependencies are missing fails
 * to load, the same in every variant. Usage: {@code ClassLoading WAIT_MILLIS JAR}.
 */
public final class ClassLoading {

    public static void main(String[] args) throws Exception {
        Thread.sleep(Long.parseLong(args[0]));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        ClassLoader loader = ClassLoading.class.getClassLoader();
        long cpu0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        int loaded = 0;
        int failed = 0;
        try (JarFile jar = new JarFile(args[1])) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (!name.endsWith(".class") || name.startsWith("META-INF/") || name.endsWith("module-info.class")) continue;
                try {
                    Class.forName(name.substring(0, name.length() - ".class".length()).replace('/', '.'), false, loader);
                    loaded++;
                } catch (ClassNotFoundException | LinkageError missingDependency) {
                    failed++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "classes=%d failed=%d cpuMillis=%.1f wallMillis=%.1f%n", loaded, failed,
                (mx.getCurrentThreadCpuTime() - cpu0) / 1e6, (System.nanoTime() - t0) / 1e6);
    }
}
