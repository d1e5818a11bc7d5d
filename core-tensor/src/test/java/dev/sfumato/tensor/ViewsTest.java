package dev.sfumato.tensor;

import static dev.sfumato.tensor.Layouts.at;
import static dev.sfumato.tensor.Layouts.forEach;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Tensor's views and creation: views alias their base without copying, and every view op agrees with an
 * explicit index computation ({@code offset + sum idx[d] * strides[d]}) over random shapes and layouts.
 */
class ViewsTest {

    private static final int TRIES = 200;

    /** Maps an index of the view to the index of its base that must hold the same element. */
    private interface IndexMap {
        int[] base(int[] viewIdx);
    }

    /** Every element of {@code view} is the element of {@code x} at {@code map(idx)}, and they share storage. */
    private static void assertView(Tensor x, Tensor view, int[] shape, IndexMap map) {
        assertArrayEquals(shape, view.shape(), "shape");
        assertTrue(view.sharesStorageWith(x), "a view shares storage");
        forEach(shape, idx -> {
            int[] j = map.base(idx);
            assertEquals(Layouts.offsetOf(x, j), Layouts.offsetOf(view, idx),
                    () -> "view index " + Arrays.toString(idx) + " must address base index " + Arrays.toString(j));
            assertEquals(at(x, j), view.get(idx));
        });
    }

    // ---------------------------------------------------------------------------------------------
    // Aliasing
    // ---------------------------------------------------------------------------------------------

    @Test
    void writesThroughViewsAreSeenByTheBase() {
        Tensor base = Tensor.arange(24).view(2, 3, 4);
        Tensor[] views = {
            base.view(6, 4), base.reshape(4, -1), base.permute(2, 0, 1), base.transpose(0, 2), base.narrow(1, 1, 2),
            base.slice(2, 1, 4, 2), base.select(1, 2), base.unsqueeze(1), base.flatten(), base.flatten(0, 1),
            base.narrow(0, 1, 1).squeeze(), base.narrow(0, 1, 1).squeeze(0), base.select(0, 0).t(),
        };
        int[][] touched = {{5, 3}, {3, 5}, {3, 1, 2}, {3, 2, 1}, {1, 0, 3}, {0, 2, 1}, {1, 3}, {1, 0, 2, 3}, {23},
            {5, 0}, {2, 3}, {0, 1}, {3, 2}};
        int[][] baseIndex = {{1, 2, 3}, {1, 2, 3}, {1, 2, 3}, {1, 2, 3}, {1, 1, 3}, {0, 2, 3}, {1, 2, 3}, {1, 2, 3},
            {1, 2, 3}, {1, 2, 0}, {1, 2, 3}, {1, 0, 1}, {0, 2, 3}};
        for (int v = 0; v < views.length; v++) {
            Tensor view = views[v];
            assertTrue(view.sharesStorageWith(base), "view " + v + " shares storage");
            int version = base.version();
            view.set(-100f - v, touched[v]);
            assertEquals(-100f - v, base.get(baseIndex[v]), "write through view " + v + " is seen by the base");
            assertEquals(version + 1, base.version(), "a write through a view bumps the shared version");
        }
    }

    @Test
    void expandAliasesWithStrideZero() {
        Tensor col = Tensor.of(1, 2, 3).view(3, 1);
        Tensor e = col.expand(2, 3, 4);
        assertTrue(e.sharesStorageWith(col));
        assertArrayEquals(new int[] {0, 1, 0}, e.strides());
        col.set(9f, 1, 0);
        assertEquals(9f, e.get(1, 1, 3));
        assertArrayEquals(new int[] {3, 4}, col.expand(-1, 4).shape());
    }

    // ---------------------------------------------------------------------------------------------
    // view and reshape
    // ---------------------------------------------------------------------------------------------

    @Property(tries = TRIES)
    void reshapeKeepsRowMajorOrderAndCopiesOnlyWhenNeeded(@ForAll long seed) {
        Random rnd = new Random(seed);
        int[] s = Layouts.shape(rnd, 1 + rnd.nextInt(4), 4, true);
        Tensor x = Layouts.tensor(rnd, s);
        int n = x.numel();
        // A random new shape with the same element count, one size possibly -1.
        int[] target = factor(rnd, n);
        int[] request = target.clone();
        if (n > 0 && target.length > 0 && rnd.nextBoolean()) {
            request[rnd.nextInt(target.length)] = -1;
        }
        Tensor r = x.reshape(request);
        assertArrayEquals(target, r.shape());
        assertArrayEquals(x.toArray(), r.toArray(), "reshape keeps row-major order");
        if (x.isContiguous()) {
            assertTrue(r.sharesStorageWith(x), "reshape of a contiguous tensor is a view");
            assertTrue(x.view(request).sharesStorageWith(x));
        }
    }

    /** A random shape whose sizes multiply to n. */
    private static int[] factor(Random rnd, int n) {
        if (n == 0) {
            return new int[] {rnd.nextInt(3), 0, 1 + rnd.nextInt(2)};
        }
        int[] out = new int[0];
        int left = n;
        for (int p = 2; p <= left; p++) {
            while (left % p == 0) {
                left /= p;
                out = Arrays.copyOf(out, out.length + 1);
                out[out.length - 1] = p;
            }
        }
        // Merge random neighbours and insert some size-1 dims.
        int[] merged = new int[0];
        for (int f : out) {
            if (merged.length > 0 && rnd.nextBoolean()) {
                merged[merged.length - 1] *= f;
            } else {
                merged = Arrays.copyOf(merged, merged.length + 1);
                merged[merged.length - 1] = f;
            }
        }
        if (rnd.nextInt(3) == 0 || merged.length == 0) {
            int[] withOne = new int[merged.length + 1];
            int at = rnd.nextInt(withOne.length);
            for (int i = 0, j = 0; i < withOne.length; i++) {
                withOne[i] = i == at ? 1 : merged[j++];
            }
            merged = withOne;
        }
        return merged;
    }

    @Test
    void viewFailsWherePyTorchWouldAndReshapeCopies() {
        Tensor t = Tensor.arange(24).view(4, 6).t();                 // [6, 4], strides [1, 6]
        // Splitting a dim is fine even on a transposed tensor (as in PyTorch)...
        Tensor split = t.view(6, 2, 2);
        assertTrue(split.sharesStorageWith(t));
        assertArrayEquals(new int[] {1, 12, 6}, split.strides());
        // ...merging dims that are not contiguous with each other is not.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.view(24));
        assertTrue(e.getMessage().startsWith("view: shape [24] is not compatible with the strides [1, 6]"), e.getMessage());
        assertTrue(e.getMessage().contains("use reshape"), e.getMessage());
        Tensor r = t.reshape(24);
        assertFalse(r.sharesStorageWith(t), "reshape copies when a view is impossible");
        assertArrayEquals(t.toArray(), r.toArray());
        assertEquals(1f, r.get(4));                                  // t[1][0] = base[0][1]
        // A narrowed tensor keeps its gaps: the outer dims merge, the inner ones cannot.
        Tensor n = Tensor.arange(24).view(2, 3, 4).narrow(2, 0, 2);
        assertArrayEquals(new int[] {6, 2}, n.view(6, 2).shape());
        assertThrows(IllegalArgumentException.class, () -> n.view(12));
        assertArrayEquals(new int[] {2, 3, 2}, Tensor.zeros(12).view(-1, 3, 2).shape());
    }

    // ---------------------------------------------------------------------------------------------
    // Other views against explicit index computations
    // ---------------------------------------------------------------------------------------------

    @Property(tries = TRIES)
    void permuteAndTranspose(@ForAll long seed) {
        Random rnd = new Random(seed);
        int rank = 1 + rnd.nextInt(4);
        int[] s = Layouts.shape(rnd, rank, 4, true);
        Tensor x = Layouts.tensor(rnd, s);
        int[] perm = Layouts.permutation(rnd, rank);
        int[] asked = perm.clone();
        for (int i = 0; i < rank; i++) {
            asked[i] = rnd.nextBoolean() ? perm[i] : perm[i] - rank;
        }
        int[] ps = new int[rank];
        for (int i = 0; i < rank; i++) {
            ps[i] = s[perm[i]];
        }
        assertView(x, x.permute(asked), ps, idx -> {
            int[] j = new int[rank];
            for (int i = 0; i < rank; i++) {
                j[perm[i]] = idx[i];
            }
            return j;
        });
        int a = rnd.nextInt(rank);
        int b = rnd.nextInt(rank);
        int[] ts = s.clone();
        ts[a] = s[b];
        ts[b] = s[a];
        assertView(x, x.transpose(a - rank, b), ts, idx -> {
            int[] j = idx.clone();
            j[a] = idx[b];
            j[b] = idx[a];
            return j;
        });
    }

    @Property(tries = TRIES)
    void narrowSliceAndSelect(@ForAll long seed) {
        Random rnd = new Random(seed);
        int rank = 1 + rnd.nextInt(4);
        int[] s = Layouts.shape(rnd, rank, 6, true);
        Tensor x = Layouts.tensor(rnd, s);
        int d = rnd.nextInt(rank);
        int start = rnd.nextInt(s[d] + 1);
        int length = rnd.nextInt(s[d] - start + 1);
        int[] ns = s.clone();
        ns[d] = length;
        assertView(x, x.narrow(d - rank, start, length), ns, idx -> {
            int[] j = idx.clone();
            j[d] += start;
            return j;
        });
        // slice(start, end, step) with Python's clamping of out-of-range and negative bounds.
        int lo = rnd.nextInt(s[d] + 5) - 2 - s[d] / 2;
        int hi = rnd.nextInt(s[d] + 5) - 2;
        int step = 1 + rnd.nextInt(3);
        int n = s[d];
        int s0 = Math.max(0, Math.min(n, lo < 0 ? lo + n : lo));
        int e0 = Math.max(s0, Math.min(n, hi < 0 ? hi + n : hi));
        int[] ss = s.clone();
        ss[d] = (e0 - s0 + step - 1) / step;
        assertView(x, x.slice(d, lo, hi, step), ss, idx -> {
            int[] j = idx.clone();
            j[d] = s0 + idx[d] * step;
            return j;
        });
        if (s[d] > 0) {
            int i = rnd.nextInt(s[d]);
            int[] sel = new int[rank - 1];
            for (int k = 0, m = 0; k < rank; k++) {
                if (k != d) {
                    sel[m++] = s[k];
                }
            }
            assertView(x, x.select(d, rnd.nextBoolean() ? i : i - s[d]), sel, idx -> {
                int[] j = new int[rank];
                for (int k = 0, m = 0; k < rank; k++) {
                    j[k] = k == d ? i : idx[m++];
                }
                return j;
            });
        }
    }

    @Property(tries = TRIES)
    void expandSqueezeUnsqueezeFlatten(@ForAll long seed) {
        Random rnd = new Random(seed);
        int rank = rnd.nextInt(4);
        int[] s = Layouts.shape(rnd, rank, 4, true);
        Tensor x = Layouts.tensor(rnd, s);
        // expand: size-1 dims grow, new leading dims appear; both read coordinate 0 of x.
        int lead = rnd.nextInt(3);
        int[] es = new int[lead + rank];
        int[] request = new int[lead + rank];
        for (int i = 0; i < es.length; i++) {
            int old = i < lead ? 1 : s[i - lead];
            es[i] = old == 1 ? rnd.nextInt(4) : old;
            request[i] = i >= lead && rnd.nextInt(3) == 0 && es[i] == old ? -1 : es[i];
        }
        assertView(x, x.expand(request), es, idx -> {
            int[] j = new int[rank];
            for (int k = 0; k < rank; k++) {
                j[k] = s[k] == 1 ? 0 : idx[k + lead];
            }
            return j;
        });
        // unsqueeze at any position, then squeeze it away again.
        int u = rnd.nextInt(rank + 1);
        int[] us = new int[rank + 1];
        for (int k = 0, m = 0; k <= rank; k++) {
            us[k] = k == u ? 1 : s[m++];
        }
        Tensor un = x.unsqueeze(rnd.nextBoolean() ? u : u - rank - 1);
        assertView(x, un, us, idx -> {
            int[] j = new int[rank];
            for (int k = 0, m = 0; k <= rank; k++) {
                if (k != u) {
                    j[m++] = idx[k];
                }
            }
            return j;
        });
        assertView(x, un.squeeze(u), s, int[]::clone);
        // squeeze(): every size-1 dim removed.
        int[] keep = Arrays.stream(s).filter(v -> v != 1).toArray();
        int[] kept = new int[keep.length];
        for (int k = 0, m = 0; k < rank; k++) {
            if (s[k] != 1) {
                kept[m++] = k;
            }
        }
        assertView(x, x.squeeze(), keep, idx -> {
            int[] j = new int[rank];
            for (int m = 0; m < kept.length; m++) {
                j[kept[m]] = idx[m];
            }
            return j;
        });
        // flatten(a, b) keeps row-major order (a view when the merged dims are contiguous with each other).
        if (rank > 0) {
            int a = rnd.nextInt(rank);
            int b = a + rnd.nextInt(rank - a);
            Tensor f = x.flatten(a, b);
            assertEquals(rank - (b - a), f.dim());
            assertArrayEquals(x.toArray(), f.toArray());
            if (x.isContiguous()) {
                assertTrue(f.sharesStorageWith(x));
            }
        }
        assertArrayEquals(new int[] {x.numel()}, x.flatten().shape());
    }

    /**
     * Copies large enough to be cut into tasks ({@link StridedCopy#PARALLEL_GRAIN}) put every element where
     * the index arithmetic says, on 1 and 2 threads: a permuted view whose rows do not divide into the
     * tasks evenly (each task starts its odometer mid-tensor), a strided innermost dim, a concatenation
     * into narrowed views, and a plain contiguous copy into an offset view.
     */
    @Test
    void largeCopiesCutIntoTasksPutEveryElementInItsPlace() throws Exception {
        ThreadCount.restoring(() -> {
            for (int threads = 1; threads <= 2; threads++) {
                Parallel.setThreads(threads);
                Tensor x = Tensor.arange(3 * 37 * 41 * 29).view(3, 37, 41, 29);
                Tensor p = x.permute(2, 0, 3, 1);                        // innermost stride 41·29
                Tensor c = p.contiguous();
                forEach(p.shape(), idx -> assertEquals(at(p, idx), at(c, idx), () -> Arrays.toString(idx)));
                Tensor cat = Tensor.cat(java.util.List.of(x, x.mul(-1f)), 0);
                forEach(cat.shape(), idx -> assertEquals((idx[0] < 3 ? 1 : -1) * at(x, new int[] {idx[0] % 3, idx[1], idx[2], idx[3]}),
                        at(cat, idx), () -> Arrays.toString(idx)));
                Tensor s = cat.slice(3, 0, 29, 2).contiguous();          // innermost stride 2
                forEach(s.shape(), idx -> assertEquals(at(cat, new int[] {idx[0], idx[1], idx[2], 2 * idx[3]}),
                        at(s, idx), () -> Arrays.toString(idx)));
                Tensor flat = Tensor.arange(StridedCopy.PARALLEL_GRAIN * 2 + 5);
                Tensor y = Tensor.cat(java.util.List.of(Tensor.zeros(3), flat), 0);
                assertArrayEquals(flat.toArray(), y.narrow(0, 3, flat.numel()).toArray());
            }
        });
    }

    @Test
    void contiguousCopiesOnlyWhenNeeded() {
        Tensor x = Tensor.arange(12).view(3, 4);
        assertSame(x, x.contiguous());
        assertSame(x.narrow(0, 1, 2).contiguous().storage(), x.storage(), "row narrow stays contiguous");
        Tensor t = x.t();
        assertFalse(t.isContiguous());
        Tensor c = t.contiguous();
        assertNotSame(t, c);
        assertFalse(c.sharesStorageWith(x));
        assertTrue(c.isContiguous());
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, c.toArray());
        assertTrue(x.unsqueeze(1).isContiguous(), "size-1 dims do not matter");
        assertFalse(x.slice(1, 0, 4, 2).isContiguous());
        assertFalse(x.expand(2, 3, 4).isContiguous());
    }

    // ---------------------------------------------------------------------------------------------
    // Creation and the generator
    // ---------------------------------------------------------------------------------------------

    @Test
    void creationFunctions() {
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0}, Tensor.zeros(2, 3).toArray());
        assertArrayEquals(new float[] {2.5f, 2.5f}, Tensor.full(2.5f, 2).toArray());
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0}, Tensor.eye(2, 3).toArray());
        assertArrayEquals(new float[] {1f, 1.5f, 2f, 2.5f}, Tensor.arange(1f, 3f, 0.5f).toArray());
        assertArrayEquals(new float[] {0f, 0.25f, 0.5f, 0.75f, 1f}, Tensor.linspace(0f, 1f, 5).toArray());
        float[] data = {1, 2, 3, 4};
        Tensor wrapped = Tensor.wrap(data, 2, 2);
        data[3] = 40;
        assertEquals(40f, wrapped.get(1, 1), "wrap does not copy");
        Tensor copied = Tensor.fromArray(data, 2, 2);
        data[0] = 10;
        assertEquals(1f, copied.get(0, 0), "fromArray copies");
        assertEquals(0, Tensor.scalar(3f).dim());
    }

    @Test
    void sameSeedSameValuesAndDrawsAdvance() {
        Tensor a = Tensor.randn(new Generator(42), 3, 5);
        Tensor b = Tensor.randn(new Generator(42), 3, 5);
        assertArrayEquals(a.toArray(), b.toArray());
        Generator g = new Generator(42);
        Tensor first = Tensor.rand(g, 100);
        Tensor second = Tensor.rand(g, 100);
        assertFalse(Arrays.equals(first.toArray(), second.toArray()), "each draw uses a new stream");
        assertFalse(Arrays.equals(a.toArray(), Tensor.randn(new Generator(43), 3, 5).toArray()));
        // State round trip.
        Generator h = new Generator(5);
        Tensor.rand(h, 3);
        long[] state = h.state();
        Tensor next = Tensor.rand(h, 7);
        h.setState(state);
        assertArrayEquals(next.toArray(), Tensor.rand(h, 7).toArray());
    }

    @Test
    void randomValuesDoNotDependOnThreadCount() {
        int threads = Parallel.threads();
        int n = 200_003; // several fill tasks, the last one partial
        try {
            Parallel.setThreads(1);
            float[] n1 = Tensor.randn(new Generator(9), n).toArray();
            float[] u1 = Tensor.rand(new Generator(9), n).toArray();
            float[] i1 = Tensor.randint(new Generator(9), -3, 4, n).toArray();
            Parallel.setThreads(2);
            assertArrayEquals(n1, Tensor.randn(new Generator(9), n).toArray());
            assertArrayEquals(u1, Tensor.rand(new Generator(9), n).toArray());
            assertArrayEquals(i1, Tensor.randint(new Generator(9), -3, 4, n).toArray());
        } finally {
            Parallel.setThreads(threads);
        }
    }

    /** The fused dropout mask is rand, ge and a scale in one pass: the same floats, on 1 and 2 threads. */
    @Test
    void dropoutMaskIsRandGeScaledBitForBit() {
        int threads = Parallel.threads();
        try {
            // A threshold equal to one of the draws (element 5) puts that element on the comparison's edge:
            // u == p keeps it.
            double edge = (Generator.bits(new Generator(17).nextStreamKey(), 5) >>> 40) * 0x1p-24;
            for (double p : new double[] {0.0, 0.1, 0.5, 0.3333333333, 1e-9, 0.999, edge}) {
                for (int t = 1; t <= 2; t++) {
                    Parallel.setThreads(t);
                    Tensor composite = Tensor.rand(new Generator(17), 3, 70_001).ge((float) p)
                            .mul((float) (1 / (1 - p)));
                    Tensor fused = Tensor.dropoutMask(new Generator(17), p, 3, 70_001);
                    assertArrayEquals(composite.shape(), fused.shape());
                    assertArrayEquals(composite.toArray(), fused.toArray(), "p=" + p + ", threads=" + t);
                }
            }
            // The generator moves on as rand would: the next draws agree too.
            Generator g = new Generator(5);
            Generator h = new Generator(5);
            Tensor.dropoutMask(g, 0.2, 10);
            Tensor.rand(h, 10);
            assertArrayEquals(Tensor.rand(h, 10).toArray(), Tensor.rand(g, 10).toArray());
        } finally {
            Parallel.setThreads(threads);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.dropoutMask(new Generator(1), 1.0, 4));
        assertEquals("dropoutMask: probability has to be in [0, 1), but got 1.0", e.getMessage());
    }

    /** dropoutScale is x times the mask that the same stream key draws, without the mask: the same floats. */
    @Test
    void dropoutScaleIsTheProductWithTheMask() {
        Tensor x = Tensor.randn(new Generator(3), 70, 301);
        for (Tensor in : new Tensor[] {x, x.t()}) {                   // contiguous, and a transposed view
            for (double p : new double[] {0.0, 0.1, 0.5, 0.999}) {
                long key = new Generator(17).nextStreamKey();
                Tensor mask = Tensor.dropoutMask(new Generator(17), p, in.shape());
                assertArrayEquals(in.mul(mask).toArray(), Tensor.dropoutScale(in, key, p).toArray(), "p=" + p);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.dropoutScale(x, 1L, -0.5));
        assertEquals("dropoutScale: probability has to be in [0, 1), but got -0.5", e.getMessage());
    }

    @Test
    void randnHasMeanZeroAndStdOne() {
        float[] v = Tensor.randn(new Generator(1234), 1_000_000).toArray();
        double sum = 0;
        double sumSq = 0;
        for (float f : v) {
            sum += f;
            sumSq += (double) f * f;
        }
        double mean = sum / v.length;
        double std = Math.sqrt(sumSq / v.length - mean * mean);
        // Standard errors: 1e-3 for the mean, 7e-4 for the std; 5 sigma.
        assertEquals(0.0, mean, 5e-3);
        assertEquals(1.0, std, 3.5e-3);
    }

    @Test
    void randAndRandintStayInRange() {
        float[] u = Tensor.rand(new Generator(3), 100_000).toArray();
        for (float f : u) {
            assertTrue(f >= 0f && f < 1f, "rand in [0, 1): " + f);
        }
        float[] r = Tensor.randint(new Generator(3), -2, 3, 10_000).toArray();
        int[] counts = new int[5];
        for (float f : r) {
            assertEquals(Math.rint(f), f, "randint gives integers");
            assertTrue(f >= -2 && f < 3, "randint in [-2, 3): " + f);
            counts[(int) f + 2]++;
        }
        for (int c : counts) {
            assertTrue(c > 1800 && c < 2200, "each value about 1/5 of the time: " + Arrays.toString(counts));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Printing (expected strings checked against torch 1.13's repr; ours appends the shape)
    // ---------------------------------------------------------------------------------------------

    @Test
    void toStringFollowsPyTorch() {
        assertEquals("tensor([[1., 2.],\n        [3., 4.]], shape=[2, 2])", Tensor.of(new float[][] {{1, 2}, {3, 4}}).toString());
        assertEquals("tensor([1.5000, 2.0000, 3.0000], shape=[3])", Tensor.of(1.5f, 2, 3).toString());
        assertEquals("tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]], shape=[2, 2, 2])",
                Tensor.arange(8).view(2, 2, 2).toString());
        assertEquals("tensor([1.0000e-05, 2.0000e+00, 3.0000e+00], shape=[3])", Tensor.of(1e-5f, 2, 3).toString());
        assertEquals("tensor([[  1.,  -2.],\n        [  3., 400.]], shape=[2, 2])",
                Tensor.of(new float[][] {{1, -2}, {3, 400}}).toString());
        assertEquals("tensor([-0.5000,  0.2500], shape=[2])", Tensor.of(-0.5f, 0.25f).toString());
        assertEquals("tensor(3.5000, shape=[])", Tensor.scalar(3.5f).toString());
        assertEquals("tensor([nan, 1., inf], shape=[3])", Tensor.of(Float.NaN, 1f, Float.POSITIVE_INFINITY).toString());
        // A non-contiguous view prints its own values.
        assertEquals("tensor([[1., 3.],\n        [2., 4.]], shape=[2, 2])", Tensor.of(new float[][] {{1, 2}, {3, 4}}).t().toString());
    }

    @Test
    void ranksThreeAndFourIndentLikePyTorch() {
        assertEquals("tensor([[[[ 0.,  1.],\n          [ 2.,  3.]],\n\n         [[ 4.,  5.],\n          [ 6.,  7.]]],\n\n\n"
                + "        [[[ 8.,  9.],\n          [10., 11.]],\n\n         [[12., 13.],\n          [14., 15.]]]], shape=[2, 2, 2, 2])",
                Tensor.arange(16).view(2, 2, 2, 2).toString());
    }

    @Test
    void largeTensorsAreSummarised() {
        String row = "[0., 0., 0.,  ..., 0., 0., 0.]";
        String rows = (row + ",\n        ").repeat(3) + "...,\n        " + (row + ",\n        ").repeat(2) + row;
        assertEquals("tensor([" + rows + "], shape=[40, 40])", Tensor.zeros(40, 40).toString());
        // torch also wraps long rows at 80 characters; Sfumato keeps a row on one line.
        String s = Tensor.arange(2000).toString();
        assertTrue(s.contains("..."), s);
        assertEquals("tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03, 1.9990e+03], shape=[2000])", s);
    }

    // ---------------------------------------------------------------------------------------------
    // Regressions
    // ---------------------------------------------------------------------------------------------

    @Test
    void emptyTensorsAreContiguousAndConvertToEmptyArrays() {
        Tensor empty = Tensor.zeros(0, 3);
        assertTrue(empty.isContiguous(), "numel 0 is contiguous, as in PyTorch");
        assertSame(empty, empty.contiguous());
        // An empty narrow past the end of an empty storage: offset 2 * 3 = 6 > capacity 0.
        Tensor past = Tensor.zeros(3, 0).narrow(0, 2, 1);
        assertArrayEquals(new float[0], past.toArray());
        assertArrayEquals(new float[0], Tensor.zeros(4, 2).narrow(1, 2, 0).toArray());
    }
}
