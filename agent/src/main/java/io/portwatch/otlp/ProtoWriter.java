package io.portwatch.otlp;

import java.util.Arrays;

/**
 * Writes the protocol buffers wire format into a growable byte array: the field types OTLP's
 * messages use, and nested messages. No protobuf library: the agent's few message types do not
 * justify one's classes in the application's JVM.
 *
 * <p>A nested message's length is back-patched: {@link #beginMessage} reserves one byte for it,
 * {@link #endMessage} writes it and, for a message of 128 bytes or more, moves the message's bytes
 * along to make room for the longer varint. The alternative, a first pass that computes every
 * message's size, would need each message written twice (once to size it, once to write it) and
 * the sizes kept somewhere between the passes; here the code that writes a message is its only
 * description, and the moves cost one copy of a large message per level of nesting, a few
 * {@code System.arraycopy} calls per export. Strings are written the same way, encoded to UTF-8
 * straight into the buffer, so that no string, key or value, allocates.
 *
 * <p>Every field method writes its field, default value or not: which fields to leave out is the
 * caller's choice (proto3 leaves out zeros, empty strings and {@code false}, but a {@code oneof}
 * member is written whatever its value).
 */
final class ProtoWriter {

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;
    /** The largest array most JVMs allocate. */
    private static final int MAX_SIZE = Integer.MAX_VALUE - 8;

    private byte[] buf;
    private int size;

    ProtoWriter(int initialCapacity) {
        buf = new byte[Math.max(64, initialCapacity)];
    }

    /** The bytes written so far. */
    int size() {
        return size;
    }

    /** What has been written, in an array of its size: the writer's last use (the array may be its own). */
    byte[] toByteArray() {
        return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }

    /** A varint field: {@code int32} (negative ones take ten bytes), {@code int64}, {@code uint32}, {@code uint64} or an enum. */
    void varintField(int field, long value) {
        tag(field, VARINT);
        varint(value);
    }

    void boolField(int field, boolean value) {
        tag(field, VARINT);
        ensure(1);
        buf[size++] = (byte) (value ? 1 : 0);
    }

    /** A {@code fixed64} or {@code sfixed64} field. */
    void fixed64Field(int field, long value) {
        tag(field, FIXED64);
        fixed64(value);
    }

    /** A {@code fixed32} or {@code sfixed32} field. */
    void fixed32Field(int field, int value) {
        tag(field, FIXED32);
        ensure(4);
        byte[] b = buf;
        int p = size;
        b[p] = (byte) value;
        b[p + 1] = (byte) (value >>> 8);
        b[p + 2] = (byte) (value >>> 16);
        b[p + 3] = (byte) (value >>> 24);
        size = p + 4;
    }

    void doubleField(int field, double value) {
        tag(field, FIXED64);
        fixed64(Double.doubleToRawLongBits(value));
    }

    /** A {@code bytes} field, or an already encoded message of that field. */
    void bytesField(int field, byte[] value) {
        tag(field, LENGTH_DELIMITED);
        varint(value.length);
        ensure(value.length);
        System.arraycopy(value, 0, buf, size, value.length);
        size += value.length;
    }

    /**
     * A {@code string} field, in UTF-8 as {@link String#getBytes(java.nio.charset.Charset)} would
     * encode it (an unpaired surrogate becomes {@code '?'}).
     */
    void stringField(int field, String value) {
        int mark = beginMessage(field);
        int n = value.length();
        ensure(3L * n); // a char takes at most three bytes; a surrogate pair, four for its two
        byte[] b = buf;
        int p = size;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                b[p++] = (byte) c;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >>> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (!Character.isSurrogate(c)) {
                b[p++] = (byte) (0xE0 | (c >>> 12));
                b[p++] = (byte) (0x80 | ((c >>> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, value.charAt(++i));
                b[p++] = (byte) (0xF0 | (cp >>> 18));
                b[p++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
                b[p++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                b[p++] = (byte) '?';
            }
        }
        size = p;
        endMessage(mark);
    }

    /**
     * Starts a length-delimited field (a message, or bytes written by the caller): returns the
     * mark to give {@link #endMessage} once its content is written.
     */
    int beginMessage(int field) {
        tag(field, LENGTH_DELIMITED);
        ensure(1);
        int mark = size;
        buf[size++] = 0; // the length's first byte; endMessage makes room for more if needed
        return mark;
    }

    /** Ends the field {@link #beginMessage} started at {@code mark}: writes its length, in as few bytes as it takes. */
    void endMessage(int mark) {
        int start = mark + 1;
        int length = size - start;
        int extra = varintSize(length) - 1;
        if (extra > 0) {
            ensure(extra);
            System.arraycopy(buf, start, buf, start + extra, length);
            size += extra;
        }
        int p = mark;
        while ((length & ~0x7F) != 0) {
            buf[p++] = (byte) ((length & 0x7F) | 0x80);
            length >>>= 7;
        }
        buf[p] = (byte) length;
    }

    private void tag(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    private void varint(long value) {
        ensure(10);
        byte[] b = buf;
        int p = size;
        while ((value & ~0x7FL) != 0) {
            b[p++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        b[p++] = (byte) value;
        size = p;
    }

    private void fixed64(long value) {
        ensure(8);
        byte[] b = buf;
        int p = size;
        for (int i = 0; i < 8; i++) {
            b[p + i] = (byte) (value >>> (8 * i));
        }
        size = p + 8;
    }

    /** The bytes a non-negative int takes as a varint. */
    static int varintSize(int value) {
        int n = 1;
        while ((value & ~0x7F) != 0) {
            value >>>= 7;
            n++;
        }
        return n;
    }

    private void ensure(long more) {
        long needed = size + more;
        if (needed > buf.length) {
            if (needed > MAX_SIZE) throw new IllegalStateException("an OTLP message over 2 GB");
            buf = Arrays.copyOf(buf, (int) Math.min(MAX_SIZE, Math.max(needed, 2L * buf.length)));
        }
    }
}
