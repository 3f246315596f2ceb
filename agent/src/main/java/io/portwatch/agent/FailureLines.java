package io.portwatch.agent;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** Failures of one part of the agent, said as error lines: the first {@code shown}, the rest only counted. */
final class FailureLines implements Consumer<Throwable> {

    private final String what;
    private final int shown;
    private final AtomicLong count = new AtomicLong();

    /** {@code what} starts each line, e.g. {@code "sink failed: "}. */
    FailureLines(String what, int shown) {
        this.what = what;
        this.shown = shown;
    }

    @Override
    public void accept(Throwable t) {
        long n = count.incrementAndGet();
        if (n <= shown) Log.error(what + t + (n == shown ? " (further failures not shown)" : ""));
    }
}
