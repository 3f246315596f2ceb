package io.portwatch.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading a HotSpot performance-data file, built here in HotSpot's layout. */
class PerfDataTest {

    private static final Set<String> WANTED = new HashSet<>(Arrays.asList(PerfData.CAPABILITIES, PerfData.SPEC_VERSION));

    /** A file as HotSpot writes it on x86, with these string counters. */
    static ByteBuffer perfData(String... namesAndValues) {
        return perfData(ByteOrder.LITTLE_ENDIAN, namesAndValues);
    }

    /** A prologue and one entry per name/value pair; a long counter in between, to be skipped. */
    private static ByteBuffer perfData(ByteOrder order, String... namesAndValues) {
        ByteArrayOutputStream entries = new ByteArrayOutputStream();
        int count = 0;
        entries.writeBytes(entry(order, "sun.os.hrt.ticks", 'J', new byte[8], 0));
        count++;
        for (int i = 0; i < namesAndValues.length; i += 2) {
            byte[] value = (namesAndValues[i + 1] + "\0").getBytes(StandardCharsets.UTF_8);
            entries.writeBytes(entry(order, namesAndValues[i], 'B', value, value.length + 7));
            count++;
        }
        ByteBuffer buf = ByteBuffer.allocate(32 + entries.size()).order(order);
        buf.order(ByteOrder.BIG_ENDIAN).putInt(0, 0xcafec0c0).order(order);
        buf.put(4, (byte) (order == ByteOrder.BIG_ENDIAN ? 0 : 1)).put(5, (byte) 2).put(7, (byte) 1);
        buf.putInt(8, 32 + entries.size()).putInt(24, 32).putInt(28, count);
        buf.position(32);
        buf.put(entries.toByteArray());
        buf.position(0);
        return buf;
    }

    private static byte[] entry(ByteOrder order, String name, char type, byte[] data, int vectorLength) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
        int nameOffset = 20;
        int dataOffset = (nameOffset + n.length + 7) / 8 * 8;
        int length = (dataOffset + data.length + 7) / 8 * 8;
        ByteBuffer e = ByteBuffer.allocate(length).order(order);
        e.putInt(0, length).putInt(4, nameOffset).putInt(8, type == 'B' ? vectorLength : 0);
        e.put(12, (byte) type).put(14, (byte) 1).put(15, (byte) 1).putInt(16, dataOffset);
        e.position(nameOffset);
        e.put(n);
        e.position(dataOffset);
        e.put(data);
        return e.array();
    }

    @Test
    void readsTheStringCountersAskedFor() {
        Map<String, String> s = PerfData.strings(perfData(ByteOrder.LITTLE_ENDIAN, "sun.rt.javaCommand", "Main",
                PerfData.CAPABILITIES, "0100", PerfData.SPEC_VERSION, "25"), WANTED);
        assertEquals("0100", s.get(PerfData.CAPABILITIES));
        assertEquals("25", s.get(PerfData.SPEC_VERSION));
        assertEquals(2, s.size(), "only the names asked for: " + s);
    }

    @Test
    void eitherByteOrder() {
        assertEquals("17", PerfData.strings(perfData(ByteOrder.BIG_ENDIAN, PerfData.SPEC_VERSION, "17"), WANTED)
                .get(PerfData.SPEC_VERSION));
    }

    @Test
    void anythingElseGivesNothing() {
        assertTrue(PerfData.strings(ByteBuffer.wrap("not perf data at all, but long enough".getBytes()), WANTED).isEmpty());
        ByteBuffer truncated = perfData(ByteOrder.LITTLE_ENDIAN, PerfData.SPEC_VERSION, "17");
        truncated.limit(40);
        assertTrue(PerfData.strings(truncated.slice(), WANTED).isEmpty());
    }
}
