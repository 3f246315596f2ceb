package io.portwatch.export;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Random trace and span ids, as the OpenTelemetry SDK's default id generator makes them: from
 * {@link ThreadLocalRandom} (ids need to be unlikely to collide, not unpredictable; a
 * {@code SecureRandom} would cost its seeding and a lock), never all zero (an invalid id).
 */
public final class SpanIds {

    private SpanIds() {}

    /**
     * A 16-byte trace id. Its last 8 bytes, the part {@link Sampler}'s ratio reads, are never all
     * zero, as in the SDK; so neither is the id.
     */
    public static byte[] traceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong();
        long low;
        do {
            low = random.nextLong();
        } while (low == 0);
        byte[] id = new byte[16];
        put(id, 0, high);
        put(id, 8, low);
        return id;
    }

    /** An 8-byte span id, never all zero. */
    public static byte[] spanId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long v;
        do {
            v = random.nextLong();
        } while (v == 0);
        byte[] id = new byte[8];
        put(id, 0, v);
        return id;
    }

    /** {@code v} big-endian at {@code offset}: the byte order of the ids' hex form. */
    private static void put(byte[] b, int offset, long v) {
        for (int i = 7; i >= 0; i--) {
            b[offset + i] = (byte) v;
            v >>>= 8;
        }
    }
}
