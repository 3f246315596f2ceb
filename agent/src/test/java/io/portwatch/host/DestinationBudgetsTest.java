package io.portwatch.host;

import io.portwatch.budget.Destination;
import io.portwatch.kernel.Sysctls;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The warning path, without root or a kernel: {@link DestinationBudgets} fed the reads of a
 * simulated host ({@link PortPoolSimulation}) where this JVM and another process churn toward the
 * same database. The worked example: 300 ports, no effective reuse (so 60 s per TIME_WAIT),
 * another process at 3.5 connections/s and this JVM at 2/s. Each alone is sustainable (210 and 120
 * TIME_WAITs); together (330) they run out after about 55 s, and the warning must come well ahead,
 * saying that most of the churn is elsewhere.
 */
class DestinationBudgetsTest {

    private static final int PORTS = 300;
    private static final double OTHERS = 3.5;
    private static final double JVM = 2.0;
    private static final Destination DB = dest("10.0.0.5", "10.0.0.9", 3306);
    private static final Destination CACHE = dest("10.0.0.5", "10.0.0.7", 6379);
    /** {@code tcp_tw_reuse=2}, the default: toward a remote database, no reuse at all. */
    private static final Sysctls NO_REUSE = Sysctls.linuxDefaults();
    private static final Sysctls REUSE = Sysctls.linuxDefaults().withTwReuse(1);
    private static final Pattern OTHERS_CHURN =
            Pattern.compile("other processes on this host add ([0-9.]+) TIME_WAITs/s toward it, this JVM ([0-9.]+)/s");

    private static Destination dest(String local, String remote, int port) {
        try {
            return Destination.of(InetAddress.getByName(local), InetAddress.getByName(remote), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static DoubleUnaryOperator steady(double rate) {
        return t -> rate;
    }

    /** Asserts the warning was raised by half the time to the first failed connect, and returns its text. */
    private static String raisedAheadOfExhaustion(PortPoolSimulation sim) {
        double failed = sim.firstFailure();
        assertFalse(Double.isNaN(failed), () -> "the pool ran out in the simulation: " + sim.said());
        PortPoolSimulation.Said raised = sim.first("raised");
        assertNotNull(raised, () -> "a warning before the first failed connect at " + failed + " s");
        assertTrue(raised.at <= failed / 2, () -> "raised at " + raised.at + " s, the first connect failed at "
                + failed + " s: " + sim.said());
        return raised.text;
    }

    /** The {others, this JVM} rates the warning names, or null when it does not say that others churn. */
    private static double[] othersChurnSaid(String text) {
        Matcher m = OTHERS_CHURN.matcher(text);
        return m.find() ? new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))} : null;
    }

    private static void assertNear(double expected, double actual, String what) {
        assertTrue(Math.abs(expected - actual) <= 0.5, () -> String.format(Locale.ROOT, "%s: %.2f, not near %.2f",
                what, actual, expected));
    }

    @Test
    void theWorkedExampleIsWarnedAheadAndSaysMostChurnIsElsewhere() {
        PortPoolSimulation sim = new PortPoolSimulation(PORTS, NO_REUSE)
                .other(DB, steady(OTHERS)).jvm(DB, steady(JVM), false).runFor(120);
        String text = raisedAheadOfExhaustion(sim);
        double[] rates = othersChurnSaid(text);
        assertNotNull(rates, text);
        assertNear(OTHERS, rates[0], "others' rate said");
        assertNear(JVM, rates[1], "this JVM's rate said");
        assertTrue(text.contains("this JVM closes first"), text);
        PortPoolSimulation.Said raised = sim.first("raised");
        assertTrue(text.contains(String.format(Locale.ROOT, "of the %d TIME_WAITs toward it, this JVM holds %d (its"
                + " confirmed closes), other processes %d", raised.timeWaits, raised.jvmTimeWaits,
                raised.timeWaits - raised.jvmTimeWaits)), () -> raised.timeWaits + " TIME_WAITs, " + raised.jvmTimeWaits
                + " this JVM's: " + text);
        assertTrue(raised.jvmTimeWaits > 0 && raised.jvmTimeWaits < raised.timeWaits, "both hold some");
    }

    @Test
    void eachAloneIsSustainableAndNotWarned() {
        PortPoolSimulation others = new PortPoolSimulation(PORTS, NO_REUSE)
                .other(DB, steady(OTHERS)).jvm(DB, steady(0), false).runFor(180);
        PortPoolSimulation jvm = new PortPoolSimulation(PORTS, NO_REUSE).jvm(DB, steady(JVM), false).runFor(180);
        assertTrue(Double.isNaN(others.firstFailure()) && Double.isNaN(jvm.firstFailure()), "each alone fits");
        assertEquals(0, others.said().size(), () -> "others alone: " + others.said());
        assertEquals(0, jvm.said().size(), () -> "this JVM alone: " + jvm.said());
    }

    /**
     * Others at 5/s, this JVM at 0.5/s. The warning comes within seconds, before this JVM has had
     * {@link JvmDestination#CONFIRMED_ENOUGH} closes confirmed (20 s at 0.5/s): until then its own
     * rate reads 0 and its TIME_WAITs are counted with the others'. The sum is the host's rate.
     */
    @Test
    void othersDominate() {
        PortPoolSimulation sim = new PortPoolSimulation(PORTS, NO_REUSE)
                .other(DB, steady(5.0)).jvm(DB, steady(0.5), false).runFor(120);
        String text = raisedAheadOfExhaustion(sim);
        double[] rates = othersChurnSaid(text);
        assertNotNull(rates, text);
        assertNear(5.0 + 0.5, rates[0] + rates[1], "the host's rate said");
        assertTrue(rates[0] >= 5.0 && rates[1] <= 0.5, text);
    }

    @Test
    void thisJvmDominatesAndTheOthersAreNotBlamed() {
        PortPoolSimulation sim = new PortPoolSimulation(PORTS, NO_REUSE)
                .other(DB, steady(0.5)).jvm(DB, steady(5.0), false).runFor(120);
        String text = raisedAheadOfExhaustion(sim);
        assertEquals(null, othersChurnSaid(text), text);
        assertFalse(text.contains("TIME_WAITs toward it, this JVM holds"),
                "whose they are only when mostly others': " + text);
        assertTrue(text.contains("this JVM closes first"), text);
        assertTrue(text.contains("opened at " + PortPoolSimulation.SITE), text);
    }

    /**
     * Another JVM with portwatch beside this one, seen from the busier of the two: this JVM at 3.5/s
     * (alone, 210 TIME_WAITs: it would last), the other at 2/s. The other's churn is not most of it,
     * yet without it no port would run out: the warning says so, with both rates.
     */
    @Test
    void theBusierOfTwoIsToldItsChurnAloneWouldLast() {
        PortPoolSimulation sim = new PortPoolSimulation(PORTS, NO_REUSE)
                .other(DB, steady(JVM)).jvm(DB, steady(OTHERS), false).runFor(120);
        String text = raisedAheadOfExhaustion(sim);
        double[] rates = othersChurnSaid(text);
        assertNotNull(rates, text);
        assertNear(OTHERS + JVM, rates[0] + rates[1], "the host's rate said");
        assertTrue(text.contains("this JVM's churn alone would fit in them; together they run out")
                || text.contains("cutting this JVM's churn alone is not enough"), text);
        assertTrue(text.contains("TIME_WAITs toward it, this JVM holds"), "whose they are: " + text);
    }

    /**
     * Others step up from 1/s to 5/s at 60 s and stop at 95 s, this JVM steady at 1/s: no port runs
     * out, the warning is raised after the step up (not before) and cleared once the TIME_WAITs of
     * the burst have expired, once each.
     */
    @Test
    void aRateThatStepsUpThenDownRaisesThenClears() {
        PortPoolSimulation sim = new PortPoolSimulation(PORTS, NO_REUSE)
                .other(DB, t -> t < 60 ? 1.0 : t < 95 ? 5.0 : 0.0).jvm(DB, steady(1.0), false).runFor(240);
        assertTrue(Double.isNaN(sim.firstFailure()), "it stepped down in time");
        PortPoolSimulation.Said raised = sim.first("raised");
        PortPoolSimulation.Said cleared = sim.first("cleared");
        assertNotNull(raised, () -> "" + sim.said());
        assertNotNull(cleared, () -> "" + sim.said());
        assertTrue(raised.at >= 60 && raised.at < 95, () -> "raised within the burst: " + sim.said());
        assertTrue(cleared.at > 95 + 10, () -> "cleared after the step down, once the rate reads low: " + sim.said());
        assertEquals(1, sim.count("raised"), () -> "no flapping: " + sim.said());
        assertEquals(1, sim.count("cleared"), () -> "no flapping: " + sim.said());
        assertTrue(othersChurnSaid(raised.text) != null, raised.text);
    }

    /** With reuse effective, the worked example's 330 TIME_WAITs do not block: no failure, no warning. */
    @Test
    void reuseEffectiveIsNotWarned() {
        PortPoolSimulation sim = new PortPoolSimulation(PORTS, REUSE)
                .other(DB, steady(OTHERS)).jvm(DB, steady(JVM), false).runFor(180);
        assertTrue(Double.isNaN(sim.firstFailure()), "reuse takes the old TIME_WAIT ports over");
        assertEquals(0, sim.said().size(), () -> "" + sim.said());
    }

    /**
     * This JVM binds before connect toward the database while another process churns toward a cache
     * from the same address, reuse effective: apart, each destination has a pool of its own and reuse
     * would save it; bound, this JVM's ports come from one pool per local address where TIME_WAITs
     * are never reused, and it runs out. The warning comes ahead and names bind().
     */
    @Test
    void bindBeforeConnectSharesOnePoolAcrossDestinations() {
        PortPoolSimulation bound = new PortPoolSimulation(PORTS, REUSE)
                .other(CACHE, steady(OTHERS)).jvm(DB, steady(JVM), true).runFor(120);
        String text = raisedAheadOfExhaustion(bound);
        assertTrue(text.contains("bind() before connect() shares one port pool across destinations"), text);
        double[] rates = othersChurnSaid(text);
        assertNotNull(rates, text);
        assertNear(OTHERS, rates[0], "others' rate from the same local address");

        PortPoolSimulation connected = new PortPoolSimulation(PORTS, REUSE)
                .other(CACHE, steady(OTHERS)).jvm(DB, steady(JVM), false).runFor(120);
        assertTrue(Double.isNaN(connected.firstFailure()), "connect() picks from a pool per destination");
        assertEquals(0, connected.said().size(), () -> "" + connected.said());
    }
}
