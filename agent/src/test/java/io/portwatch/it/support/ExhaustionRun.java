package io.portwatch.it.support;

import io.portwatch.it.workload.ChurnWorkload;
import org.opentest4j.TestAbortedException;

import java.net.ServerSocket;
import java.util.function.UnaryOperator;

/**
 * A churn run worth a report: inside a network namespace with 300 ephemeral ports and TIME_WAIT
 * reuse defeated ({@code tcp_timestamps=0}), 30 client-closed connections a second toward one
 * destination run out of ports after about ten seconds, with a warning first. Without root or
 * {@code ip netns} it falls back to a plain churn on the host's loopback (no warning, capacity far
 * away) and says so; {@link #inNamespace()} tells which it was.
 */
public final class ExhaustionRun implements AutoCloseable {

    private static final int NS_SERVER_PORT = 7000;
    private static final String RANGE = "40000 40299";

    private final NetNs ns;
    private final String why;

    private ExhaustionRun(NetNs ns, String why) {
        this.ns = ns;
        this.why = why;
    }

    public static ExhaustionRun prepare() throws Exception {
        NetNs ns;
        try {
            ns = NetNs.create();
        } catch (TestAbortedException e) {
            System.out.println("churn on the host's loopback, not in a namespace: " + e.getMessage());
            return new ExhaustionRun(null, e.getMessage());
        }
        try {
            ns.portReuse(false, RANGE);
        } catch (Exception | Error e) {
            ns.close();
            throw e;
        }
        return new ExhaustionRun(ns, null);
    }

    public boolean inNamespace() {
        return ns != null;
    }

    /** Why the run is not in a namespace; null when it is. */
    public String whyNot() {
        return why;
    }

    public NetNs namespace() {
        return ns;
    }

    /** Runs the churn in a child JVM set up by {@code setup} (agent arguments, exporter). */
    public ChildJvm.Result run(String jdk, UnaryOperator<ChildJvm> setup) throws Exception {
        ChildJvm child = new ChildJvm(jdk).timeoutSeconds(120);
        if (ns != null) {
            // 40 s at 30/s would be 1200 connections: four times the range, so it fails after ~10 s.
            child.inNamespace(ns.name()).main(ChurnWorkload.class, "churn", String.valueOf(NS_SERVER_PORT), "30", "40");
        } else {
            child.main(ChurnWorkload.class, "churn", String.valueOf(freePort()), "100", "6");
        }
        return setup.apply(child).run();
    }

    public static int freePort() throws java.io.IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (ns != null) ns.close();
    }
}
