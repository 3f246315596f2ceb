package io.portwatch.agent;

/**
 * One time budget for the whole exit hook, shared by its steps: each waits for what is left, so
 * that a collector that is down delays the JVM's exit by the budget at most, not by the budget
 * once per step.
 */
final class ExitDeadline {

    private final long endNanos;

    ExitDeadline(long budgetMillis) {
        this.endNanos = System.nanoTime() + budgetMillis * 1_000_000L;
    }

    /**
     * The milliseconds left, at least 1: {@code Thread.join(0)} would wait forever, and a step
     * that finds the budget spent still gets its moment to notice it is done.
     */
    long millisLeft() {
        return Math.max(1, (endNanos - System.nanoTime()) / 1_000_000L);
    }
}
