package io.portwatch.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The string counters of a HotSpot JVM's performance-data file ({@code hsperfdata_USER/PID} in its
 * /tmp, what {@code jps} reads): what the JVM itself says about whether it accepts an attach and
 * which Java it is, including what came from an options file or {@code JDK_JAVA_OPTIONS}, which
 * its command line does not show. Read only; the layout is HotSpot's {@code PerfDataPrologue}
 * followed by {@code PerfDataEntry} records.
 */
final class PerfData {

    /** Capability flags, one '0' or '1' per capability; the first says whether attach is supported. */
    static final String CAPABILITIES = "sun.rt.jvmCapabilities";
    /** The Java specification version: "17", "25"; "1.8" for Java 8. */
    static final String SPEC_VERSION = "java.property.java.vm.specification.version";

    private static final int MAGIC = 0xcafec0c0;
    private static final int PROLOGUE_SIZE = 32;
    /** Larger than any file HotSpot writes (its default is 64 KiB); guards against reading a stray file whole. */
    private static final long MAX_SIZE = 16L << 20;

    private PerfData() {}

    /** The named string counters of the file, those of {@code names} that it has; empty if it is not one. */
    static Map<String, String> strings(Path file, Set<String> names) {
        try {
            if (Files.size(file) > MAX_SIZE) return new HashMap<>();
            return strings(ByteBuffer.wrap(Files.readAllBytes(file)), names);
        } catch (IOException | RuntimeException unreadable) {
            return new HashMap<>();
        }
    }

    static Map<String, String> strings(ByteBuffer buf, Set<String> names) {
        Map<String, String> found = new HashMap<>();
        if (buf.limit() < PROLOGUE_SIZE || buf.order(ByteOrder.BIG_ENDIAN).getInt(0) != MAGIC) return found;
        buf.order(buf.get(4) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int used = Math.min(buf.getInt(8), buf.limit());
        int entry = buf.getInt(24);
        int count = buf.getInt(28);
        for (int i = 0; i < count && entry >= PROLOGUE_SIZE && entry + 20 <= used; i++) {
            int length = buf.getInt(entry);
            if (length <= 0) break;
            String name = cString(buf, entry + buf.getInt(entry + 4), entry + length);
            int vectorLength = buf.getInt(entry + 8);
            byte type = buf.get(entry + 12);
            if (name != null && type == 'B' && vectorLength > 0 && names.contains(name)) {
                int data = entry + buf.getInt(entry + 16);
                String value = cString(buf, data, Math.min(data + vectorLength, used));
                if (value != null) found.put(name, value);
            }
            entry += length;
        }
        return found;
    }

    /** The NUL-terminated text from {@code from} (up to {@code end}), or null when out of bounds. */
    private static String cString(ByteBuffer buf, int from, int end) {
        if (from < 0 || end > buf.limit() || from >= end) return null;
        int to = from;
        while (to < end && buf.get(to) != 0) to++;
        byte[] bytes = new byte[to - from];
        for (int k = 0; k < bytes.length; k++) bytes[k] = buf.get(from + k);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
