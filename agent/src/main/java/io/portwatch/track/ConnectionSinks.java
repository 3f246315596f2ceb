package io.portwatch.track;

import java.util.Arrays;
import java.util.List;

/** Hands each record to several sinks in turn; one failing sink does not starve the others. */
public final class ConnectionSinks implements ConnectionSink {

    private final List<ConnectionSink> sinks;
    private final java.util.function.Consumer<Throwable> errors;

    public ConnectionSinks(java.util.function.Consumer<Throwable> errors, ConnectionSink... sinks) {
        this(errors, Arrays.asList(sinks));
    }

    public ConnectionSinks(java.util.function.Consumer<Throwable> errors, List<ConnectionSink> sinks) {
        this.sinks = new java.util.ArrayList<>(sinks);
        this.errors = errors;
    }

    @Override
    public void opened(ConnectionRecord record) {
        for (ConnectionSink s : sinks) {
            try {
                s.opened(record);
            } catch (RuntimeException e) {
                errors.accept(e);
            }
        }
    }

    @Override
    public void jdbcEnded(JdbcRecord record) {
        for (ConnectionSink s : sinks) {
            try {
                s.jdbcEnded(record);
            } catch (RuntimeException e) {
                errors.accept(e);
            }
        }
    }

    @Override
    public void ended(ConnectionRecord record) {
        for (ConnectionSink s : sinks) {
            try {
                s.ended(record);
            } catch (RuntimeException e) {
                errors.accept(e);
            }
        }
    }
}
