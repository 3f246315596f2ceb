package io.portwatch.track;

/** Which side ended a connection first, as the {@code portwatch.closed_by} attribute says it. */
public enum Closer {
    /** This JVM sent the first FIN: this host keeps the TIME_WAIT (unless the kernel says otherwise). */
    LOCAL,
    /** The peer's FIN arrived first: the TIME_WAIT is on the peer. */
    PEER,
    /** The connection ended in a reset: no TIME_WAIT on either side. */
    RESET,
    /** Cannot be told: never closed, closed while still connecting, or events were lost. */
    UNKNOWN;

    /** Computed once: {@link #value()} is asked for every connection. */
    private final String value = name().toLowerCase(java.util.Locale.ROOT);

    /** The attribute value: lower case. */
    public String value() {
        return value;
    }
}
