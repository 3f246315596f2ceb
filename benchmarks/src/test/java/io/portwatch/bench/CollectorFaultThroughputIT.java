package io.portwatch.bench;

import io.portwatch.bench.CollectorFaultBench.FaultyCollectors;
import io.portwatch.bench.CollectorFaultBench.Rounds;
import io.portwatch.bench.CollectorFaultBench.Setup;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue #8: with its collector refusing connections, hanging or answering 2 s late, the agent
 * leaves the application at least 90% of the throughput it has without the agent. Measured with
 * {@link CollectorFaultBench}'s harness, in a shorter run than the benchmark's, on the agent's worst
 * case per connection: an application that does nothing but connect and close on loopback, both
 * ends in one JVM. Four child JVMs take turns, the others stopped, which is what makes a timed
 * assertion fair on shared cores (see {@link CollectorFaultBench}); the median of each setup's
 * per-round ratios to no agent is asserted.
 *
 * <p>The margin is thin: on two cores this workload keeps the agent's cost at 6 to 8% (performance.md),
 * and one round's ratio ranges from 0.8 to 1.1, so the median of a dozen rounds can fall under 0.90
 * by chance. When it does, a dozen more rounds are played and all of them judged, up to
 * {@link #LOOKS} dozens: more rounds narrow the median towards the agent's real cost, and a real
 * regression fails every look.
 *
 * <p>Not promised here: an application that keeps every core busy, whose CPU the agent's own threads
 * and JIT work then take (the benchmark's JDBC churn, 8 threads and the database on two cores:
 * 0.86 to 0.93 of no agent; docs/reliability.md).
 */
class CollectorFaultThroughputIT {

    private static final double MIN_RATIO = 0.90;
    /** 45 s per child: the agent's JIT work ends 15 to 30 s into a loopback churn (performance.md). */
    private static final int WARM_UP_ROUNDS = 30;
    private static final int ROUNDS = 12;
    /** At most this many sets of {@link #ROUNDS}: about 8 minutes per JDK in all. */
    private static final int LOOKS = 4;
    private static final long SLICE_MILLIS = 1_500;

    static Stream<String> javaHomes() {
        return Arrays.stream(System.getProperty("portwatch.it.java.homes", System.getProperty("java.home")).split(","))
                .map(String::trim).filter(s -> !s.isEmpty());
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void aFaultyCollectorLeavesTheApplicationNineTenthsOfItsThroughput(String jdk) throws Exception {
        assumeTrue(Files.isDirectory(Paths.get("/proc/self/task")),
                "skipped: the children's turns are kept with SIGSTOP and checked in /proc, which only Linux has");
        Variant.Jars jars = new Variant.Jars(System.getProperty("portwatch.agent.jar"), null);
        try (FaultyCollectors collectors = new FaultyCollectors();
             Rounds rounds = new Rounds(jdk, jars, collectors.endpoints, SLICE_MILLIS)
                     .start("-cp", ChildJvm.ownClassPath(), SlicedChurn.class.getName(), "loopback")) {
            rounds.play(WARM_UP_ROUNDS, false).play(ROUNDS, true);
            for (int look = 1; look < LOOKS && !below(rounds).isEmpty(); look++) {
                System.out.println("short of " + MIN_RATIO + " after " + look * ROUNDS + " rounds (" + below(rounds)
                        + "): " + ROUNDS + " more, all judged");
                rounds.play(ROUNDS, true);
            }
            System.out.println(rounds.table("loopback connect + close/s, 1 thread, on " + jdk));
            List<String> below = below(rounds);
            assertTrue(below.isEmpty(), () -> "under " + MIN_RATIO + " of the throughput without the agent: " + below);
        }
    }

    /** The setups whose median ratio to no agent is under {@link #MIN_RATIO}, with it. */
    private static List<String> below(Rounds rounds) {
        List<String> below = new ArrayList<>();
        for (Setup s : Setup.values()) {
            double median = Comparison.median(rounds.ratios(s));
            if (median < MIN_RATIO) below.add(String.format(Locale.ROOT, "%s: %.3f", s.label, median));
        }
        return below;
    }
}
