package io.portwatch.track;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's own threads, all in one thread group. Threads inherit their creator's group, so the
 * threads the JDK's HTTP server starts behind the Prometheus endpoint (its dispatcher and timers)
 * land here too. The tracker ignores every socket event raised from this group: that is how the agent's own
 * exporter connections stay untracked, whatever class loader or JDK class they go through.
 */
public final class AgentThreads {

    public static final ThreadGroup GROUP = new ThreadGroup("portwatch");

    private static final AtomicInteger COUNT = new AtomicInteger();

    private AgentThreads() {}

    /** True on the agent's own threads; a field read, cheap enough for every socket event. */
    public static boolean isCurrent() {
        return Thread.currentThread().getThreadGroup() == GROUP;
    }

    /** A daemon thread in the agent's group. */
    public static Thread newThread(String name, Runnable task) {
        Thread t = new Thread(GROUP, task, "portwatch-" + name + "-" + COUNT.incrementAndGet());
        t.setDaemon(true);
        // The loops catch what they can; should one die anyway, say so rather than go quiet.
        t.setUncaughtExceptionHandler(SAY_DEATH);
        return t;
    }

    /** Makes {@link #newThread}s named after {@code name}. */
    public static ThreadFactory factory(String name) {
        return new ThreadFactory() {
            @Override
            public Thread newThread(Runnable task) {
                return AgentThreads.newThread(name, task);
            }
        };
    }

    /* Classes, not lambdas, here and across the agent's start: each lambda is a class the JVM spins. */
    private static final Thread.UncaughtExceptionHandler SAY_DEATH = new Thread.UncaughtExceptionHandler() {
        @Override
        public void uncaughtException(Thread dead, Throwable e) {
            System.err.println("[portwatch] ERROR thread " + dead.getName() + " died, its work has stopped: " + e);
        }
    };
}
