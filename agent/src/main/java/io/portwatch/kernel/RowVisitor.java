package io.portwatch.kernel;

/** Receives the rows of a TCP table, one reused {@link TcpRow} at a time. */
public interface RowVisitor {

    /** Called once per well-formed row; {@code row} is overwritten by the next call. */
    void row(TcpRow row);
}
