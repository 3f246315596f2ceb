package io.portwatch.track;

import java.util.function.Consumer;

/**
 * Where a part's failures and problems go until it is told otherwise: nowhere. A class rather than
 * {@code t -> { }}: the parts are built at the agent's start, where each lambda is a class the JVM
 * spins.
 */
final class Nowhere implements Consumer<Object> {

    private static final Nowhere INSTANCE = new Nowhere();

    private Nowhere() {}

    @SuppressWarnings("unchecked")
    static <T> Consumer<T> consumer() {
        return (Consumer<T>) (Consumer<?>) INSTANCE;
    }

    @Override
    public void accept(Object ignored) {
        // dropped
    }
}
