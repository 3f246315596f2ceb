package io.portwatch.it;

import io.portwatch.it.support.ChildJvm;
import io.portwatch.it.support.OtlpReceiver;
import io.portwatch.it.workload.IdleWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the agent's start puts into a JVM that opens no connection (performance.md, "start-up"),
 * read from the JVM's own class-loading log: the agent's classes come from its own class loader,
 * not from the application's, which would look for each along the application's class path
 * first (here a directory, the test classes'); its start spins no lambda of its own; and it
 * loads neither the JDK's Formatter (and with it the locale data) nor ProcessHandle.
 */
class StartFootprintIT {

    @ParameterizedTest
    @MethodSource("io.portwatch.it.AgentRobustnessIT#jdks")
    void theStartLoadsTheAgentThroughItsOwnLoaderAndSpinsNoLambda(String jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ChildJvm.Result r = new ChildJvm(jdk).exportTo(receiver).jvmArg("-Xlog:class+load=debug:stdout")
                    .main(IdleWorkload.class, "1500").run();
            assertEquals(0, r.exitCode, r::toString);
            assertTrue(r.stdout.contains("idle done"), r::toString);
            String[] lines = r.stdout.split("\n");
            List<String> byApplicationLoader = new ArrayList<>();
            List<String> lambdas = new ArrayList<>();
            int agentClasses = 0;
            for (int i = 0; i + 1 < lines.length; i++) {
                String name = loadedClass(lines[i]);
                if (name == null || !name.startsWith("io.portwatch.") || name.startsWith("io.portwatch.it.")) continue;
                agentClasses++;
                if (name.contains("$$Lambda")) lambdas.add(name);
                // The debug line after a class's names its loader.
                if (lines[i + 1].contains("AppClassLoader") && !name.equals("io.portwatch.agent.PortwatchAgent")
                        && !name.equals("io.portwatch.agent.AgentClassLoader")) {
                    byApplicationLoader.add(name);
                }
            }
            assertTrue(agentClasses > 100, () -> "the start loads the agent's classes: " + r.stdout.length() + " chars");
            assertTrue(byApplicationLoader.isEmpty(), () -> "by the application's loader: " + byApplicationLoader);
            assertTrue(lambdas.isEmpty(), () -> "lambdas spun by the agent's start: " + lambdas);
            for (String jdkClass : new String[]{"java.util.Formatter", "java.lang.ProcessHandleImpl"}) {
                assertTrue(!r.stdout.contains("[class,load] " + jdkClass + " "), () -> jdkClass + " loaded at start");
            }
        }
    }

    /** The class a {@code [class,load]} info line names, else null. */
    private static String loadedClass(String line) {
        int at = line.indexOf("[class,load] ");
        if (at < 0 || !line.contains("[info")) return null;
        String rest = line.substring(at + "[class,load] ".length());
        int space = rest.indexOf(' ');
        return space < 0 ? rest : rest.substring(0, space);
    }
}
