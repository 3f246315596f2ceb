package io.portwatch.track;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink that writes down each call, in order: {@code opened ID}, {@code ended ID}, {@code jdbc ID}. */
final class SinkCalls implements ConnectionSink {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void opened(ConnectionRecord r) {
        calls.add("opened " + r.id);
    }

    @Override
    public void ended(ConnectionRecord r) {
        calls.add("ended " + r.id);
    }

    @Override
    public void jdbcEnded(JdbcRecord j) {
        calls.add("jdbc " + j.id);
    }
}
