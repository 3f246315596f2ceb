package io.portwatch.it.workload;

/** Opens no connection: sleeps the milliseconds given, while the agent's start runs its course, then exits. */
public final class IdleWorkload {
    public static void main(String[] args) throws Exception {
        Thread.sleep(Long.parseLong(args[0]));
        System.out.println("idle done");
    }
}
