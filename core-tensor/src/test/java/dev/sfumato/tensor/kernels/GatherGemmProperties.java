package dev.sfumato.tensor.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link GatherGemm#sgemm} against {@link GatherGemmReference#sgemm}: random sizes around the tile and the
 * K block, an overlapping row table in any order (as a convolution's shifted windows are), B with an offset,
 * padded rows and no float to spare after its last row, beta 0 and 1; and the segmented form, whose K runs
 * over segments with their own A runs, against its reference twin, with B either a dense 16-column sliver
 * (read in place) or any other row stride (copied into one).
 */
class GatherGemmProperties {

    private static final double U = Math.ulp(1.0f) / 2;

    @Provide
    Arbitrary<Integer> size() {
        return Arbitraries.of(1, 3, 4, 5, 8, 15, 16, 17, 33, 67, 520, 1030);
    }

    @Property(tries = 150)
    void matchesReference(@ForAll("size") int m, @ForAll("size") int n, @ForAll("size") int k,
                          @ForAll boolean accumulate, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        // A is a pool of floats that the table indexes with overlapping, unordered runs.
        float[] a = random(r, k + 40);
        int[] aRow = new int[m];
        for (int i = 0; i < m; i++) {
            aRow[i] = r.nextInt(41);
        }
        // B: K rows of ldb >= n floats from bOff; the tiles of the last row read up to roundUp(n, 16) floats,
        // and the array ends exactly there, so a read past it would throw.
        int bOff = r.nextInt(5);
        int ldb = n + r.nextInt(3);
        float[] b = random(r, bOff + Math.max(0, k - 1) * ldb + GatherGemm.paddedColumns(n));
        int ldc = n + r.nextInt(3);
        float[] c0 = random(r, m * ldc + 1);
        float beta = accumulate ? 1f : 0f;
        if (!accumulate) {
            Arrays.fill(c0, Float.NaN);  // beta 0 must overwrite, NaN may not leak
        }
        float[] expected = c0.clone();
        float[] actual = c0.clone();
        GatherGemmReference.sgemm(m, n, k, a, aRow, b, bOff, ldb, beta, expected, 0, ldc);
        GatherGemm.sgemm(m, n, k, a, aRow, b, bOff, ldb, beta, actual, 0, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double absSum = accumulate ? Math.abs(c0[i * ldc + j]) : 0;
                for (int p = 0; p < k; p++) {
                    absSum += Math.abs((double) a[aRow[i] + p] * b[bOff + p * ldb + j]);
                }
                double nn = k + 2;
                double bound = 2 * (nn * U / (1 - nn * U)) * absSum + Float.MIN_NORMAL;
                int ci = i * ldc + j;
                if (!(Math.abs(actual[ci] - expected[ci]) <= bound)) {
                    fail("C[" + i + "," + j + "] = " + actual[ci] + ", reference " + expected[ci] + ", bound " + bound
                            + " (m=" + m + " n=" + n + " k=" + k + ")");
                }
            }
            for (int j = n; j < ldc; j++) {
                int ci = i * ldc + j;
                if (Float.floatToRawIntBits(actual[ci]) != Float.floatToRawIntBits(c0[ci])) {
                    fail("C[" + i + "," + j + "] past column n=" + n + " was written");
                }
            }
        }
    }

    /**
     * The segmented form: K = segments·len, A row i of segment s at aRow[i] + s·aStride (the segments may
     * overlap, stride 0 included), B rows one after another; K blocks that straddle segments (len 67 or 520
     * against the 512-long K block) and a last segment that ends exactly at the end of A.
     */
    @Property(tries = 100)
    void segmentedMatchesReference(@ForAll("edge") int m, @ForAll("edge") int n, @ForAll("segmentLength") int len,
                                   @ForAll("segments") int segments, @ForAll boolean accumulate, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int aStride = r.nextInt(2 * len + 2);
        int[] aRow = new int[m];
        int maxRow = 0;
        for (int i = 0; i < m; i++) {
            aRow[i] = r.nextInt(41);
            maxRow = Math.max(maxRow, aRow[i]);
        }
        float[] a = random(r, maxRow + (segments - 1) * aStride + len);
        int k = segments * len;
        // Half the time B is one dense 16-column sliver (ldb = 16, as a convolution passes it, read in place);
        // otherwise the kernel copies it into one block by block.
        int ldb = n <= 16 && r.nextBoolean() ? 16 : n + r.nextInt(3);
        float[] b = random(r, Math.max(0, k - 1) * ldb + GatherGemm.paddedColumns(n));
        int ldc = n + r.nextInt(3);
        float[] c0 = random(r, m * ldc + 1);
        float beta = accumulate ? 1f : 0f;
        if (!accumulate) {
            Arrays.fill(c0, Float.NaN);
        }
        float[] expected = c0.clone();
        float[] actual = c0.clone();
        GatherGemmReference.sgemm(m, n, segments, len, a, aRow, aStride, b, 0, ldb, beta, expected, 0, ldc);
        GatherGemm.sgemm(m, n, segments, len, a, aRow, aStride, b, 0, ldb, beta, actual, 0, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double absSum = accumulate ? Math.abs(c0[i * ldc + j]) : 0;
                for (int s = 0; s < segments; s++) {
                    for (int p = 0; p < len; p++) {
                        absSum += Math.abs((double) a[aRow[i] + s * aStride + p] * b[(s * len + p) * ldb + j]);
                    }
                }
                double nn = k + 2;
                double bound = 2 * (nn * U / (1 - nn * U)) * absSum + Float.MIN_NORMAL;
                int ci = i * ldc + j;
                if (!(Math.abs(actual[ci] - expected[ci]) <= bound)) {
                    fail("C[" + i + "," + j + "] = " + actual[ci] + ", reference " + expected[ci] + ", bound " + bound
                            + " (m=" + m + " n=" + n + " segments=" + segments + " len=" + len + " aStride=" + aStride
                            + ")");
                }
            }
        }
    }

    /** Sizes around the 4×16 tile (the K blocks are what the segmented form adds). */
    @Provide
    Arbitrary<Integer> edge() {
        return Arbitraries.of(1, 3, 4, 5, 15, 16, 17, 33, 67);
    }

    @Provide
    Arbitrary<Integer> segmentLength() {
        return Arbitraries.of(1, 5, 63, 67, 224, 520);
    }

    @Provide
    Arbitrary<Integer> segments() {
        return Arbitraries.integers().between(1, 5);
    }

    @Example
    void rejectsASegmentThatReadsPastA() {
        float[] c = new float[16];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                GatherGemm.sgemm(1, 3, 3, 2, new float[9], new int[] {0}, 4, new float[32], 0, 3, 0f, c, 0, 3));
        assertTrue(e.getMessage().contains("row 0 of A starts at 0 (segment 2 at +8)"), e.getMessage());
    }

    @Example
    void rejectsRowsThatReadPastTheirArrays() {
        float[] c = new float[16];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                GatherGemm.sgemm(1, 3, 2, new float[4], new int[] {0}, new float[18], 0, 3, 0f, c, 0, 3));
        assertTrue(e.getMessage().contains("row 1 of B starts at 3") && e.getMessage().contains("16 floats"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () ->
                GatherGemm.sgemm(1, 3, 2, new float[4], new int[] {3}, new float[32], 0, 3, 0f, c, 0, 3));
        assertTrue(e.getMessage().contains("row 0 of A starts at 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () ->
                GatherGemm.sgemm(1, 3, 2, new float[4], new int[] {0}, new float[32], 0, 2, 0f, c, 0, 3));
        assertTrue(e.getMessage().contains("ldb=2 n=3"), e.getMessage());
    }

    private static float[] random(SplittableRandom r, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }
}
