package dev.sfumato.tensor;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.sfumato.tensor.kernels.ElementwiseKernelsTest.assertAgree;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broadcasting, views, in-place rules and thread-count independence of the elementwise ops. */
class ElementwiseTest {

    // ---------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------

    static Tensor randn(Random rnd, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rnd.nextGaussian();
        }
        return Tensor.wrap(d, shape);
    }

    /** Element {@code flat} (row-major over {@code shape}) of {@code t} broadcast to {@code shape}. */
    static float broadcastGet(Tensor t, int[] shape, int flat) {
        int[] idx = new int[t.dim()];
        for (int d = shape.length - 1; d >= 0; d--) {
            int i = flat % shape[d];
            flat /= shape[d];
            int td = d - (shape.length - t.dim());
            if (td >= 0) {
                idx[td] = t.shape[td] == 1 ? 0 : i;
            }
        }
        return t.get(idx);
    }

    static void assertBitsEqual(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
                    "element " + i + ": expected " + expected[i] + " but was " + actual[i]);
        }
    }

    /** Random shape pair compatible under NumPy broadcasting: each dim of b equals a's, is 1, or is missing. */
    static int[][] compatibleShapes(Random rnd) {
        int rank = rnd.nextInt(5);
        int[] a = new int[rank];
        for (int d = 0; d < rank; d++) {
            a[d] = rnd.nextInt(5) == 0 ? 1 : 1 + rnd.nextInt(5);
        }
        int bRank = rank == 0 ? 0 : rnd.nextInt(rank + 1);
        int[] b = new int[bRank];
        for (int d = 0; d < bRank; d++) {
            int ad = a[rank - bRank + d];
            b[d] = rnd.nextBoolean() ? ad : 1;
        }
        for (int d = 0; d < rank; d++) { // a may also be 1 where b is not
            int bd = d - (rank - bRank);
            if (bd >= 0 && b[bd] > 1 && rnd.nextInt(4) == 0) {
                a[d] = 1;
            }
        }
        return rnd.nextBoolean() ? new int[][] {a, b} : new int[][] {b, a};
    }

    // ---------------------------------------------------------------------------------------------
    // Broadcasting
    // ---------------------------------------------------------------------------------------------

    @Property(tries = 200)
    void broadcastingFollowsNumPyInShapeAndValue(@ForAll long seed) {
        Random rnd = new Random(seed);
        int[][] s = compatibleShapes(rnd);
        Tensor a = randn(rnd, s[0]);
        Tensor b = randn(rnd, s[1]);
        BinaryOp op = BinaryOp.values()[rnd.nextInt(BinaryOp.values().length)];
        Tensor c = Elementwise.binary("test", a, b, op);
        int rank = Math.max(s[0].length, s[1].length);
        int[] expectedShape = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - s[0].length);
            int db = i - (rank - s[1].length);
            expectedShape[i] = Math.max(da >= 0 ? s[0][da] : 1, db >= 0 ? s[1][db] : 1);
        }
        assertArrayEquals(expectedShape, c.shape());
        assertTrue(c.isContiguous());
        float[] got = c.toArray();
        for (int i = 0; i < got.length; i++) {
            float x = broadcastGet(a, expectedShape, i);
            float y = broadcastGet(b, expectedShape, i);
            float want = dev.sfumato.tensor.kernels.ElementwiseReference.apply(op, x, y);
            assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got[i]), op + " at " + i);
        }
    }

    @Test
    void incompatibleShapesNameBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.where(Tensor.zeros(2, 1), Tensor.zeros(3), Tensor.zeros(4)));
        assertTrue(e.getMessage().startsWith("where"), e.getMessage());
    }

    @Test
    void whereBroadcastsAllThree() {
        Tensor cond = Tensor.of(1f, 0f, Float.NaN).reshape(3, 1);
        Tensor a = Tensor.of(10f, 20f);
        Tensor b = Tensor.scalar(-1f);
        Tensor w = Tensor.where(cond, a, b);
        assertArrayEquals(new int[] {3, 2}, w.shape());
        assertArrayEquals(new float[] {10f, 20f, -1f, -1f, 10f, 20f}, w.toArray());
    }

    // ---------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------

    /** A few non-contiguous views of a fresh random tensor, all of shape [3, 4, 5]. */
    static Tensor[] views(Random rnd) {
        return new Tensor[] {
            randn(rnd, 5, 4, 3).permute(2, 1, 0),
            randn(rnd, 3, 8, 5).slice(1, 0, 8, 2),
            randn(rnd, 3, 4, 11).slice(2, 1, 11, 2),
            randn(rnd, 1, 4, 5).expand(3, 4, 5),
            randn(rnd, 3, 1, 1).expand(3, 4, 5),
            randn(rnd, 4, 3, 6).narrow(2, 1, 5).transpose(0, 1),
        };
    }

    @Property(tries = 30)
    void stridedInputsEqualContiguousCopies(@ForAll long seed) {
        Random rnd = new Random(seed);
        for (Tensor v : views(rnd)) {
            Tensor c = v.contiguous().clone();
            for (UnaryOp op : UnaryOp.values()) {
                // A transcendental's value may differ by an ulp between the SIMD body and the scalar tail of a
                // span, and a view is cut into spans differently from its contiguous copy.
                assertAgree(op.toString(), Elementwise.unary("t", c, op).toArray(), Elementwise.unary("t", v, op).toArray(),
                        dev.sfumato.tensor.kernels.ElementwiseKernelsTest.ulps(op));
            }
            Tensor w = views(rnd)[rnd.nextInt(6)];
            for (BinaryOp op : BinaryOp.values()) {
                assertBitsEqual(Elementwise.binary("t", c, w.contiguous(), op).toArray(),
                        Elementwise.binary("t", v, w, op).toArray());
                assertBitsEqual(Elementwise.binaryScalar("t", c, 0.5f, op).toArray(),
                        Elementwise.binaryScalar("t", v, 0.5f, op).toArray());
            }
            assertBitsEqual(c.clamp(-0.3f, 0.4f).toArray(), v.clamp(-0.3f, 0.4f).toArray());
            assertBitsEqual(Tensor.where(c, w.contiguous(), c.neg()).toArray(), Tensor.where(v, w, v.neg()).toArray());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // In place
    // ---------------------------------------------------------------------------------------------

    @Property(tries = 30)
    void inPlaceThroughViewsWritesOnlyTheView(@ForAll long seed) {
        Random rnd = new Random(seed);
        Tensor base = randn(rnd, 6, 8);
        Tensor view = base.slice(1, 1, 8, 2).t(); // [4, 6], strides [2, 8]
        float[] before = base.toArray();
        Tensor other = randn(rnd, 6);               // broadcasts along dim 0
        Tensor expected = view.add(other);
        int v0 = base.version();
        view.addInPlace(other);
        assertEquals(v0 + 1, base.version(), "one bump per in-place op");
        assertBitsEqual(expected.toArray(), view.toArray());
        float[] after = base.toArray();
        for (int r = 0; r < 6; r++) {
            for (int col = 0; col < 8; col += 2) { // the columns outside the view are untouched
                assertEquals(before[r * 8 + col], after[r * 8 + col]);
            }
        }
        // The composite in-place ops agree with their out-of-place spelling.
        Tensor t1 = randn(rnd, 4, 6);
        Tensor t2 = randn(rnd, 1, 6).abs().add(0.5f);
        Tensor y = view.clone();
        y.addcdivInPlace(t1, t2, 0.25f);
        assertBitsEqual(view.add(t1.mul(0.25f).div(t2)).toArray(), y.toArray());
        y = view.clone();
        view.mulInPlace(2f).subInPlace(Tensor.scalar(1f)).divInPlace(t2).clampInPlace(-1f, 1f).applyInPlace(UnaryOp.TANH);
        Tensor z = y.mul(2f).sub(Tensor.scalar(1f)).div(t2).clamp(-1f, 1f).tanh();
        assertBitsEqual(z.toArray(), view.toArray());
    }

    @Test
    void inPlaceRefusesExpandedSelfAndNonBroadcastableOther() {
        Tensor e = Tensor.zeros(1, 4).expand(3, 4);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> e.addInPlace(1f));
        assertTrue(ex.getMessage().contains("expanded"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> e.fill(2f));
        ex = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 4).addInPlace(Tensor.zeros(3)));
        assertEquals("addInPlace: shape [3] cannot be broadcast to [2, 4]", ex.getMessage());
        // Broadcasting may not grow self.
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(4).addInPlace(Tensor.zeros(2, 4)));
    }

    @Test
    void fillCopyAndComposites() {
        Tensor t = Tensor.zeros(3, 4);
        t.t().slice(0, 0, 4, 2).fill(7f); // columns 0 and 2
        assertArrayEquals(new float[] {7, 0, 7, 0, 7, 0, 7, 0, 7, 0, 7, 0}, t.toArray());
        t.copyFrom(Tensor.of(1f, 2f, 3f, 4f));
        assertArrayEquals(new float[] {1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4}, t.toArray());
        Tensor sq = Tensor.arange(4).reshape(2, 2);
        sq.copyFrom(sq.t()); // reads all before writing
        assertArrayEquals(new float[] {0, 2, 1, 3}, sq.toArray());
        Tensor y = Tensor.of(1f, 1f);
        y.addInPlace(Tensor.of(2f, 4f), 0.5f);
        assertArrayEquals(new float[] {2f, 3f}, y.toArray());
        y.addcmulInPlace(Tensor.of(2f, 3f), Tensor.scalar(2f), 0.5f);
        assertArrayEquals(new float[] {4f, 6f}, y.toArray());
        y.zero();
        assertArrayEquals(new float[] {0f, 0f}, y.toArray());
    }

    @Test
    void emptyAndScalarTensors() {
        assertArrayEquals(new int[] {0, 3}, Tensor.zeros(0, 3).add(Tensor.zeros(3)).shape());
        assertArrayEquals(new int[] {2, 0}, Tensor.zeros(2, 1).mul(Tensor.zeros(0)).shape());
        Tensor s = Tensor.scalar(2f).add(Tensor.scalar(3f));
        assertEquals(0, s.dim());
        assertEquals(5f, s.item());
        assertEquals(1f, Tensor.scalar(0f).sigmoid().mul(2f).item());
        assertArrayEquals(new float[] {3f, 4f}, Tensor.scalar(1f).add(Tensor.of(2f, 3f)).toArray());
        assertArrayEquals(new float[] {0.25f, 0.5f}, Tensor.of(2f, 4f).rdiv(2f).rdiv(1f).div(4f).toArray());
        Tensor e = Tensor.zeros(0);
        int v = e.version();
        e.addInPlace(1f);
        assertEquals(v + 1, e.version());
    }

    /**
     * The fused SiLU backward gives the composite's bits (the autograd node relied on the composite before),
     * on contiguous tensors, on a transposed view and on sizes that leave a vector tail; mismatched shapes
     * are refused by name.
     */
    @Property(tries = 20)
    void siluBackwardEqualsTheCompositeBitForBit(@ForAll @IntRange(min = 1, max = 40) int rows,
                                                 @ForAll @IntRange(min = 1, max = 40) int cols, @ForAll long seed) {
        Random rnd = new Random(seed);
        Tensor g = Tensor.randn(new Generator(seed), rows, cols);
        Tensor x = Tensor.randn(new Generator(seed + 1), cols, rows).mul(3f).t();  // a transposed view
        if (rnd.nextBoolean()) {
            x = x.contiguous();
        }
        Tensor s = x.sigmoid();
        Tensor composite = g.mul(s.mul(x.mul(s.rsub(1f)).add(1f)));
        assertAgree("siluBackward " + rows + "x" + cols, composite.toArray(), Tensor.siluBackward(g, x).toArray(), 0);
    }

    @Test
    void siluBackwardRefusesMismatchedShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.siluBackward(Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
        assertEquals("siluBackward: gradOutput [2, 3] and x [3, 2] must have the same shape", e.getMessage());
    }

    @Test
    void specialValues() {
        Tensor x = Tensor.of(-1000f, -88f, 0f, 88f, 1000f, Float.NaN);
        float[] sig = x.sigmoid().toArray();
        assertArrayEquals(new float[] {0f, 6.0546e-39f, 0.5f, 1f, 1f}, java.util.Arrays.copyOf(sig, 5), 1e-43f);
        assertTrue(Float.isNaN(sig[5]));
        assertArrayEquals(new float[] {0f, 1f, 0f}, Tensor.of(Float.NaN, 1f, 0f).sign().abs().toArray());
        assertTrue(Float.isNaN(Tensor.of(Float.NaN).clamp(0f, 1f).item()));
        assertTrue(Float.isNaN(Tensor.of(Float.NaN).maximum(0f).item()));
        assertTrue(Float.isNaN(Tensor.of(0f).minimum(Float.NaN).item()));
        assertEquals(1f, Tensor.of(1f).pow(Float.NaN).item());
        assertEquals(Float.NEGATIVE_INFINITY, Tensor.of(-0f).rsqrt().item());
    }

    // ---------------------------------------------------------------------------------------------
    // Threads
    // ---------------------------------------------------------------------------------------------

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        Random rnd = new Random(7);
        Tensor a = randn(rnd, 3, 100_003);
        Tensor b = randn(rnd, 100_003);
        Tensor t = randn(rnd, 700, 301).t();
        int saved = Parallel.threads();
        float[][] results = new float[2][];
        float[][] strided = new float[2][];
        try {
            for (int k = 0; k < 2; k++) {
                Parallel.setThreads(k + 1);
                results[k] = a.add(b).silu().mul(a).toArray();
                Tensor y = a.clone();
                y.addcmulInPlace(a, b, 0.1f);
                strided[k] = t.gelu().sub(t.exp()).toArray();
                results[k] = concat(results[k], y.toArray());
            }
        } finally {
            Parallel.setThreads(saved);
        }
        assertBitsEqual(results[0], results[1]);
        assertBitsEqual(strided[0], strided[1]);
    }

    static float[] concat(float[] x, float[] y) {
        float[] r = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }

    @Property(tries = 20)
    void longRowsCutIntoPiecesStillCoverEveryElement(@ForAll @IntRange(min = 1, max = 3) int rows,
                                                     @ForAll @IntRange(min = 32_000, max = 140_000) int cols) {
        Tensor a = Tensor.arange(0, rows * cols, 1).reshape(rows, cols);
        Tensor b = Tensor.arange(0, cols, 1);
        float[] got = a.sub(b).toArray();
        for (int i = 0; i < got.length; i++) {
            assertEquals((float) (i - i % cols), got[i], "at " + i);
        }
    }
}
