package io.portwatch.track;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What is worked out from a JDBC URL, kept by URL: a service connects with a handful of URLs, and
 * parsing one takes several regular expressions. Bounded: after {@link #LIMIT} URLs, further ones
 * are worked out every time and not kept. Safe from any thread.
 *
 * <p>The keys are the URLs as the application gave them, secrets included: they stay in this map,
 * which nothing prints, logs or exports (no {@code toString}, no iteration).
 */
final class UrlCache<T> {

    static final int LIMIT = 64;

    private final ConcurrentHashMap<String, T> byUrl = new ConcurrentHashMap<>();
    private final Function<String, T> compute;

    /**
     * The caches are built before {@code main}: {@code compute} is best a class of its own rather
     * than a method reference, which is a class the JVM spins there.
     */
    UrlCache(Function<String, T> compute) {
        this.compute = compute;
    }

    /** The value for {@code url} (null too, not kept); {@code compute} must return the same for the same URL. */
    T get(String url) {
        if (url == null) return compute.apply(null);
        T value = byUrl.get(url);
        if (value == null) {
            value = compute.apply(url);
            if (byUrl.size() < LIMIT) byUrl.putIfAbsent(url, value);
        }
        return value;
    }

    /** How many URLs are kept. */
    int size() {
        return byUrl.size();
    }
}
