package io.portwatch.track;

/** How a connection record came to its end. */
public enum ConnectionEnd {
    /** The application closed it. */
    CLOSED,
    /** The connect failed. */
    FAILED,
    /** Still open when the JVM exited. */
    OPEN_AT_EXIT,
    /** The socket became unreachable and was garbage collected without a close. */
    COLLECTED,
    /** Closed before a non-blocking connect completed. */
    ABANDONED;

    /** Computed once: {@link #value()} is asked for every connection. */
    private final String value = name().toLowerCase(java.util.Locale.ROOT);

    /** The {@code portwatch.end} attribute value: lower case. */
    public String value() {
        return value;
    }
}
