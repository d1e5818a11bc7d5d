package dev.sfumato.tensor.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sfumato.tensor.Parallel;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Gemm#sgemm} against its specification {@link GemmReference#sgemm}: random shapes around the
 * vector width, the register tile and the cache blocks, all four transpose combinations, non-contiguous
 * views, and bit-identical results on 1 and 2 threads.
 */
class GemmProperties {

    /** Unit roundoff of float, 2^-24. */
    private static final double U = Math.ulp(1.0f) / 2;

    /**
     * Sizes: 0, 1, lanes-1, lanes, lanes+1, two vectors (the register tile width) and one past it, odd
     * primes that leave tails everywhere, and sizes that cross the K and M cache blocks (257, 520).
     */
    @Provide
    Arbitrary<Integer> size() {
        return Arbitraries.of(0, 1, 7, 8, 9, 13, 16, 17, 31, 67, 131, 257, 520);
    }

    @Provide
    Arbitrary<Float> alpha() {
        return Arbitraries.of(1f, -1f, 0.5f, 2.75f, 0f);
    }

    @Provide
    Arbitrary<Float> beta() {
        return Arbitraries.of(0f, 0f, 1f, -0.5f, 1.25f);
    }

    /**
     * Error bound. Both kernels form each dot product of K products with at most K + 3 roundings (the
     * products, the sums, then alpha·sum, beta·c and their sum); blocking over K only regroups the sums.
     * The classic bound (Higham, Accuracy and Stability of Numerical Algorithms, §3.1) puts each result
     * within gamma(K+3)·(|alpha|·Σ|a||b| + |beta·c|) of the exact value, gamma(n) = n·u / (1 - n·u), so
     * the two results are within twice that of each other. A wrong index or a lost tail is off by about
     * Σ|a||b| itself, thousands of times more.
     */
    private static double tolerance(int k, double absSum) {
        double n = k + 3;
        return 2 * (n * U / (1 - n * U)) * absSum + Float.MIN_NORMAL;
    }

    @Property(tries = 400)
    void matchesReference(@ForAll("size") int m, @ForAll("size") int n, @ForAll("size") int k,
                          @ForAll boolean transA, @ForAll boolean transB,
                          @ForAll("alpha") float alpha, @ForAll("beta") float beta, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        // Non-contiguous views: offsets and leading dimensions larger than needed.
        int aOff = r.nextInt(4);
        int bOff = r.nextInt(4);
        int cOff = r.nextInt(4);
        int lda = (transA ? m : k) + r.nextInt(3);
        int ldb = (transB ? k : n) + r.nextInt(3);
        int ldc = n + r.nextInt(3);
        float[] a = random(r, aOff + (transA ? k : m) * lda + 2);
        float[] b = random(r, bOff + (transB ? n : k) * ldb + 2);
        float[] c0 = random(r, cOff + m * ldc + 2);
        if (beta == 0f) {
            // beta == 0 must overwrite C: NaN already there may not leak into the result.
            for (int i = 0; i < m; i++) {
                Arrays.fill(c0, cOff + i * ldc, cOff + i * ldc + n, Float.NaN);
            }
        }
        float[] expected = c0.clone();
        float[] actual = c0.clone();
        GemmReference.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, expected, cOff, ldc);
        Gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, actual, cOff, ldc);

        boolean[] inView = new boolean[c0.length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int ci = cOff + i * ldc + j;
                inView[ci] = true;
                double absSum = 0;
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bpj = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    absSum += Math.abs((double) aip * bpj);
                }
                double bound = tolerance(k, Math.abs(alpha) * absSum + (beta == 0f ? 0 : Math.abs(beta * c0[ci])));
                if (!(Math.abs(actual[ci] - expected[ci]) <= bound)) {
                    fail(String.format("C[%d,%d] = %s, reference %s, bound %.3g (m=%d n=%d k=%d transA=%b transB=%b"
                                    + " alpha=%s beta=%s)", i, j, actual[ci], expected[ci], bound, m, n, k, transA,
                            transB, alpha, beta));
                }
            }
        }
        for (int ci = 0; ci < c0.length; ci++) {
            if (!inView[ci] && Float.floatToRawIntBits(actual[ci]) != Float.floatToRawIntBits(c0[ci])) {
                fail("C[" + ci + "] outside the M×N view was written (m=" + m + " n=" + n + " ldc=" + ldc
                        + " cOff=" + cOff + ")");
            }
        }
    }

    /**
     * The panel form, fed by a packer that follows {@link Gemm.PanelB}'s documented layout element by
     * element, gives the stored form's bits (same blocking, same order of operations), with A packed per
     * call or once beforehand ({@link Gemm#packA}). The convolution relies on both.
     */
    @Property(tries = 60)
    void panelFormMatchesStoredFormBitForBit(@ForAll("size") int m, @ForAll("size") int n, @ForAll("size") int k,
                                             @ForAll boolean transA, @ForAll("beta") float beta, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int lda = transA ? m : k;
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        float[] c0 = random(r, m * n);
        float[] stored = c0.clone();
        float[] panel = c0.clone();
        int nr = Gemm.panelWidth();
        Gemm.sgemm(transA, false, m, n, k, 0.75f, a, 0, lda, b, 0, n, beta, stored, 0, n);
        Gemm.sgemm(transA, m, n, k, 0.75f, a, 0, lda, (pc, kc, jc, nc, pb) -> {
            for (int jr = 0; jr < nc; jr += nr) {
                for (int p = 0; p < kc; p++) {
                    for (int j = 0; j < nr; j++) {
                        pb[jr * kc + p * nr + j] = jr + j < nc ? b[(pc + p) * n + jc + jr + j] : 0f;
                    }
                }
            }
        }, beta, panel, 0, n);
        // And with A packed once beforehand.
        float[] prepacked = c0.clone();
        Gemm.sgemm(Gemm.packA(transA, m, k, a, 0, lda), n, 0.75f, (pc, kc, jc, nc, pb) -> {
            for (int jr = 0; jr < nc; jr += nr) {
                for (int p = 0; p < kc; p++) {
                    for (int j = 0; j < nr; j++) {
                        pb[jr * kc + p * nr + j] = jr + j < nc ? b[(pc + p) * n + jc + jr + j] : 0f;
                    }
                }
            }
        }, beta, prepacked, 0, n);
        for (int i = 0; i < stored.length; i++) {
            if (Float.floatToRawIntBits(stored[i]) != Float.floatToRawIntBits(panel[i])
                    || Float.floatToRawIntBits(stored[i]) != Float.floatToRawIntBits(prepacked[i])) {
                fail("C[" + i + "] differs between stored, panel and packed-A forms: " + stored[i] + " vs " + panel[i]
                        + " vs " + prepacked[i] + " (m=" + m + " n=" + n + " k=" + k + " transA=" + transA + ")");
            }
        }
    }

    /**
     * A small-M product whose A is too long to be packed once per task ({@link Gemm#A_ONCE_MAX}) takes the
     * per-block packing path with full-width B panels; with A packed beforehand it takes the L2-sized panels.
     * Both equal the reference, with the same bits.
     */
    @Example
    void smallMWithLongKGivesTheSameBitsOnBothPackingPaths() {
        int m = 100;
        int n = 40;
        int k = Gemm.A_ONCE_MAX / m + 7;
        SplittableRandom r = new SplittableRandom(7);
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        float[] stored = new float[m * n];
        float[] prepacked = new float[m * n];
        float[] expected = new float[m * n];
        Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, stored, 0, n);
        Gemm.sgemm(Gemm.packA(false, m, k, a, 0, k), n, 1f, Gemm.rowsOf(b, 0, n), 0f, prepacked, 0, n);
        GemmReference.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, expected, 0, n);
        for (int i = 0; i < m * n; i++) {
            if (Float.floatToRawIntBits(stored[i]) != Float.floatToRawIntBits(prepacked[i])) {
                fail("C[" + i + "] differs between the two packing paths: " + stored[i] + " vs " + prepacked[i]);
            }
            double absSum = 0;
            for (int p = 0; p < k; p++) {
                absSum += Math.abs((double) a[(i / n) * k + p] * b[p * n + i % n]);
            }
            assertEquals(expected[i], stored[i], tolerance(k, absSum), "C[" + i + "]");
        }
    }

    @Provide
    Arbitrary<Integer> largeSize() {
        return Arbitraries.of(67, 131, 257, 520);
    }

    @Property(tries = 40)
    void sameBitsOnOneAndTwoThreads(@ForAll("largeSize") int m, @ForAll("largeSize") int n,
                                    @ForAll("largeSize") int k, @ForAll boolean transA, @ForAll boolean transB,
                                    @ForAll("beta") float beta, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        float[] c0 = random(r, m * n);
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        float[] one = c0.clone();
        float[] two = c0.clone();
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Gemm.sgemm(transA, transB, m, n, k, 1.5f, a, 0, lda, b, 0, ldb, beta, one, 0, n);
            Parallel.setThreads(2);
            Gemm.sgemm(transA, transB, m, n, k, 1.5f, a, 0, lda, b, 0, ldb, beta, two, 0, n);
        } finally {
            Parallel.setThreads(before);
        }
        for (int i = 0; i < one.length; i++) {
            if (Float.floatToRawIntBits(one[i]) != Float.floatToRawIntBits(two[i])) {
                fail("C[" + i + "] differs between 1 and 2 threads: " + one[i] + " vs " + two[i]);
            }
        }
    }

    @Example
    void alphaZeroReadsNeitherANorB() {
        float[] a = {Float.NaN, Float.NaN};
        float[] b = {Float.NaN, Float.NaN};
        float[] c = {2f, Float.NaN};
        Gemm.sgemm(false, false, 1, 1, 2, 0f, a, 0, 2, b, 0, 1, 0.5f, c, 0, 1);
        assertArrayEquals(new float[] {1f, Float.NaN}, c);
    }

    @Example
    void zeroKScalesC() {
        float[] c = {1f, 2f, 3f, 4f};
        Gemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 0, new float[0], 0, 2, 3f, c, 0, 2);
        assertArrayEquals(new float[] {3f, 6f, 9f, 12f}, c);
    }

    @Example
    void rejectsLeadingDimensionsThatAreTooSmall() {
        float[] x = new float[100];
        assertMessage("sgemm: lda=3 < k=4 for A (not transposed)",
                () -> Gemm.sgemm(false, false, 2, 2, 4, 1f, x, 0, 3, x, 0, 2, 0f, x, 0, 2));
        assertMessage("sgemm: lda=1 < m=2 for A (transposed)",
                () -> Gemm.sgemm(true, false, 2, 2, 4, 1f, x, 0, 1, x, 0, 2, 0f, x, 0, 2));
        assertMessage("sgemm: ldb=1 < n=2 for B (not transposed)",
                () -> Gemm.sgemm(false, false, 2, 2, 4, 1f, x, 0, 4, x, 0, 1, 0f, x, 0, 2));
        assertMessage("sgemm: ldb=3 < k=4 for B (transposed)",
                () -> Gemm.sgemm(false, true, 2, 2, 4, 1f, x, 0, 4, x, 0, 3, 0f, x, 0, 2));
        assertMessage("sgemm: ldc=1 < n=2 for C (not transposed)",
                () -> Gemm.sgemm(false, false, 2, 2, 4, 1f, x, 0, 4, x, 0, 2, 0f, x, 0, 1));
    }

    @Example
    void rejectsNegativeSizesOffsetsAndShortArrays() {
        float[] x = new float[8];
        assertMessage("sgemm: sizes must be >= 0, got m=-1, n=2, k=2",
                () -> Gemm.sgemm(false, false, -1, 2, 2, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2));
        assertMessage("sgemm: offset -1 < 0 for B",
                () -> Gemm.sgemm(false, false, 2, 2, 2, 1f, x, 0, 2, x, -1, 2, 0f, x, 0, 2));
        assertMessage("sgemm: A (not transposed) is 2x4 with lda=4 at offset 1, needs length 9 but has 8",
                () -> Gemm.sgemm(false, false, 2, 2, 4, 1f, x, 1, 4, x, 0, 2, 0f, x, 0, 2));
        assertMessage("sgemm: C (not transposed) is 3x2 with ldc=3 at offset 0, needs length 8 but has 7",
                () -> Gemm.sgemm(false, false, 3, 2, 1, 1f, x, 0, 1, x, 0, 2, 0f, new float[7], 0, 3));
    }

    @Example
    void referenceChecksArgumentsTheSameWay() {
        float[] x = new float[100];
        assertMessage("sgemm: lda=3 < k=4 for A (not transposed)",
                () -> GemmReference.sgemm(false, false, 2, 2, 4, 1f, x, 0, 3, x, 0, 2, 0f, x, 0, 2));
    }

    private static void assertMessage(String expected, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertEquals(expected, e.getMessage());
    }

    private static float[] random(SplittableRandom r, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) (2 * r.nextDouble() - 1);
        }
        return x;
    }
}
