package io.portwatch.track;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * How the tracker hands a record on: to the observer at once (the recording scopes, on the
 * tracker thread), and to the reporter, with each opened report held to the end of the drain, or
 * carried by the ended report if the connection ends first: a short connection (most of a churn)
 * then costs the reporter's queue one report instead of two. Tracker thread only.
 */
final class RecordHandOff {

    private final Reporter reporter;
    /** Opened during this drain: their opened reports wait for its end. */
    private final List<ConnectionRecord> openedThisDrain = new ArrayList<>();
    /** Told as each connection opens and ends, before the reporter; set from any thread. */
    private volatile ConnectionSink observer;
    private volatile Consumer<Throwable> failures = Nowhere.consumer();

    RecordHandOff(Reporter reporter) {
        this.reporter = reporter;
    }

    void observer(ConnectionSink observer) {
        this.observer = observer;
    }

    void failures(Consumer<Throwable> failures) {
        this.failures = failures;
    }

    /** An opened connection. */
    void opened(ConnectionRecord r) {
        observe(r, true);
        r.openedPending = true;
        openedThisDrain.add(r);
    }

    /** An ended connection: to the reporter, which asks the kernel and tells the sink. */
    void ended(ConnectionRecord r) {
        observe(r, false);
        if (r.openedPending) {
            r.openedPending = false;
            r.carriesOpened = true;
        }
        reporter.ended(r);
    }

    /** At the end of a drain: the opened reports of connections still open. */
    void endOfDrain() {
        for (ConnectionRecord r : openedThisDrain) {
            if (r.openedPending) {
                r.openedPending = false;
                reporter.opened(r);
            }
        }
        openedThisDrain.clear();
    }

    private void observe(ConnectionRecord r, boolean opened) {
        ConnectionSink o = observer;
        if (o == null) {
            return;
        }
        try {
            if (opened) {
                o.opened(r);
            } else {
                o.ended(r);
            }
        } catch (RuntimeException e) {
            failures.accept(e); // the reporter still gets the record
        }
    }
}
