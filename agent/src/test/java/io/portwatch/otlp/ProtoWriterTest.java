package io.portwatch.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link ProtoWriter} against protobuf-java's own {@link CodedOutputStream}, byte for byte. */
class ProtoWriterTest {

    private static final long[] LONGS = {0, 1, 127, 128, 255, 300, 16383, 16384, 2097151, 2097152,
            Integer.MAX_VALUE, 1L << 35, 1L << 56, Long.MAX_VALUE, -1, -2, -128, Integer.MIN_VALUE, Long.MIN_VALUE,
            1_765_000_000_123_456_789L};

    /** protobuf-java's encoding of what {@code fill} writes. */
    private interface Reference {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] reference(Reference r) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        r.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    @Test
    void varintFieldsOfEveryMagnitudeAndSign() throws IOException {
        ProtoWriter w = new ProtoWriter(0); // grows from its smallest
        for (long v : LONGS) w.varintField(3, v);
        w.varintField(2, 5); // an enum
        w.varintField(536_870_911, 1); // the largest field number: a five-byte tag
        byte[] expected = reference(out -> {
            for (long v : LONGS) out.writeInt64(3, v);
            out.writeEnum(2, 5);
            out.writeUInt64(536_870_911, 1);
        });
        assertArrayEquals(expected, w.toByteArray());
    }

    @Test
    void fixedWidthFieldsAndBools() throws IOException {
        ProtoWriter w = new ProtoWriter(0);
        for (long v : LONGS) {
            w.fixed64Field(7, v);
            w.fixed32Field(16, (int) v);
        }
        double[] doubles = {0.0, -0.0, 1.5, -273.15, Double.MIN_VALUE, Double.MAX_VALUE, 1e300, Double.POSITIVE_INFINITY};
        for (double d : doubles) w.doubleField(4, d);
        w.boolField(3, true);
        w.boolField(3, false);
        byte[] expected = reference(out -> {
            for (long v : LONGS) {
                out.writeFixed64(7, v);
                out.writeFixed32(16, (int) v);
            }
            for (double d : doubles) out.writeDouble(4, d);
            out.writeBool(3, true);
            out.writeBool(3, false);
        });
        assertArrayEquals(expected, w.toByteArray());
    }

    @Test
    void stringsAreUtf8AsJavaEncodesThem() throws IOException {
        String[] strings = {"", "a", "jdbc:mysql://127.0.0.1:3306/db", "[2001:db8::1]:5432", "fe80::1%eth0",
                "Grüße, 東京 🚀", "\u0000\u007f\u0080\u07ff\u0800\uffff", "\ud83d\ude00", repeat('x', 127), repeat('é', 64),
                repeat('€', 43), repeat('x', 128), repeat('y', 16383), repeat('z', 16384), repeat('東', 5462), repeat('q', 2_100_000)};
        ProtoWriter w = new ProtoWriter(0);
        for (String s : strings) w.stringField(5, s);
        byte[] expected = reference(out -> {
            for (String s : strings) out.writeString(5, s);
        });
        assertArrayEquals(expected, w.toByteArray());
    }

    @Test
    void unpairedSurrogatesBecomeQuestionMarksAsInStringGetBytes() throws IOException {
        String[] strings = {"\ud800", "a\udc00b", "\ud83d", "\ude00\ud83d", "\ud83d\ud83d\ude00x"};
        for (String s : strings) {
            ProtoWriter w = new ProtoWriter(0);
            w.stringField(1, s);
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(reference(out -> out.writeByteArray(1, utf8)), w.toByteArray(), s);
        }
    }

    @Test
    void randomStringsMatchStringGetBytes() throws IOException {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            char[] chars = new char[random.nextInt(200)];
            for (int i = 0; i < chars.length; i++) {
                int kind = random.nextInt(4);
                chars[i] = (char) (kind == 0 ? random.nextInt(0x80) : kind == 1 ? random.nextInt(0x800) : random.nextInt(0x10000));
            }
            String s = new String(chars);
            ProtoWriter w = new ProtoWriter(1);
            w.stringField(1, s);
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(reference(out -> out.writeByteArray(1, utf8)), w.toByteArray());
        }
    }

    @Test
    void bytesFields() throws IOException {
        byte[] id = {(byte) 0xff, 0, 1, (byte) 0x80, 0x7f, 2, 3, 4};
        byte[] large = new byte[20000];
        new Random(1).nextBytes(large);
        ProtoWriter w = new ProtoWriter(0);
        w.bytesField(1, id);
        w.bytesField(2, new byte[0]);
        w.bytesField(3, large);
        byte[] expected = reference(out -> {
            out.writeByteArray(1, id);
            out.writeByteArray(2, new byte[0]);
            out.writeByteArray(3, large);
        });
        assertArrayEquals(expected, w.toByteArray());
    }

    /** Nested messages whose lengths take one, two, three and four bytes, nested in one another. */
    @Test
    void nestedMessageLengthsTakeAsFewBytesAsTheyNeed() throws IOException {
        // The inner message is 1 + (1 to 4) + n bytes: 125 and 126 make it 127 and 128, 16380 and 16381 make it 16383 and 16384...
        int[] contentSizes = {0, 1, 125, 126, 127, 128, 200, 16380, 16381, 16383, 16384, 2_097_147, 2_097_148, 2_097_152};
        for (int n : contentSizes) {
            ProtoWriter w = new ProtoWriter(0);
            w.varintField(1, 7);
            int outer = w.beginMessage(2);
            int inner = w.beginMessage(3);
            byte[] content = filler(n);
            w.bytesField(4, content);
            w.endMessage(inner);
            w.fixed64Field(5, -1);
            w.endMessage(outer);
            w.boolField(6, true);

            byte[] innerBytes = reference(out -> out.writeByteArray(4, content));
            byte[] outerBytes = reference(out -> {
                out.writeByteArray(3, innerBytes);
                out.writeFixed64(5, -1);
            });
            byte[] expected = reference(out -> {
                out.writeInt64(1, 7);
                out.writeByteArray(2, outerBytes);
                out.writeBool(6, true);
            });
            assertArrayEquals(expected, w.toByteArray(), "content of " + n + " bytes");
            assertEquals(expected.length, w.size());
        }
    }

    @Test
    void anEmptyMessageIsItsTagAndAZeroLength() throws IOException {
        ProtoWriter w = new ProtoWriter(0);
        w.endMessage(w.beginMessage(15));
        byte[] bytes = w.toByteArray();
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        int tag = in.readTag();
        assertEquals(15, WireFormat.getTagFieldNumber(tag));
        assertEquals(WireFormat.WIRETYPE_LENGTH_DELIMITED, WireFormat.getTagWireType(tag));
        assertEquals(0, in.readBytes().size());
        assertEquals(true, in.isAtEnd());
    }

    @Test
    void manySiblingMessagesInALargeOne() throws IOException {
        ProtoWriter w = new ProtoWriter(16);
        int outer = w.beginMessage(1);
        for (int i = 0; i < 3000; i++) {
            int m = w.beginMessage(2);
            w.stringField(1, "span-" + i);
            w.fixed64Field(7, i);
            w.endMessage(m);
        }
        w.endMessage(outer);
        byte[] expected = reference(out -> {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            CodedOutputStream c = CodedOutputStream.newInstance(content);
            for (int i = 0; i < 3000; i++) {
                int index = i;
                c.writeByteArray(2, reference(m -> {
                    m.writeString(1, "span-" + index);
                    m.writeFixed64(7, index);
                }));
            }
            c.flush();
            out.writeByteArray(1, content.toByteArray());
        });
        assertArrayEquals(expected, w.toByteArray());
    }

    private static byte[] filler(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + 7);
        return b;
    }

    private static String repeat(char c, int n) {
        char[] chars = new char[n];
        Arrays.fill(chars, c);
        return new String(chars);
    }
}
