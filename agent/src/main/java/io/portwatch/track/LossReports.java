package io.portwatch.track;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Says that connections went unrecorded because the ring or the reporter's queue was full: the
 * first time at once, then at most every five minutes, and once more at the end if anything was
 * lost since. The record of the whole run, the summary, says so only when it is shown, and it is
 * not while telemetry is exported. Tracker thread only.
 */
final class LossReports {

    private static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(5);

    /** Events and reports lost as of the last line that said so, and when it was said. */
    private long said;
    private long saidNanos;

    void say(long events, long reports, long now, boolean last, Consumer<String> problems) {
        if (events + reports == said || (!last && said > 0 && now - saidNanos < QUIET_NANOS)) {
            return;
        }
        said = events + reports;
        saidNanos = now;
        List<String> why = new ArrayList<>();
        if (events > 0) why.add(events + " events dropped, the tracker behind the application (buffer.size)");
        if (reports > 0) why.add(reports + " reports dropped, the reporter behind the tracker (buffer.size sets its queue too)");
        problems.accept("connections went unrecorded, so far: " + String.join("; ", why)
                + "; the connection counters, the spans and the summary's counts miss them");
    }
}
