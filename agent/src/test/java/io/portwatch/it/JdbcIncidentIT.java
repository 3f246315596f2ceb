package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.NetNs;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.OtlpReceiver.ReceivedLog;
import io.portwatch.it.workload.JdbcWorkload;
import io.portwatch.sample.EmbeddedDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The founding incident as it happened, over a real link: a JDBC job (Connector/J, a new
 * connection per write, four workers, a steady rate) on an application host with
 * {@code tcp_timestamps=0} and {@code tcp_tw_reuse=1} and a narrow port range, writing to MariaDB
 * on the far end of a veth pair (the database in the test's namespace, the job in one of its own).
 * Loopback would not do: there the default {@code tcp_tw_reuse=2} applies, and a loopback
 * connection negotiates timestamps whatever the far end is.
 *
 * <p>The first warning, on stderr and as an OpenTelemetry log record, names the job's line and
 * the timestamps cause, at least half of the time to exhaustion ahead of the first failed write;
 * and by the time the writes fail the operator has been told, in that warning or in an update of
 * it, which side the kernel saw close first. Needs root (network namespaces).
 */
class JdbcIncidentIT {

    private static final String RANGE = "40000 40199";
    private static final int RANGE_PORTS = 200;
    /** 200 ports at 12 writes a second, each port held 60 s: out of ports after about 17 s. */
    private static final double PER_SECOND = 12;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern FAILURE = Pattern.compile("jdbc FIRST FAILURE at (\\d+) after (\\d+) writes: (.*)");

    static java.util.stream.Stream<String> jdks() {
        return ChildJvm.javaHomes().stream();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void theFirstWarningNamesTheJobAndTheSettingAheadOfTheFailure(String jdk) throws Exception {
        try (NetNs ns = NetNs.create()) {
            ns.portReuse(false, RANGE);
            String dbAddress = ns.hostAddress().getHostAddress();
            try (EmbeddedDatabase db = EmbeddedDatabase.start(dbAddress);
                 OtlpReceiver receiver = new OtlpReceiver(ns.hostAddress())) {
                ChildJvm.Result r = new ChildJvm(jdk).inNamespace(ns.name()).exportTo(receiver)
                        .agentArgs("kernel.interval=1000").timeoutSeconds(180)
                        .classPathOf(com.mysql.cj.jdbc.Driver.class)
                        .classPathOf(com.zaxxer.hikari.HikariDataSource.class)
                        .classPathOf(org.slf4j.LoggerFactory.class)
                        .main(JdbcWorkload.class, "steady", db.target().url() + "?sslMode=DISABLED", EmbeddedDatabase.USER,
                                db.target().password(), String.valueOf(RANGE_PORTS * 3), "4", String.valueOf(PER_SECOND))
                        .run();
                assertEquals(0, r.exitCode, r::toString);
                assertFalse(r.stderr.contains("[portwatch] ERROR"), r::toString);

                long started = Long.parseLong(r.stdout.replaceAll("(?s).*jdbc steady started at (\\d+).*", "$1"));
                Matcher failure = FAILURE.matcher(r.stdout);
                assertTrue(failure.find(), () -> "the job never ran out of ports:\n" + r);
                long failedAt = Long.parseLong(failure.group(1));
                assertTrue(failure.group(3).contains("Cannot assign requested address"), failure::group);
                assertTrue(Integer.parseInt(failure.group(2)) > RANGE_PORTS - 20, () -> "failed early: " + failure.group());

                // stderr: the headline names the setting, the lines below it the job's code
                List<String> lines = Arrays.asList(r.stderr.split("\n"));
                int warnAt = indexOf(lines, 0, l -> l.startsWith("[portwatch] WARN port exhaustion ahead for "
                        + dbAddress + ":" + db.port()));
                assertTrue(warnAt >= 0, () -> "no exhaustion warning on stderr:\n" + r);
                assertTrue(lines.get(warnAt).contains("tcp_timestamps"), lines.get(warnAt));
                String findings = findings(lines, warnAt);
                assertTrue(findings.contains("opened at " + JdbcWorkload.class.getName() + "."),
                        () -> "the first warning does not name the job's code:\n" + findings);

                // the log record, and how far ahead it came
                List<ReceivedLog> raised = receiver.awaitLogs(l -> "portwatch.port_exhaustion".equals(l.eventName)
                        && "raised".equals(l.attributes.get("portwatch.warning.state")), WAIT);
                assertFalse(raised.isEmpty(), () -> "no raised log record; logs: " + receiver.logs());
                ReceivedLog first = raised.get(0);
                assertTrue(String.valueOf(first.attributes.get("portwatch.call_site")).startsWith(JdbcWorkload.class.getName()),
                        first::toString);
                assertTrue(String.valueOf(first.attributes.get("portwatch.advice")).contains("tcp_timestamps"), first::toString);
                long warnedAt = first.timeUnixNanos / 1_000_000;
                long ahead = failedAt - warnedAt;
                assertTrue(ahead >= (failedAt - started) / 2, () -> "warned " + ahead + " ms ahead of a failure "
                        + (failedAt - started) + " ms into the job: less than half the time to exhaustion\n" + r);

                // Who closes first, as the kernel confirms it: the warning in force when the writes
                // fail (the first, or its last update before then) says that this side's closes fill
                // the ports. Without TLS, Connector/J and MariaDB close at once and the TIME_WAITs
                // land on either side (docs/jdbc.md): "this JVM", or "both sides ... by turns".
                Pattern closer = Pattern.compile("(this JVM closes first|both sides close first, by turns)"
                        + " \\(confirmed by the kernel");
                List<ReceivedLog> said = receiver.logs().stream()
                        .filter(l -> "portwatch.port_exhaustion".equals(l.eventName) && l.timeUnixNanos / 1_000_000 < failedAt)
                        .sorted(java.util.Comparator.comparingLong(l -> l.timeUnixNanos))
                        .collect(Collectors.toList());
                ReceivedLog inForce = said.get(said.size() - 1);
                assertTrue(closer.matcher(String.valueOf(inForce.attributes.get("portwatch.advice"))).find(),
                        () -> "when the writes failed, the warning in force did not say this side's closes fill the"
                                + " ports: " + inForce + "\nall before the failure: " + said);
                System.out.printf("%s: warned %d ms ahead of the first failed write, %d ms into the job%n",
                        jdk, ahead, failedAt - started);
            }
        }
    }

    /** The indented lines that follow a warning's headline on stderr. */
    private static String findings(List<String> lines, int headline) {
        StringBuilder out = new StringBuilder();
        for (int i = headline + 1; i < lines.size() && lines.get(i).startsWith("[portwatch]   "); i++) {
            out.append(lines.get(i)).append('\n');
        }
        return out.toString();
    }

    private static int indexOf(List<String> lines, int from, java.util.function.Predicate<String> p) {
        for (int i = from; i < lines.size(); i++) {
            if (p.test(lines.get(i))) return i;
        }
        return -1;
    }
}
