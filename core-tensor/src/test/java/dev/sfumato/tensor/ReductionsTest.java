package dev.sfumato.tensor;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.sfumato.tensor.ElementwiseTest.assertBitsEqual;
import static dev.sfumato.tensor.ElementwiseTest.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reductions against explicit double-precision loops, on views, on edge cases and over thread counts. */
class ReductionsTest {

    /** Sum, mean and biased/unbiased var over {@code dims} computed in double by an explicit index loop. */
    private static double[][] explicit(Tensor x, int[] dims) {
        int rank = x.dim();
        boolean[] red = new boolean[rank];
        for (int d : dims) {
            red[d] = true;
        }
        int[] shape = x.shape();
        int[] outShape = new int[rank];
        for (int d = 0; d < rank; d++) {
            outShape[d] = red[d] ? 1 : shape[d];
        }
        int outN = Shape.numel(outShape);
        double[] sum = new double[outN];
        double[] sq = new double[outN];
        int[] count = new int[outN];
        int n = x.numel();
        int[] idx = new int[rank];
        for (int flat = 0; flat < n; flat++) {
            int rem = flat;
            for (int d = rank - 1; d >= 0; d--) {
                idx[d] = rem % shape[d];
                rem /= shape[d];
            }
            int o = 0;
            for (int d = 0; d < rank; d++) {
                o = o * outShape[d] + (red[d] ? 0 : idx[d]);
            }
            double v = x.get(idx);
            sum[o] += v;
            sq[o] += v * v;
            count[o]++;
        }
        double[][] r = new double[4][outN];
        for (int o = 0; o < outN; o++) {
            double mean = sum[o] / count[o];
            double ss = sq[o] - count[o] * mean * mean;
            r[0][o] = sum[o];
            r[1][o] = mean;
            r[2][o] = ss / count[o];
            r[3][o] = ss / (count[o] - 1);
        }
        return r;
    }

    private static void assertNear(double[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol * (1 + Math.abs(expected[i])),
                    what + " at " + i + ": expected " + expected[i] + " but was " + actual[i]);
        }
    }

    @Property(tries = 60)
    void sumMeanVarOverRandomDimSetsMatchAnExplicitLoop(@ForAll long seed) {
        Random rnd = new Random(seed);
        int rank = 1 + rnd.nextInt(4);
        int[] shape = new int[rank];
        for (int d = 0; d < rank; d++) {
            shape[d] = 1 + rnd.nextInt(6);
        }
        Tensor x = randn(rnd, shape);
        if (rnd.nextBoolean() && rank >= 2) {
            x = x.transpose(0, rank - 1); // a non-contiguous input
        }
        int[] dims = new int[rnd.nextInt(rank + 1)];
        boolean[] used = new boolean[rank];
        for (int i = 0; i < dims.length; i++) {
            int d;
            do {
                d = rnd.nextInt(rank);
            } while (used[d]);
            used[d] = true;
            dims[i] = rnd.nextBoolean() ? d : d - rank;
        }
        int[] all = Shape.wrapDims("t", dims, rank);
        double[][] want = explicit(x, all);
        boolean keep = rnd.nextBoolean();
        Tensor s = x.sum(dims, keep);
        int[] expectShape = new int[keep ? rank : rank - all.length];
        for (int d = 0, j = 0; d < rank; d++) {
            if (!used[d] && dims.length > 0) {
                expectShape[j++] = x.shape[d];
            } else if (keep) {
                expectShape[j++] = 1;
            }
        }
        assertArrayEquals(expectShape, s.shape());
        assertNear(want[0], s.toArray(), 1e-5, "sum");
        assertNear(want[1], x.mean(dims, keep).toArray(), 1e-5, "mean");
        assertNear(want[2], x.var(dims, false, keep).toArray(), 1e-4, "var");
        float[] unbiased = x.var(dims, true, keep).toArray();
        for (int i = 0; i < unbiased.length; i++) {
            if (Double.isInfinite(want[3][i]) || Double.isNaN(want[3][i])) {
                assertTrue(Float.isNaN(unbiased[i]), "n = 1 gives NaN like PyTorch");
            } else {
                assertEquals(want[3][i], unbiased[i], 1e-4 * (1 + Math.abs(want[3][i])));
            }
        }
        // A permuted input gives exactly the same bits as its contiguous copy.
        assertBitsEqual(x.contiguous().var(dims, true, keep).toArray(), x.var(dims, true, keep).toArray());
    }

    @Test
    void longSumIsAccurateAndIndependentOfThreadCount() {
        Random rnd = new Random(3);
        int n = 1_000_003;
        float[] d = new float[n];
        double exact = 0;
        for (int i = 0; i < n; i++) {
            d[i] = (float) (rnd.nextDouble() + 0.5); // positive: the hard case for naive float sums
            exact += d[i];
        }
        Tensor x = Tensor.wrap(d, n);
        Tensor rows = Tensor.wrap(d, n).narrow(0, 0, 1_000_000).reshape(4, 250_000);
        int saved = Parallel.threads();
        float[][] got = new float[2][];
        try {
            for (int k = 0; k < 2; k++) {
                Parallel.setThreads(k + 1);
                got[k] = new float[] {x.sum().item(), x.mean().item(), x.var(true).item(), x.std(false).item(),
                    x.max().item(), x.min().item(), rows.sum(1).get(2), rows.var(new int[] {1}, true, false).get(3)};
            }
        } finally {
            Parallel.setThreads(saved);
        }
        assertBitsEqual(got[0], got[1]);
        assertEquals(exact, got[0][0], exact * 1e-6);
        assertEquals(1.0 / 12, got[0][2], 1e-3);
    }

    @Test
    void edgeCasesFollowPyTorch() {
        assertEquals(0f, Tensor.zeros(0).sum().item());
        assertTrue(Float.isNaN(Tensor.zeros(0).mean().item()));
        assertTrue(Float.isNaN(Tensor.of(5f).var(true).item()));
        assertEquals(0f, Tensor.of(5f).var(false).item());
        assertArrayEquals(new float[] {0f, 0f, 0f}, Tensor.zeros(3, 0).sum(1).toArray());
        assertArrayEquals(new int[] {0}, Tensor.zeros(0, 3).sum(1).shape());
        assertEquals(0, Tensor.scalar(4f).sum().dim());
        assertEquals(4f, Tensor.scalar(4f).sum(0).item());
        assertEquals(0f, Tensor.scalar(4f).argmax(0, false).item());
        assertArrayEquals(new int[] {1, 1}, Tensor.ones(2, 3).sum(new int[] {0, 1}, true).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(0).max());
        assertTrue(e.getMessage().startsWith("max"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 0).argmax(1, false));
        assertTrue(e.getMessage().contains("argmax") && e.getMessage().contains("[2, 0]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).sum(2));
        assertTrue(e.getMessage().startsWith("sum: dim 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).sum(new int[] {1, -1}, false));
        assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY},
                Tensor.zeros(2, 0).logsumexp(1, false).toArray());
    }

    @Test
    void argmaxTakesTheFirstExtremeAndTheFirstNaN() {
        Tensor x = Tensor.of(new float[][] {{1, 3, 3, 2}, {Float.NaN, 1, Float.NaN, 5}, {-1, -1, -1, -1}, {4, 0, 0, 4}});
        assertArrayEquals(new float[] {1, 0, 0, 0}, x.argmax(1, false).toArray());
        assertArrayEquals(new float[] {0, 0, 0, 1}, x.argmin(1, false).toArray());
        assertArrayEquals(new float[] {1, 0, 1, 1}, x.argmax(0, false).toArray());
        assertTrue(Float.isNaN(x.max(1, false).get(1)));
        assertTrue(Float.isNaN(x.max().item()));
        // On a transposed view: column maxima of x.t() are the row maxima of x.
        assertArrayEquals(new float[] {3, Float.NaN, -1, 4}, x.t().max(0, false).toArray());
        assertArrayEquals(new float[] {1, 0, 0, 0}, x.t().argmax(0, true).reshape(4).toArray());
    }

    @Test
    void softmaxIsStableAndNormalised() {
        Tensor x = Tensor.of(new float[][] {{1000f, 1001f, 1002f}, {-1000f, 0f, 1f}});
        Tensor s = x.softmax(1);
        float[] row = s.toArray();
        assertEquals(1f, row[0] + row[1] + row[2], 1e-6);
        assertEquals(0.66524096f, row[2], 1e-6);
        Tensor ls = x.logSoftmax(1);
        assertEquals(Math.log(row[2]), ls.get(0, 2), 1e-6);
        assertEquals(1002.4076f, x.logsumexp(1, false).get(0), 1e-3);
        assertArrayEquals(new int[] {2, 1}, x.logsumexp(-1, true).shape());
        Tensor strided = randn(new Random(5), 4, 5, 6).permute(2, 0, 1);
        for (int dim = 0; dim < 3; dim++) {
            assertBitsEqual(strided.contiguous().softmax(dim).toArray(), strided.softmax(dim).toArray());
            assertTrue(strided.softmax(dim).isContiguous());
        }
        assertEquals(1f, Tensor.scalar(3f).softmax(0).item());
        assertEquals(0f, Tensor.scalar(3f).logSoftmax(0).item());
    }
}
