package io.portwatch.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComparisonTest {

    /** Five rounds of 8-thread allocation counts, each JVM in one of two modes 56 B apart. */
    private static void addModalRounds(Comparison c) {
        double[] none = {1120, 1120, 1176, 1120, 1120};
        double[] portwatch = {1202, 1146, 1202, 1202, 1146};
        for (int r = 0; r < none.length; r++) {
            c.add(Variant.NONE, none[r]);
            c.add(Variant.PORTWATCH, portwatch[r]);
            c.add(Variant.OTEL_JAVAAGENT, none[r] + 24);
        }
    }

    @Test
    void aModalMeasureIsCentredOnTheMeanOfItsRuns() {
        Comparison c = Comparison.modal("alloc_8t", "bytes");
        addModalRounds(c);
        // 1179.6 - 1131.2: the medians (1202 - 1120) would give a mode's width on top of the agent's bytes.
        assertEquals(48.4, c.added(Variant.PORTWATCH), 1e-9);
        assertEquals(24.0, c.added(Variant.OTEL_JAVAAGENT), 1e-9);
        assertEquals(1179.6 / 1131.2, c.ratio(Variant.PORTWATCH), 1e-12);
        assertTrue(c.json().contains("\"centre\": \"mean\""));
    }

    @Test
    void anOrdinaryMeasureIsCentredOnTheMedianOfItsRuns() {
        Comparison c = new Comparison("alloc_8t", "bytes");
        addModalRounds(c);
        assertEquals(82.0, c.added(Variant.PORTWATCH), 1e-9);
        assertEquals(1202.0 / 1120.0, c.ratio(Variant.PORTWATCH), 1e-12);
        assertTrue(c.json().contains("\"centre\": \"median\""));
    }

    /** A run too short for a figure (the JDBC bench's CPU rows without a last third) writes null, still JSON. */
    @Test
    void aFigureARunCouldNotGiveIsNullInTheJson() {
        Comparison c = new Comparison("jdbc_cpu", "us");
        for (Variant v : Variant.values()) c.add(v, Double.NaN);
        String json = c.json();
        assertFalse(json.contains("NaN"), json);
        assertTrue(json.contains("\"median\": null") && json.contains("\"ratio\": null")
                && json.contains("\"runs\": [null]"), json);
        assertEquals("1.500", Comparison.number(1.5, 3));
    }
}
