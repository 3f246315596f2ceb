package io.portwatch.otlp;

import java.util.List;

/** A finished span, as it goes out: the fields of OTLP's {@code Span} that portwatch sets. */
public final class OtlpSpan {

    /** OTLP's {@code SpanKind}. */
    public enum Kind {
        INTERNAL(1), SERVER(2), CLIENT(3);

        /** The value on the wire. */
        public final int number;

        Kind(int number) {
            this.number = number;
        }
    }

    /** 16 bytes. */
    public final byte[] traceId;
    /** 8 bytes. */
    public final byte[] spanId;
    /** 8 bytes, or null for a root span. */
    public final byte[] parentSpanId;
    public final String name;
    public final Kind kind;
    public final long startEpochNanos;
    public final long endEpochNanos;
    public final OtlpAttributes attributes;
    public final List<Event> events;
    /** Status {@code ERROR} when true, {@code UNSET} otherwise. */
    public final boolean error;
    /** The status message of an error, or null. */
    public final String statusMessage;

    public OtlpSpan(byte[] traceId, byte[] spanId, byte[] parentSpanId, String name, Kind kind, long startEpochNanos,
                    long endEpochNanos, OtlpAttributes attributes, List<Event> events, boolean error, String statusMessage) {
        this.traceId = traceId;
        this.spanId = spanId;
        this.parentSpanId = parentSpanId;
        this.name = name;
        this.kind = kind;
        this.startEpochNanos = startEpochNanos;
        this.endEpochNanos = endEpochNanos;
        this.attributes = attributes;
        this.events = events;
        this.error = error;
        this.statusMessage = statusMessage;
    }

    /** A span event. */
    public static final class Event {
        public final String name;
        public final long epochNanos;
        public final OtlpAttributes attributes;

        public Event(String name, long epochNanos, OtlpAttributes attributes) {
            this.name = name;
            this.epochNanos = epochNanos;
            this.attributes = attributes;
        }
    }
}
