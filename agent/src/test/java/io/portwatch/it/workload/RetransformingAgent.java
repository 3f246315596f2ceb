package io.portwatch.it.workload;

import java.lang.instrument.Instrumentation;

/**
 * A second agent, as another vendor's would be: it keeps its {@link Instrumentation} for
 * {@link RetransformedSocketWorkload}, which retransforms the JDK's socket classes with it. The
 * test writes the jar that names it (a manifest only: the class comes from the class path).
 */
public final class RetransformingAgent {

    static volatile Instrumentation inst;

    private RetransformingAgent() {}

    public static void premain(String args, Instrumentation instrumentation) {
        inst = instrumentation;
    }
}
