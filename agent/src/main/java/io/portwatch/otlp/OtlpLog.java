package io.portwatch.otlp;

/** A log record, as it goes out: the fields of OTLP's {@code LogRecord} that portwatch sets. */
public final class OtlpLog {

    /** OTLP's {@code SeverityNumber} of the two severities portwatch uses. */
    public static final int INFO = 9;
    public static final int WARN = 13;

    public final long epochNanos;
    /** {@link #INFO} or {@link #WARN}. */
    public final int severityNumber;
    public final String severityText;
    public final String eventName;
    public final String body;
    public final OtlpAttributes attributes;

    public OtlpLog(long epochNanos, int severityNumber, String severityText, String eventName, String body,
                   OtlpAttributes attributes) {
        this.epochNanos = epochNanos;
        this.severityNumber = severityNumber;
        this.severityText = severityText;
        this.eventName = eventName;
        this.body = body;
        this.attributes = attributes;
    }
}
