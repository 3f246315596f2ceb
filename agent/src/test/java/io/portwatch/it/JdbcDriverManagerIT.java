package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.support.SampleApp;
import io.portwatch.it.support.SampleJar;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The founding incident, named in JDBC's words: the sample app ({@code sample-app.jar}, against
 * the embedded MariaDB it starts, Connector/J with its default TLS) writing rows with a new
 * {@code DriverManager.getConnection} per write (the churn) is reported as {@code
 * jdbc-drivermanager, no_pool} with the fix "take connections from a pool"; the same writes
 * through its HikariCP pool (the cure) as a pool whose few connections are no churn. Once per JDK.
 */
class JdbcDriverManagerIT {

    private static final int WRITES = 120;
    /** The sample app's line that opens every connection: a regular expression. */
    private static final String SITE = "io\\.portwatch\\.sample\\.DatabaseTarget\\.connect\\(DatabaseTarget\\.java:\\d+\\)";

    @RegisterExtension
    static final SampleJar sampleJar = new SampleJar();

    static Stream<String> jdks() {
        return SampleApp.jdks();
    }

    private static ChildJvm.Result run(String jdk, OtlpReceiver receiver, String mode) throws Exception {
        ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver).agentArgs("summary=short").timeoutSeconds(90)
                .jar(sampleJar.path(), "--mode", mode, "--writes", String.valueOf(WRITES), "--threads", "4").run();
        assertEquals(0, r.exitCode, r::toString);
        return r;
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aConnectionPerWriteIsNamedDriverManagerWithoutAPool(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "churn");
            // One connection per write, and the app's own two (the table, the summary), from one line.
            Matcher row = Pattern.compile("\\[portwatch\\] summary:   (\\d+)  " + SITE + " \\((\\d+) direct, 0 by a pool;"
                    + " [^)]*; jdbc-drivermanager, no_pool\\)").matcher(r.stderr);
            assertTrue(row.find(), r::toString);
            assertTrue(Integer.parseInt(row.group(1)) >= WRITES, r::toString);
            assertTrue(Pattern.compile("to do 1: Reuse the connections opened at " + SITE + ": \\d+ new connections to"
                    + " 127\\.0\\.0\\.1:\\d+ [^\\n]* through JDBC's DriverManager \\(no_pool\\)\\. Take connections from"
                    + " a pool \\(a DataSource such as HikariCP's HikariDataSource, built once\\) instead of"
                    + " DriverManager\\.getConnection per unit of work\\.").matcher(r.stderr).find(), r::toString);
            assertTrue(receiver.spans(s -> s.name.equals("tcp.connection")
                    && "no_pool".equals(s.str("portwatch.churn.pattern"))
                    && "jdbc-drivermanager".equals(s.str("portwatch.client.library"))).size() > 0,
                    receiver::everythingReceived);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void thePoolsFewConnectionsAreNoChurn(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = run(jdk, receiver, "pooled");
            assertFalse(r.stderr.contains("Reuse the connections"), r::toString);
            assertFalse(r.stderr.contains("no_pool"), r::toString);
            assertTrue(Pattern.compile("\\[portwatch\\] summary:   \\d+  [^\\n]*; jdbc-pool, none\\)").matcher(r.stderr).find(),
                    r::toString);
        }
    }
}
