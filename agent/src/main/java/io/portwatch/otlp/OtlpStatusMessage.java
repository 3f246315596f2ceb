package io.portwatch.otlp;

import java.nio.charset.StandardCharsets;

/**
 * The message of an OTLP/HTTP error response. A collector answers a protobuf request's failure
 * with a protobuf {@code google.rpc.Status} (field 1 the code, field 2 the message, field 3 the
 * details), whose message is what a user can act on, and whose framing would print as noise.
 */
final class OtlpStatusMessage {

    private static final int MESSAGE_FIELD = 2;

    private OtlpStatusMessage() {
    }

    /**
     * The {@code message} field of the encoded {@code Status}, cut short if the body was; the body
     * as text if it is not such a message (a proxy's answer, say).
     */
    static String of(byte[] body) {
        int[] at = {0};
        while (at[0] < body.length) {
            long tag = varint(body, at);
            if (tag < 0) break;
            int wireType = (int) (tag & 7);
            if (wireType == 0) {
                if (varint(body, at) < 0) break;
            } else if (wireType == 2) {
                long length = varint(body, at);
                if (length < 0) break;
                int end = (int) Math.min(body.length, at[0] + length);
                if (tag >>> 3 == MESSAGE_FIELD) return new String(body, at[0], end - at[0], StandardCharsets.UTF_8);
                at[0] = end;
            } else if (wireType == 1) {
                at[0] += 8;
            } else if (wireType == 5) {
                at[0] += 4;
            } else {
                break;
            }
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The varint at {@code at[0]}, which it moves past; -1 when the bytes end inside it or it is too long. */
    private static long varint(byte[] bytes, int[] at) {
        long value = 0;
        for (int shift = 0; shift < 64 && at[0] < bytes.length; shift += 7) {
            byte b = bytes[at[0]++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) return value;
        }
        return -1;
    }
}
