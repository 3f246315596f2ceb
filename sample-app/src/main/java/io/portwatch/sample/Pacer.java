package io.portwatch.sample;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Spaces writes evenly over time: write number n may start at start + n / rate. Rate 0 = no pacing. */
final class Pacer {
    private final double nanosPerWrite;
    private final long startNanos;

    Pacer(double writesPerSecond, long startNanos) {
        this.nanosPerWrite = writesPerSecond > 0 ? 1e9 / writesPerSecond : 0;
        this.startNanos = startNanos;
    }

    /**
     * Waits until write {@code n} is due. Returns false, without waiting it out, when that moment
     * falls at or after {@code endNanos} or {@code stopped} becomes true.
     */
    boolean await(long n, long endNanos, BooleanSupplier stopped) {
        if (nanosPerWrite == 0) {
            return true;
        }
        long due = startNanos + (long) (n * nanosPerWrite);
        if (due - endNanos >= 0) {
            return false;
        }
        while (true) {
            if (stopped.getAsBoolean()) {
                return false;
            }
            long wait = due - System.nanoTime();
            if (wait <= 0) {
                return true;
            }
            LockSupport.parkNanos(Math.min(wait, 50_000_000L));
        }
    }
}
