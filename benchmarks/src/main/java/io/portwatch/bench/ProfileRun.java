package io.portwatch.bench;

import io.portwatch.sample.EmbeddedDatabase;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One workload under an agent with JFR on, then {@link JfrProfile} on the recording: where the
 * agent's cost goes. Cases: {@code loopback} ({@link ChurnTimer}, one thread) and {@code jdbc}
 * (the sample app's churn mode, 8 threads, against an embedded MariaDB started here). The agent
 * exports to an {@link OtlpSink} as in the benchmarks.
 *
 * <p>On a loaded machine the absolute rates mean little, but the shares of the samples still say
 * which code the agent's cost is in. Usage:
 * {@code ProfileRun loopback|jdbc OUT_DIR PORTWATCH_JAR OTEL_JAVAAGENT_JAR SAMPLE_APP_JAR [count] [variant]}
 * (count: connections or writes; variant: portwatch (default), otel-javaagent or none).
 */
public final class ProfileRun {

    private static final long CHILD_TIMEOUT_SECONDS = 600;

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: ProfileRun loopback|jdbc OUT_DIR PORTWATCH_JAR OTEL_JAVAAGENT_JAR SAMPLE_APP_JAR [count] [variant]");
            System.exit(2);
        }
        String kase = args[0];
        Path outDir = Paths.get(args[1]).toAbsolutePath();
        Variant.Jars jars = new Variant.Jars(new File(args[2]).getAbsolutePath(), new File(args[3]).getAbsolutePath());
        String sampleJar = new File(args[4]).getAbsolutePath();
        Variant variant = args.length > 6 ? Arrays.stream(Variant.values()).filter(v -> v.label.equals(args[6]))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no variant " + args[6])) : Variant.PORTWATCH;
        Files.createDirectories(outDir);
        Path recording = outDir.resolve(kase + "-" + variant.label + ".jfr");
        // profile settings: a Java sample every 10 ms; per-thread CPU load every second instead of every 10.
        List<String> jfr = Arrays.asList("-XX:StartFlightRecording=filename=" + recording
                + ",settings=profile,dumponexit=true,jdk.ThreadCPULoad#period=1s");

        try (OtlpSink sink = new OtlpSink()) {
            ChildJvm child = new ChildJvm(jars, sink.endpoint(), "profile-" + kase, CHILD_TIMEOUT_SECONDS);
            String output;
            if (kase.equals("loopback")) {
                int connections = args.length > 5 ? Integer.parseInt(args[5]) : 100_000;
                output = child.run(variant, jfr, "-cp", ChildJvm.ownClassPath(), "io.portwatch.bench.ChurnTimer", "1",
                        String.valueOf(Math.max(2000, connections / 4)), String.valueOf(connections));
            } else if (kase.equals("jdbc")) {
                int writes = args.length > 5 ? Integer.parseInt(args[5]) : 20_000;
                try (EmbeddedDatabase db = EmbeddedDatabase.start()) {
                    output = child.run(variant, jfr, JdbcChurnBench.sampleApp(sampleJar, db.target(), writes, 8)
                            .toArray(new String[0]));
                }
            } else {
                throw new IllegalArgumentException("case must be loopback or jdbc, got " + kase);
            }
            System.out.println(output.trim());
            System.out.println("OTLP receiver: " + sink.received());
        }
        System.out.printf(Locale.ROOT, "%nrecording: %s%n", recording);
        JfrProfile profile = new JfrProfile();
        profile.read(recording);
        profile.print(10);
    }
}
