package io.portwatch.sample;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Thread-safe counters of a run: writes that succeeded, and failures grouped by message (bounded). */
public final class Stats {
    /** Distinct failure messages kept; the rest are counted under {@link #OTHER}. */
    static final int MAX_DISTINCT_FAILURES = 32;
    static final String OTHER = "(other messages)";

    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    private final long startNanos = System.nanoTime();

    public void recordOk() {
        ok.increment();
    }

    public void recordFailure(Throwable t) {
        failed.increment();
        String key = Failures.describe(t);
        AtomicLong counter = failures.get(key);
        if (counter == null) {
            if (failures.size() >= MAX_DISTINCT_FAILURES) {
                key = OTHER;
            }
            counter = failures.computeIfAbsent(key, k -> new AtomicLong());
        }
        counter.incrementAndGet();
    }

    public long ok() {
        return ok.sum();
    }

    public long failed() {
        return failed.sum();
    }

    public long attempts() {
        return ok() + failed();
    }

    /** Seconds since this object was made (the start of the load). */
    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Failure messages with their counts, most frequent first. */
    public Map<String, Long> failuresByMessage() {
        List<Map.Entry<String, AtomicLong>> entries = new ArrayList<>(failures.entrySet());
        entries.sort(Comparator.comparingLong((Map.Entry<String, AtomicLong> e) -> e.getValue().get()).reversed()
                .thenComparing(Map.Entry::getKey));
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, AtomicLong> e : entries) {
            out.put(e.getKey(), e.getValue().get());
        }
        return out;
    }
}
