package io.portwatch.track;

/** What an {@link Event} says happened to a connection. */
enum EventKind {
    CONNECTED,
    CONNECT_PENDING,
    FINISHED_CONNECT,
    ACCEPTED,
    END_OF_STREAM,
    RESET,
    OUTPUT_SHUTDOWN,
    LINGER,
    BOUND,
    CLOSED,
    /** Where the application asked for a connection that an event loop makes later: its call site. */
    CONNECT_REQUESTED,
    JDBC_STARTED,
    JDBC_CONNECTED,
    JDBC_CLOSED
}
