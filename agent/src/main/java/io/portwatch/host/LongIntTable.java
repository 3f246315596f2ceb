package io.portwatch.host;

import java.util.Arrays;

/**
 * A map from non-zero longs (connection keys) to ints, in two primitive arrays: open addressing,
 * linear probing, deletion by shifting back the entries after it (no tombstones), at most half
 * full. Nothing is allocated per entry: it holds one entry per open connection of the JVM.
 * Not thread-safe.
 */
final class LongIntTable {

    static final int ABSENT = Integer.MIN_VALUE;
    private static final int MIN_CAPACITY = 16;

    private long[] keys;
    private int[] values;
    private int size;

    LongIntTable() {
        allocate(MIN_CAPACITY);
    }

    int size() {
        return size;
    }

    /** The value of {@code key}, or {@link #ABSENT}. */
    int get(long key) {
        int mask = keys.length - 1;
        for (int i = slot(key, mask); keys[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == key) return values[i];
        }
        return ABSENT;
    }

    boolean contains(long key) {
        return get(key) != ABSENT;
    }

    void put(long key, int value) {
        if (key == 0) throw new IllegalArgumentException("0 is no key");
        int mask = keys.length - 1;
        int i = slot(key, mask);
        for (; keys[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
        }
        keys[i] = key;
        values[i] = value;
        if (2 * ++size > keys.length) grow();
    }

    /** Adds {@code delta} to the value (absent: 0), removing the key when the sum is 0 or less. */
    void add(long key, int delta) {
        int v = get(key);
        int sum = (v == ABSENT ? 0 : v) + delta;
        if (sum > 0) {
            put(key, sum);
        } else if (v != ABSENT) {
            remove(key);
        }
    }

    void remove(long key) {
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (keys[i] != key) {
            if (keys[i] == 0) return;
            i = (i + 1) & mask;
        }
        // Shift back every later entry of the run that its own slot allows to move into the gap.
        int gap = i;
        for (int j = (gap + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
            int home = slot(keys[j], mask);
            if (((j - home) & mask) >= ((j - gap) & mask)) {
                keys[gap] = keys[j];
                values[gap] = values[j];
                gap = j;
            }
        }
        keys[gap] = 0;
        size--;
    }

    /** Empties the table, giving back the room a burst grew it to. */
    void clear() {
        if (keys.length > 64 * MIN_CAPACITY) {
            allocate(MIN_CAPACITY);
        } else {
            Arrays.fill(keys, 0);
        }
        size = 0;
    }

    /** Removes every entry whose value is below {@code least}. */
    void removeBelow(int least) {
        for (int i = 0; i < keys.length; i++) {
            while (keys[i] != 0 && values[i] < least) {
                remove(keys[i]); // what shifts into slot i is looked at again
            }
        }
    }

    private static int slot(long key, int mask) {
        return (int) (key ^ (key >>> 32)) & mask; // keys are well mixed already (ConnectionKey)
    }

    private void grow() {
        long[] k = keys;
        int[] v = values;
        allocate(k.length * 2);
        size = 0;
        for (int i = 0; i < k.length; i++) {
            if (k[i] != 0) put(k[i], v[i]);
        }
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new int[capacity];
    }
}
