package io.portwatch.track;

/**
 * A driver's {@code connect} call in progress on one thread. Sockets opened while it is the
 * thread's current scope belong to it. Counts nested calls of drivers that wrap drivers.
 */
final class JdbcScope {
    final long startNanos;
    int depth;
    String url;
    java.util.List<String> secrets;

    JdbcScope(long startNanos) {
        this.startNanos = startNanos;
    }
}
