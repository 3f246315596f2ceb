package io.portwatch.otel;

/**
 * Turns {@link System#nanoTime()} readings, which the advice takes because they are cheap and
 * monotonic, into epoch nanoseconds for span timestamps.
 */
final class NanoClock {
    private final long epochNanosAtAnchor;
    private final long nanoTimeAtAnchor;

    NanoClock() {
        java.time.Instant now = java.time.Instant.now();
        this.nanoTimeAtAnchor = System.nanoTime();
        this.epochNanosAtAnchor = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    long epochNanos(long nanoTime) {
        return epochNanosAtAnchor + (nanoTime - nanoTimeAtAnchor);
    }
}
