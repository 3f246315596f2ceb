package io.portwatch.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The ways a measured child JVM runs: with no agent, with portwatch, or with the OpenTelemetry Java
 * agent as it ships. Both agents export to the same discarding OTLP receiver, configured the same
 * way (endpoint, protocol, service name) and nothing else: the peer gets no tuning either way.
 */
enum Variant {
    NONE("none"),
    PORTWATCH("portwatch"),
    OTEL_JAVAAGENT("otel-javaagent");

    final String label;

    Variant(String label) {
        this.label = label;
    }

    /** The JVM options that load this variant's agent; empty for {@link #NONE}. */
    List<String> jvmArgs(Jars jars) {
        switch (this) {
            case PORTWATCH:
                return Collections.singletonList("-javaagent:" + jars.portwatch + "=summary=off");
            case OTEL_JAVAAGENT:
                return Collections.singletonList("-javaagent:" + jars.otelJavaagent);
            default:
                return Collections.emptyList();
        }
    }

    /** Sets this variant's exporter environment; the caller has removed every inherited OTEL_ variable. */
    void exportTo(Map<String, String> env, String endpoint, String serviceName) {
        if (this == NONE) {
            return;
        }
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
        env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        env.put("OTEL_SERVICE_NAME", serviceName);
    }

    /**
     * Name prefixes of the threads the agents start: portwatch's, and the OpenTelemetry Java
     * agent's (its span, log and metric exporters, their HTTP clients, its JMX and weak-reference
     * helpers).
     */
    private static final String[] AGENT_THREADS = {"portwatch", "BatchSpanProcessor", "BatchLogRecordProcessor",
            "PeriodicMetricReader", "OkHttp", "HttpClient", "jmx_bean_finder", "weak-ref-cleaner", "otel"};

    /** Whether a thread of this name is one that portwatch or the OpenTelemetry Java agent started. */
    static boolean isAgentThread(String name) {
        return startsWithAgentPrefix(name, Integer.MAX_VALUE);
    }

    /** How much of a thread's name the kernel keeps ({@code /proc/PID/task/TID/stat}). */
    private static final int KERNEL_NAME_LENGTH = 15;

    /**
     * The same for a thread's name as the kernel keeps it, cut to 15 characters:
     * {@code BatchSpanProces} is a {@code BatchSpanProcessor} thread.
     */
    static boolean isAgentThreadKernelName(String name) {
        return startsWithAgentPrefix(name, KERNEL_NAME_LENGTH);
    }

    /** Whether {@code name} starts with an agent thread's prefix, each cut to {@code kept} characters as the name was. */
    private static boolean startsWithAgentPrefix(String name, int kept) {
        for (String prefix : AGENT_THREADS) {
            if (name.startsWith(prefix.length() > kept ? prefix.substring(0, kept) : prefix)) return true;
        }
        return false;
    }

    /**
     * The variants in the order of one round: rotated by one each round, so that none of them is
     * always first (a cold page cache) or always last (a machine that has been busy a while).
     */
    static List<Variant> orderOfRound(int round) {
        List<Variant> order = new ArrayList<>(List.of(values()));
        Collections.rotate(order, -(round % order.size()));
        return order;
    }

    /** Where the two agents' jars are. */
    static final class Jars {
        final String portwatch;
        final String otelJavaagent;

        Jars(String portwatch, String otelJavaagent) {
            this.portwatch = portwatch;
            this.otelJavaagent = otelJavaagent;
        }
    }
}
