package dev.sfumato.tensor;

import static dev.sfumato.tensor.Layouts.at;
import static dev.sfumato.tensor.Layouts.forEach;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * matmul against a naive loop written from torch.matmul's definition, for every pair of ranks 1..4,
 * broadcast batch dims (including size 0 and 1), transposed views and other non-contiguous layouts.
 * Inputs are small integers so that every sum is exact whatever order a kernel adds in.
 */
class MatmulTest {

    /** A matrix-like operand of the given shape: contiguous, a transpose of a contiguous tensor, or another layout. */
    private static Tensor operand(Random rnd, int[] shape) {
        int r = shape.length;
        float[] v = Layouts.values(rnd, Shape.numel(shape));
        if (r >= 2 && rnd.nextInt(3) == 0) {
            // x.transpose(-2, -1) of a contiguous tensor: the layout GEMM reads with trans = true.
            int[] stored = shape.clone();
            stored[r - 2] = shape[r - 1];
            stored[r - 1] = shape[r - 2];
            Tensor t = Tensor.zeros(stored).transpose(-2, -1);
            int[] i = {0};
            forEach(shape, idx -> t.storage.data[Layouts.offsetOf(t, idx)] = v[i[0]++]);
            return t;
        }
        return Layouts.inLayout(rnd, v, shape);
    }

    /** The torch.matmul result computed by its definition, index by index. */
    static Tensor naive(Tensor a, Tensor b) {
        int[] as = a.shape();
        int[] bs = b.shape();
        boolean aVec = as.length == 1;
        boolean bVec = bs.length == 1;
        int[] a2 = aVec ? new int[] {1, as[0]} : as;
        int[] b2 = bVec ? new int[] {bs[0], 1} : bs;
        int m = a2[a2.length - 2];
        int k = a2[a2.length - 1];
        int n = b2[b2.length - 1];
        int[] batch = Shape.broadcast("naive", Arrays.copyOf(a2, a2.length - 2), Arrays.copyOf(b2, b2.length - 2));
        int[] full = Arrays.copyOf(batch, batch.length + 2);
        full[batch.length] = m;
        full[batch.length + 1] = n;
        Tensor out = Tensor.zeros(full);
        forEach(full, idx -> {
            int i = idx[batch.length];
            int j = idx[batch.length + 1];
            double sum = 0;
            for (int p = 0; p < k; p++) {
                int[] ai = batchIndex(idx, batch.length, a2, i, p);
                int[] bi = batchIndex(idx, batch.length, b2, p, j);
                float av = aVec ? at(a, new int[] {p}) : at(a, ai);
                float bv = bVec ? at(b, new int[] {p}) : at(b, bi);
                sum += (double) av * bv;
            }
            out.set((float) sum, idx);
        });
        if (aVec && bVec) {
            return Tensor.scalar(out.get(0, 0));
        }
        if (aVec) {
            return out.squeeze(-2);
        }
        return bVec ? out.squeeze(-1) : out;
    }

    /**
     * The index into an operand of shape {@code opShape} for output index {@code outIdx}: the operand's
     * batch dims align with the trailing output batch dims, and a size-1 dim (broadcast) reads coordinate 0.
     */
    private static int[] batchIndex(int[] outIdx, int batchRank, int[] opShape, int row, int col) {
        int opBatch = opShape.length - 2;
        int[] idx = new int[opBatch + 2];
        for (int d = 0; d < opBatch; d++) {
            idx[d] = opShape[d] == 1 ? 0 : outIdx[batchRank - opBatch + d];
        }
        idx[opBatch] = row;
        idx[opBatch + 1] = col;
        return idx;
    }

    @Property(tries = 300)
    void matchesNaiveLoopForAllRankPairs(@ForAll @IntRange(min = 1, max = 4) int rankA,
            @ForAll @IntRange(min = 1, max = 4) int rankB, @ForAll long seed) {
        Random rnd = new Random(seed);
        int m = rnd.nextInt(6);
        int k = rnd.nextInt(6);
        int n = rnd.nextInt(6);
        int batchRank = Math.max(rankA, rankB) - 2;
        int[] batch = Layouts.shape(rnd, Math.max(batchRank, 0), 3, true);
        int[] as = operandShape(rnd, rankA, batch, m, k, true);
        int[] bs = operandShape(rnd, rankB, batch, k, n, false);
        Tensor a = operand(rnd, as);
        Tensor b = operand(rnd, bs);
        Tensor expected = naive(a, b);
        Tensor out = a.matmul(b);
        assertArrayEquals(expected.shape(), out.shape(), () -> "shape of " + Arrays.toString(as) + " @ " + Arrays.toString(bs));
        assertArrayEquals(expected.toArray(), out.toArray(), () -> Arrays.toString(as) + " @ " + Arrays.toString(bs));
        assertTrue(out.isContiguous());
    }

    /**
     * An operand shape of the given rank whose batch dims are the trailing ones of {@code batch}, each
     * possibly replaced by 1 (broadcast). 1-D operands are vectors of the contracted size.
     */
    private static int[] operandShape(Random rnd, int rank, int[] batch, int rows, int cols, boolean left) {
        if (rank == 1) {
            return new int[] {left ? cols : rows};
        }
        int[] s = new int[rank];
        int nb = rank - 2;
        for (int d = 0; d < nb; d++) {
            int size = batch[batch.length - nb + d];
            s[d] = rnd.nextInt(3) == 0 ? 1 : size;
        }
        s[nb] = rows;
        s[nb + 1] = cols;
        return s;
    }

    @Test
    void largerRandomFloatsMatchNaiveLoopClosely() {
        Generator g = new Generator(7);
        // Sizes around SIMD widths and block edges, odd primes, a transposed right operand and a broadcast batch.
        int[][] cases = {{1, 1, 1}, {7, 9, 8}, {17, 33, 31}, {64, 65, 63}, {3, 129, 5}};
        for (int[] c : cases) {
            int m = c[0];
            int k = c[1];
            int n = c[2];
            Tensor a = Tensor.randn(g, 2, m, k);
            Tensor b = Tensor.randn(g, n, k).transpose(0, 1);
            Tensor out = a.matmul(b);
            Tensor expected = naive(a, b);
            assertTrue(out.allClose(expected, 1e-4f, 1e-4f), () -> "m=" + m + " k=" + k + " n=" + n);
        }
    }

    @Test
    void resultDoesNotDependOnThreadCount() {
        Generator g = new Generator(11);
        Tensor a = Tensor.randn(g, 16, 5, 24, 20);   // many small GEMMs: the batch-parallel path
        Tensor b = Tensor.randn(g, 5, 20, 12);
        Tensor big = Tensor.randn(g, 2, 80, 90);     // large GEMMs: the sequential batch loop
        Tensor bigB = Tensor.randn(g, 90, 70).t().contiguous().t();
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] one = a.matmul(b).toArray();
            float[] oneBig = big.matmul(bigB).toArray();
            Parallel.setThreads(3);
            assertArrayEquals(one, a.matmul(b).toArray());
            assertArrayEquals(oneBig, big.matmul(bigB).toArray());
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void oneDimensionalOperandsFollowTorch() {
        Tensor v = Tensor.of(1, 2, 3);
        Tensor dot = v.matmul(Tensor.of(4, 5, 6));
        assertEquals(0, dot.dim(), "1-D @ 1-D is a scalar");
        assertEquals(32f, dot.item());
        Tensor m = Tensor.arange(6).view(3, 2);                 // [[0, 1], [2, 3], [4, 5]]
        assertArrayEquals(new float[] {16, 22}, v.matmul(m).toArray());
        assertArrayEquals(new int[] {2}, v.matmul(m).shape());
        assertArrayEquals(new float[] {16, 22}, m.t().matmul(v).toArray());
        Tensor batched = Tensor.arange(12).view(2, 3, 2);
        assertArrayEquals(new int[] {2, 2}, v.matmul(batched).shape());
        assertArrayEquals(new int[] {2, 3}, batched.matmul(Tensor.of(1, 1)).shape());
    }

    @Test
    void emptyDimsGiveZerosOrEmpty() {
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0}, Tensor.zeros(2, 0).matmul(Tensor.zeros(0, 3)).toArray());
        assertArrayEquals(new int[] {0, 2, 3}, Tensor.zeros(0, 2, 4).matmul(Tensor.ones(4, 3)).shape());
        assertEquals(0f, Tensor.zeros(0).matmul(Tensor.zeros(0)).item());
    }

    @Test
    void expandedAndSteppedOperandsAreReadCorrectly() {
        Generator g = new Generator(3);
        // Stride 0 inside the matrix (an expanded column), a stepped slice, a batch broadcast by expand.
        Tensor col = Tensor.randn(g, 5, 1).expand(5, 4);
        Tensor stepped = Tensor.randn(g, 8, 6).slice(0, 0, 8, 2);        // [4, 6], row stride 12
        Tensor everyOther = Tensor.randn(g, 4, 12).slice(1, 0, 12, 2);   // [4, 6], column stride 2
        Tensor batch = Tensor.randn(g, 1, 6, 3).expand(3, 6, 3);
        for (Tensor b : new Tensor[] {stepped, everyOther}) {
            assertTrue(col.matmul(b).allClose(naive(col, b), 1e-5f, 1e-5f));
            Tensor out = col.matmul(b).matmul(batch);
            Tensor expected = naive(naive(col, b), batch);
            assertTrue(out.allClose(expected, 1e-5f, 1e-5f));
        }
    }
}
