package io.portwatch.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeriesTest {

    @Test
    void pointsSitAtTheMiddleOfTheirBucket() {
        Series s = new Series(8, 1000, Series.Merge.MAX);
        s.add(0, 5);
        s.add(2500, 7);
        double[][] p = s.points(3000, false);
        assertEquals(2, p.length, "a gauge has points only where something was recorded");
        assertEquals(500, p[0][0]);
        assertEquals(5, p[0][1]);
        assertEquals(2500, p[1][0]);
        assertEquals(7, p[1][1]);
    }

    @Test
    void aLongRunCoarsensInsteadOfGrowing() {
        Series s = new Series(8, 1000, Series.Merge.MAX);
        for (long t = 0; t < 64_000; t += 500) {
            s.add(t, t == 10_000 ? 1000 : 1);
        }
        assertEquals(8000, s.bucketMillis(), "64 s in 8 buckets");
        double[][] p = s.points(64_000, false);
        assertEquals(8, p.length);
        assertEquals(1000, p[1][1], "the peak at 10 s survives the merging, in the bucket 8-16 s");
        assertEquals(1, p[0][1]);
    }

    @Test
    void countsAddUpWhenMergedAndReadAsRates() {
        Series s = new Series(4, 1000, Series.Merge.SUM);
        for (long t = 0; t < 8000; t += 100) {
            s.add(t, 1); // 10 per second
        }
        assertEquals(2000, s.bucketMillis());
        double[][] p = s.points(8000, true);
        assertEquals(4, p.length);
        for (double[] point : p) {
            assertEquals(10.0, point[1], 1e-9, "rate per second, whatever the bucket width");
        }
        double[][] counts = s.points(8000, false);
        assertEquals(20, counts[0][1], "two seconds of ten each");
    }

    @Test
    void countsReadAsZeroForQuietBucketsUpToNow() {
        Series s = new Series(16, 1000, Series.Merge.SUM);
        s.add(500, 3);
        double[][] p = s.points(5200, true);
        assertEquals(6, p.length, "buckets 0 to 5");
        assertEquals(3, p[0][1]);
        for (int i = 1; i < p.length; i++) assertEquals(0, p[i][1]);
    }

    @Test
    void aDayOfSamplesStaysInItsCapacity() {
        Series s = new Series(256, 1000, Series.Merge.MAX);
        for (long t = 0; t < 86_400_000L; t += 2000) s.add(t, t % 7);
        assertTrue(s.points(86_400_000L, false).length <= 256);
        assertEquals(256, s.capacity());
        assertEquals(512_000, s.bucketMillis(), "a day at 256 points: 8.5 minutes a point");
    }
}
