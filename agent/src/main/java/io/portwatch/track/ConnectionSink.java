package io.portwatch.track;

/**
 * Receives every connection record once it has ended. Called from one thread only: the
 * reporter's, or the tracker's for its observer.
 */
public interface ConnectionSink {

    /** A connection was opened (or accepted); its record is not final yet. */
    default void opened(ConnectionRecord record) {}

    /** A connection ended: closed, failed, abandoned, collected or still open at exit. */
    void ended(ConnectionRecord record);

    /** A physical JDBC connection ended (closed, aborted, failed...); its sockets ended before. */
    default void jdbcEnded(JdbcRecord record) {}
}
