package io.portwatch.export;

import io.portwatch.otlp.OtlpAttributes;
import io.portwatch.otlp.OtlpMetric;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link MetricRegistry}'s instruments and collections; {@link MetricRegistrySdkTest} holds them against the SDK's. */
class MetricRegistryTest {

    private static final OtlpAttributes OUT = OtlpAttributes.of("portwatch.direction", "outgoing");
    private static final OtlpAttributes IN = OtlpAttributes.of("portwatch.direction", "accepted");

    private long now = 5_000L;
    private final List<String> problems = new ArrayList<>();
    private final MetricRegistry registry = new MetricRegistry(now, problems::add, () -> now, MetricRegistry.CARDINALITY_LIMIT);

    @Test
    void countsPerAttributeSetCumulativelyOverCollections() {
        LongCounter opened = registry.counter("portwatch.connections.opened", "opened", "{connection}");
        opened.add(1, OUT);
        opened.add(1, OUT);
        now = 6_000;
        opened.add(3, IN);
        now = 10_000;
        OtlpMetric m = only(registry.collect(now));
        assertEquals("portwatch.connections.opened", m.name);
        assertEquals("opened", m.description);
        assertEquals("{connection}", m.unit);
        assertEquals(OtlpMetric.Type.SUM, m.type);
        assertEquals(false, m.doubles);
        assertEquals(2, values(m).get(OUT));
        assertEquals(3, values(m).get(IN));
        assertEquals(5_000, point(m, OUT).startEpochNanos, "a series starts when first added to");
        assertEquals(6_000, point(m, IN).startEpochNanos);
        assertEquals(10_000, point(m, IN).epochNanos);

        opened.add(4, OUT);
        now = 20_000;
        m = only(registry.collect(now));
        assertEquals(6, values(m).get(OUT), "cumulative");
        assertEquals(3, values(m).get(IN), "a series not added to since is still there");
        assertEquals(5_000, point(m, OUT).startEpochNanos);
    }

    @Test
    void aCounterNotAddedToIsLeftOut() {
        registry.counter("portwatch.connections.closed", null, null);
        assertEquals(0, registry.collect(now).size());
    }

    @Test
    void aNegativeAddIsIgnoredAndSaidOnceAZeroStartsASeries() {
        LongCounter c = registry.counter("c", null, null);
        c.add(-1, OUT);
        c.add(-2, OUT);
        c.add(0, IN);
        c.add(1, null);
        OtlpMetric m = only(registry.collect(now));
        assertEquals(2, m.points.size(), "the zero and the one without attributes");
        assertEquals(0, values(m).get(IN));
        assertEquals(1, values(m).get(OtlpAttributes.EMPTY));
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).contains("-1 ignored"), problems::toString);
    }

    @Test
    void gaugesAndObservableCountersRecordWhatTheirObserversSee() {
        Map<OtlpAttributes, Long> used = new HashMap<>();
        used.put(OUT, 7L);
        registry.gauge("portwatch.ports.used", null, "{port}", false, m -> {
            for (Map.Entry<OtlpAttributes, Long> e : used.entrySet()) m.record(e.getValue(), e.getKey());
        });
        long[] recycled = {40};
        registry.observableCounter("portwatch.host.time_wait.recycled", null, null, false, m -> m.record(recycled[0], IN));
        registry.gauge("portwatch.connect.duration", null, "ms", true, m -> m.record(1.25, OUT));
        List<OtlpMetric> metrics = registry.collect(now);
        assertEquals(3, metrics.size());
        assertEquals(OtlpMetric.Type.GAUGE, metrics.get(0).type);
        assertEquals(7, values(metrics.get(0)).get(OUT));
        assertEquals(OtlpMetric.Type.SUM, metrics.get(1).type);
        assertEquals(40, values(metrics.get(1)).get(IN));
        assertEquals(true, metrics.get(2).doubles);
        assertEquals(1.25, point(metrics.get(2), OUT).doubleValue);

        used.remove(OUT);
        used.put(IN, 2L);
        recycled[0] = 45;
        now += 1000;
        metrics = registry.collect(now);
        assertEquals(2, values(metrics.get(0)).get(IN));
        assertNull(values(metrics.get(0)).get(OUT), "a series no longer observed is gone");
        assertEquals(45, values(metrics.get(1)).get(IN), "an observable counter's value is the total observed");
    }

    @Test
    void anObserverThatThrowsIsSaidOncePerCollectionAndSkipped() {
        registry.gauge("first", null, null, false, m -> {
            m.record(1, OUT);
            throw new IllegalStateException("boom");
        });
        registry.gauge("second", null, null, false, m -> {
            throw new IllegalArgumentException("bang");
        });
        registry.gauge("third", null, null, false, m -> m.record(3, OUT));
        List<OtlpMetric> metrics = registry.collect(now);
        assertEquals(2, metrics.size(), "the third, and what the first recorded before it threw (as the SDK)");
        assertEquals("first", metrics.get(0).name);
        assertEquals("third", metrics.get(1).name);
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).contains("first (java.lang.IllegalStateException: boom)"), problems::toString);
        assertTrue(problems.get(0).contains("second (java.lang.IllegalArgumentException: bang)"), problems::toString);
        registry.collect(now + 1);
        assertEquals(2, problems.size(), "one line per collection");
    }

    @Test
    void pastTheCardinalityLimitNewSeriesGoToTheOverflowSeries() {
        MetricRegistry small = new MetricRegistry(now, problems::add, () -> now, 4);
        LongCounter c = small.counter("c", null, null);
        for (int i = 0; i < 10; i++) c.add(1, OtlpAttributes.of("i", (long) i));
        c.add(5, OtlpAttributes.of("i", 0L));
        OtlpMetric m = only(small.collect(now));
        assertEquals(4, m.points.size(), "three series and the overflow series");
        assertEquals(6, values(m).get(OtlpAttributes.of("i", 0L)), "an existing series still counts");
        assertEquals(7, values(m).get(MetricRegistry.OVERFLOW));
        assertEquals(1, problems.size(), "said once: " + problems);

        small.gauge("g", null, null, false, o -> {
            for (int i = 0; i < 10; i++) o.record(i, OtlpAttributes.of("i", (long) i));
        });
        m = small.collect(now).get(1);
        assertEquals(4, m.points.size());
        assertEquals(9, values(m).get(MetricRegistry.OVERFLOW), "a gauge's overflow series: the last value");
        assertEquals(2, problems.size(), "said once per metric: " + problems);
    }

    @Test
    void anInstrumentRegisteredTwice() {
        LongCounter a = registry.counter("c", "d", "1");
        assertSame(a, registry.counter("C", "d", "1"), "the same identity (the name's case aside): the same counter");
        assertEquals(0, problems.size());
        LongCounter other = registry.counter("c", "another description", "1");
        assertNotSame(a, other);
        assertEquals(1, problems.size(), "said: " + problems);
        a.add(1, OUT);
        other.add(2, OUT);
        List<OtlpMetric> metrics = registry.collect(now);
        assertEquals(2, metrics.size(), "both exported, under one name");

        registry.gauge("g", null, null, false, m -> m.record(1, OUT));
        registry.gauge("g", null, null, false, m -> m.record(2, IN));
        assertEquals(1, problems.size(), "the same identity: not a problem");
        OtlpMetric g = registry.collect(now).get(2);
        assertEquals(2, g.points.size(), "both observers feed the one gauge");
    }

    @Test
    void addsFromAnotherThreadWhileCollecting() throws Exception {
        LongCounter c = registry.counter("c", null, null);
        OtlpAttributes[] sets = new OtlpAttributes[16];
        for (int i = 0; i < sets.length; i++) sets[i] = OtlpAttributes.of("i", (long) i);
        int adds = 200_000;
        CountDownLatch started = new CountDownLatch(1);
        Thread reporter = new Thread(() -> {
            started.countDown();
            for (int i = 0; i < adds; i++) c.add(1, sets[i % sets.length]);
        });
        reporter.start();
        started.await();
        long last = 0;
        while (reporter.isAlive()) {
            long total = total(registry.collect(now));
            assertTrue(total >= last, "cumulative: never less than before");
            last = total;
        }
        reporter.join();
        assertEquals(adds, total(registry.collect(now)));
    }

    private static long total(List<OtlpMetric> metrics) {
        long sum = 0;
        for (OtlpMetric m : metrics) {
            for (OtlpMetric.Point p : m.points) sum += p.longValue;
        }
        return sum;
    }

    private static OtlpMetric only(List<OtlpMetric> metrics) {
        assertEquals(1, metrics.size());
        return metrics.get(0);
    }

    private static Map<OtlpAttributes, Long> values(OtlpMetric m) {
        Map<OtlpAttributes, Long> values = new HashMap<>();
        for (OtlpMetric.Point p : m.points) values.put(p.attributes, p.longValue);
        return values;
    }

    private static OtlpMetric.Point point(OtlpMetric m, OtlpAttributes a) {
        for (OtlpMetric.Point p : m.points) {
            if (p.attributes.equals(a)) return p;
        }
        throw new AssertionError("no point " + a + " in " + m.name);
    }
}
