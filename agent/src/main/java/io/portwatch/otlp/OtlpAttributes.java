package io.portwatch.otlp;

import java.util.Arrays;

/**
 * An attribute set as OTLP carries it: keys in the order they were put, each once (a later put
 * replaces the earlier value in place), values a {@code String}, {@code Long}, {@code Double} or
 * {@code Boolean}. Immutable; equal sets (same keys, same values, same order) are one metric series.
 */
public final class OtlpAttributes {

    public static final OtlpAttributes EMPTY = new OtlpAttributes(new String[0], new Object[0]);

    private final String[] keys;
    private final Object[] values;
    private int hash;

    private OtlpAttributes(String[] keys, Object[] values) {
        this.keys = keys;
        this.values = values;
    }

    /** From alternating keys and values: {@code of("server.port", 3306L, "netns", "4026531840")}. */
    public static OtlpAttributes of(Object... keysAndValues) {
        Builder b = builder();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            b.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return b.build();
    }

    public static Builder builder() {
        return new Builder(EMPTY);
    }

    /** A builder that starts with these attributes. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public int size() {
        return keys.length;
    }

    public String key(int i) {
        return keys[i];
    }

    /** A {@code String}, {@code Long}, {@code Double} or {@code Boolean}. */
    public Object value(int i) {
        return values[i];
    }

    /** The value of {@code key}, or null. */
    public Object get(String key) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equals(key)) return values[i];
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof OtlpAttributes)) return false;
        OtlpAttributes other = (OtlpAttributes) o;
        return Arrays.equals(keys, other.keys) && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = 31 * Arrays.hashCode(keys) + Arrays.hashCode(values);
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < keys.length; i++) {
            if (i > 0) s.append(", ");
            s.append(keys[i]).append('=').append(values[i]);
        }
        return s.append('}').toString();
    }

    /** Collects attributes; a null value leaves the key out. */
    public static final class Builder {
        private String[] keys;
        private Object[] values;
        private int size;

        private Builder(OtlpAttributes start) {
            keys = Arrays.copyOf(start.keys, Math.max(8, start.keys.length + 4));
            values = Arrays.copyOf(start.values, keys.length);
            size = start.keys.length;
        }

        public Builder put(String key, String value) {
            return put(key, (Object) value);
        }

        public Builder put(String key, long value) {
            return put(key, (Object) value);
        }

        public Builder put(String key, double value) {
            return put(key, (Object) value);
        }

        public Builder put(String key, boolean value) {
            return put(key, (Object) value);
        }

        /** All of {@code other}'s attributes, replacing those of the same key. */
        public Builder putAll(OtlpAttributes other) {
            for (int i = 0; i < other.size(); i++) put(other.key(i), other.value(i));
            return this;
        }

        private Builder put(String key, Object value) {
            if (key == null || value == null) return this;
            if (!(value instanceof String || value instanceof Long || value instanceof Double || value instanceof Boolean)) {
                throw new IllegalArgumentException("attribute " + key + ": a String, Long, Double or Boolean, not " + value.getClass().getName());
            }
            for (int i = 0; i < size; i++) {
                if (keys[i].equals(key)) {
                    values[i] = value;
                    return this;
                }
            }
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            keys[size] = key;
            values[size++] = value;
            return this;
        }

        public OtlpAttributes build() {
            return size == 0 ? EMPTY : new OtlpAttributes(Arrays.copyOf(keys, size), Arrays.copyOf(values, size));
        }
    }
}
