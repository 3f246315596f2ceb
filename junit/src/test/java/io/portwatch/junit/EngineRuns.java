package io.portwatch.junit;

import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** Runs fixture classes through JUnit's engine test kit, in this JVM, and reads what came out. */
final class EngineRuns {

    private EngineRuns() {}

    static EngineExecutionResults run(Class<?>... fixtures) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(Arrays.stream(fixtures).map(c -> selectClass(c)).toArray(DiscoverySelector[]::new))
                .execute();
    }

    /** What a run printed to System.err, with its results; what it printed still reaches the real stderr. */
    static final class WithStderr {
        final EngineExecutionResults results;
        final String stderr;

        private WithStderr(EngineExecutionResults results, String stderr) {
            this.results = results;
            this.stderr = stderr;
        }

        /** The lines that start with {@code [portwatch]}. */
        List<String> portwatchLines() {
            return stderr.lines().filter(l -> l.startsWith("[portwatch]")).collect(Collectors.toList());
        }
    }

    static WithStderr runCapturingStderr(Class<?>... fixtures) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                captured.write(b);
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                original.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
        System.setErr(both);
        EngineExecutionResults results;
        try {
            results = run(fixtures);
        } finally {
            System.setErr(original);
        }
        both.flush();
        return new WithStderr(results, captured.toString(StandardCharsets.UTF_8));
    }

    static String failureMessage(Event failed) {
        return failed.getRequiredPayload(TestExecutionResult.class).getThrowable()
                .map(Throwable::getMessage).orElse("(no throwable)");
    }

    static String onlyFailure(EngineExecutionResults results) {
        List<Event> failed = results.testEvents().failed().list();
        assertEquals(1, failed.size(), () -> "failed: " + failed);
        return failureMessage(failed.get(0));
    }

    /** The {@code portwatch} report entries the extension published, in order. */
    static List<String> reportEntries(EngineExecutionResults results) {
        return results.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs().get("portwatch"))
                .collect(Collectors.toList());
    }
}
