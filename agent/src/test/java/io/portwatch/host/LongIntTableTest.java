package io.portwatch.host;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The primitive table against a HashMap, on keys that collide in its slots (few low bits differ). */
class LongIntTableTest {

    @Test
    void behavesAsAMapThroughPutsAddsRemovesAndGrowth() {
        Random random = new Random(42);
        LongIntTable table = new LongIntTable();
        Map<Long, Integer> model = new HashMap<>();
        for (int step = 0; step < 200_000; step++) {
            long key = 1 + ((long) random.nextInt(300) << 32) + random.nextInt(3); // many keys share a slot
            switch (random.nextInt(4)) {
                case 0:
                    table.put(key, step);
                    model.put(key, step);
                    break;
                case 1:
                    table.remove(key);
                    model.remove(key);
                    break;
                case 2:
                    int delta = random.nextInt(5) - 2;
                    table.add(key, delta);
                    int sum = model.getOrDefault(key, 0) + delta;
                    if (sum > 0) model.put(key, sum); else model.remove(key);
                    break;
                default:
                    if (random.nextInt(1000) == 0) {
                        int least = step - 500;
                        table.removeBelow(least);
                        model.values().removeIf(v -> v < least);
                    }
            }
            assertEquals(model.size(), table.size(), "size at step " + step);
        }
        for (long k = 1; k < (300L << 32); k += 1L << 32) {
            for (int low = 0; low < 3; low++) {
                long key = k + low;
                assertEquals(model.getOrDefault(key, LongIntTable.ABSENT).intValue(), table.get(key), "key " + key);
            }
        }
    }
}
