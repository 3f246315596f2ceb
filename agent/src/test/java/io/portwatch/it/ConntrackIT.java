package io.portwatch.it;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.NetNs;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.workload.ChurnWorkload;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The connection-tracking table read for real: in a network namespace where one nftables rule
 * that matches on conntrack state makes the kernel track connections, a JVM with the agent churns
 * 200 loopback connections (each leaves an entry for two minutes, its TIME_WAIT's), and its gauges
 * {@code portwatch.host.conntrack.count} and {@code .max} must report the namespace's
 * {@code nf_conntrack_count} and {@code nf_conntrack_max}, as {@code doctor} run in the namespace
 * must. The near-full warning and the rule's thresholds are unit-tested
 * ({@code ConntrackAlarmTest}, {@code ConntrackRuleTest}, {@code DoctorTest}): the limit cannot be
 * made small here, as {@code nf_conntrack_max} is one for the host and read-only outside the initial
 * namespace on recent kernels, and filling the host's table would take the host's connections down.
 * Needs root, {@code ip netns} and {@code nft}; skips saying why otherwise.
 */
class ConntrackIT {

    private static final int SERVER_PORT = 7000;
    private static final Pattern DOCTOR = Pattern.compile("nf_conntrack_count=(\\d+) of nf_conntrack_max=(\\d+)");

    @Test
    void theTableIsReadIntoGaugesAndDoctor() throws Exception {
        String jdk = ChildJvm.javaHomes().get(0);
        try (NetNs ns = NetNs.create()) {
            NetNs.Exec max = NetNs.run(10, "ip", "netns", "exec", ns.name(), "cat", "/proc/sys/net/netfilter/nf_conntrack_max");
            assumeTrue(max.exitCode == 0, "connection tracking is not available in this kernel: " + max);
            NetNs.Exec rule = NetNs.run(10, "ip", "netns", "exec", ns.name(), "nft", "add table inet pw;"
                    + " add chain inet pw out { type filter hook output priority 0 ; };"
                    + " add rule inet pw out ct state new accept");
            assumeTrue(rule.exitCode == 0, "cannot make the namespace track connections (needs nft): " + rule);
            long limit = Long.parseLong(max.output.trim());

            try (OtlpReceiver receiver = new OtlpReceiver(ns.hostAddress())) {
                ChildJvm.Result jvm = new ChildJvm(jdk).inNamespace(ns.name()).agentArgs("kernel.interval=500")
                        .exportTo(receiver).timeoutSeconds(60)
                        .main(ChurnWorkload.class, "churn", String.valueOf(SERVER_PORT), "50", "4").run();
                assertEquals(0, jvm.exitCode, jvm::toString);
                assertFalse(jvm.stderr.contains("[portwatch] ERROR"), jvm::toString);
                assertFalse(jvm.stderr.contains("nf_conntrack"), () -> "a roomy table is not warned about:\n" + jvm);
                long count = count(ns);
                assertTrue(count >= 150, () -> "the namespace tracks the churn's connections: " + count);

                long gaugeMax = last(receiver.metrics(), "portwatch.host.conntrack.max");
                long gaugeCount = last(receiver.metrics(), "portwatch.host.conntrack.count");
                assertEquals(limit, gaugeMax, () -> "metrics: " + receiver.metricNames());
                // The last export came up to a second before the end; entries live two minutes.
                assertTrue(gaugeCount >= 100 && gaugeCount <= count + 10, () -> "gauge " + gaugeCount + ", the table " + count);
            }

            ChildJvm.Result doctor = new ChildJvm(jdk).withoutAgent().inNamespace(ns.name())
                    .jar(ChildJvm.agentJar().toAbsolutePath(), "doctor").timeoutSeconds(60).run();
            Matcher m = DOCTOR.matcher(doctor.stdout);
            assertTrue(m.find(), doctor::toString);
            long said = Long.parseLong(m.group(1));
            long now = count(ns);
            assertTrue(Math.abs(said - now) <= 10 && said >= 150, () -> "doctor said " + said + ", the table " + now);
            assertEquals(limit, Long.parseLong(m.group(2)), doctor::toString);
            assertTrue(doctor.stdout.matches("(?s).*PASS\\s+nf_conntrack_max.*"), doctor::toString);
        }
    }

    private static long count(NetNs ns) throws Exception {
        return Long.parseLong(ns.inside("cat", "/proc/sys/net/netfilter/nf_conntrack_count").output.trim());
    }

    /** A gauge's last value exported (the receiver keeps every export, in order); -1 when none came. */
    private static long last(List<Metric> metrics, String name) {
        long value = -1;
        for (Metric m : metrics) {
            if (!m.getName().equals(name)) continue;
            for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
                boolean labelled = false;
                for (KeyValue kv : p.getAttributesList()) labelled |= kv.getKey().equals("portwatch.netns");
                assertTrue(labelled, () -> name + " without portwatch.netns: " + p);
                value = p.getAsInt();
            }
        }
        return value;
    }
}
