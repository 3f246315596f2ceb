package io.portwatch.it.workload;

/**
 * For workloads: whether portwatch's library advice (JDBC) is in place. It installs itself on an
 * agent thread once the first JDBC type loads; a workload that needs every {@code jdbc.connection}
 * span waits for it, as the agent's bootstrap {@code Bridge} tells (read by name through the
 * bootstrap loader: the workload shares no class with the agent).
 */
public final class LibraryAdvice {

    private LibraryAdvice() {}

    /** A workload that touches no JDBC type: waits up to 60 s for the advice, then says so. */
    public static void main(String[] args) throws InterruptedException {
        await(60);
        System.out.println("library advice installed");
    }

    /** True when the agent runs in this JVM (started with it, or attached). */
    static boolean agentPresent() {
        try {
            Class.forName("io.portwatch.bootstrap.Bridge", false, null);
            return true;
        } catch (ClassNotFoundException noAgent) {
            return false;
        }
    }

    /** True once installed; false without the agent too. */
    static boolean installed() {
        try {
            return Class.forName("io.portwatch.bootstrap.Bridge", false, null)
                    .getField("libraryAdviceInstalled").getBoolean(null);
        } catch (ReflectiveOperationException noAgent) {
            return false;
        }
    }

    /** Waits until installed, or fails after {@code seconds}. */
    static void await(int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!installed()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("portwatch's JDBC instrumentation not in place after " + seconds + " s");
            }
            Thread.sleep(10);
        }
    }
}
