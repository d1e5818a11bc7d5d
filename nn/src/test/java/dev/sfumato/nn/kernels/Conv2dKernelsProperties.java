package dev.sfumato.nn.kernels;

import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The im2col + GEMM kernels equal the direct-loop reference, over random geometries. */
class Conv2dKernelsProperties {

    /** One random convolution problem. */
    record Case(int n, int groups, int cInG, int cOutG, int h, int w, int kH, int kW,
                int sH, int sW, int pH, int pW, int dH, int dW, long seed) {

        ConvGeometry geometry() {
            return ConvGeometry.conv2d("conv2d", new int[] {n, cInG * groups, h, w},
                    new int[] {cOutG * groups, cInG, kH, kW}, new int[] {sH, sW}, new int[] {pH, pW},
                    new int[] {dH, dW}, groups);
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<int[]> sizes = Combinators.combine(
                Arbitraries.integers().between(1, 5),      // n
                Arbitraries.of(1, 1, 2, 3),                 // groups
                Arbitraries.integers().between(1, 5),      // C_in / groups
                Arbitraries.integers().between(1, 9),      // C_out / groups (crosses the 4-row GEMM tile)
                Arbitraries.integers().between(1, 11),     // h
                Arbitraries.integers().between(1, 11),     // w
                Arbitraries.integers().between(1, 4),      // kH
                Arbitraries.integers().between(1, 4)       // kW
        ).as((a, b, c, d, e, f, g, h) -> new int[] {a, b, c, d, e, f, g, h});
        Arbitrary<int[]> opts = Combinators.combine(
                Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(1, 2), Arbitraries.integers().between(1, 2),
                Arbitraries.longs()
        ).as((sH, sW, pH, pW, dH, dW, seed) -> new int[] {sH, sW, pH, pW, dH, dW, (int) (long) seed});
        return Combinators.combine(sizes, opts).as((s, o) -> new Case(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7],
                o[0], o[1], o[2], o[3], o[4], o[5], o[6]))
                .filter(c -> c.h + 2 * c.pH >= c.dH * (c.kH - 1) + 1 && c.w + 2 * c.pW >= c.dW * (c.kW - 1) + 1);
    }

    /** Float sums of K products: tolerance grows with K and with the magnitude of the terms. */
    static void assertClose(Tensor expected, Tensor actual, int terms, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        float[] e = expected.toArray();
        float[] a = actual.toArray();
        float tol = 1e-5f * (float) Math.sqrt(terms) * 8f + 1e-5f;
        for (int i = 0; i < e.length; i++) {
            float scale = Math.max(1f, Math.abs(e[i]));
            assertTrue(Math.abs(e[i] - a[i]) <= tol * scale,
                    what + " differs at flat index " + i + ": reference " + e[i] + ", kernel " + a[i]);
        }
    }

    @Property(tries = 150)
    void forwardAndBackwardMatchReference(@ForAll("cases") Case c) {
        ConvGeometry g = c.geometry();
        Generator gen = new Generator(c.seed());
        Tensor x = Tensor.randn(gen, g.inputShape());
        Tensor w = Tensor.randn(gen, g.weightShape());
        Tensor b = Tensor.randn(gen, g.cOut());
        Tensor dy = Tensor.randn(gen, g.outputShape());
        int k = g.colRows();
        assertClose(Conv2dReference.forward(g, x, w, b), Conv2dKernels.forward(g, x, w, b), k, "forward");
        assertClose(Conv2dReference.forward(g, x, w, null), Conv2dKernels.forward(g, x, w, null), k, "forward, no bias");
        assertClose(Conv2dReference.backwardInput(g, dy, w), Conv2dKernels.backwardInput(g, dy, w),
                g.cOutG() * g.kH() * g.kW(), "backwardInput");
        assertClose(Conv2dReference.backwardWeight(g, x, dy), Conv2dKernels.backwardWeight(g, x, dy),
                g.n() * g.colCols(), "backwardWeight");
        assertClose(Conv2dReference.backwardBias(g, dy), Conv2dKernels.backwardBias(g, dy),
                g.n() * g.colCols(), "backwardBias");
    }

    /** Regression: the first valid output column lay beyond W_out (w=1, kW=3, pad 2, dilation 2) and im2col overran the row. */
    @Test
    void kernelWiderThanTheInputWithDilationAndPadding() {
        forwardAndBackwardMatchReference(new Case(2, 1, 1, 1, 1, 1, 1, 3, 1, 1, 0, 2, 1, 2, 0));
        forwardAndBackwardMatchReference(new Case(1, 1, 2, 3, 2, 3, 3, 3, 2, 3, 2, 2, 2, 2, 5));
    }

    /**
     * Shapes past the GEMM's blocks, which the small random cases never reach: 64·9 = 576 column rows (two K
     * blocks of 288), 66·66 = 4356 output columns (past the 4096-column panel), and stride 2 with groups;
     * then the weight gradient's sample blocks ({@link Conv2dKernels#backwardWeightBatched}): 66·68, 30·32 and
     * 24·26 wide columns with 5, 20 and 17 output channels per group, so the 16-channel sliver is partial;
     * 64 samples at 24×24 (blocks of 6 samples, 3744 columns, whose 512-long K blocks straddle samples; the last
     * block has 4); 19 samples, stride 2 and groups (blocks of 2, the last holds one).
     */
    @Test
    void largeShapesCrossTheGemmBlocks() {
        forwardAndBackwardMatchReference(new Case(2, 1, 64, 20, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, 11));
        forwardAndBackwardMatchReference(new Case(1, 1, 3, 5, 66, 66, 3, 3, 1, 1, 1, 1, 1, 1, 12));
        forwardAndBackwardMatchReference(new Case(2, 2, 40, 6, 9, 11, 3, 3, 2, 2, 1, 1, 1, 1, 13));
        forwardAndBackwardMatchReference(new Case(2, 1, 3, 20, 30, 30, 3, 3, 1, 1, 1, 1, 1, 1, 14));
        forwardAndBackwardMatchReference(new Case(5, 2, 2, 17, 24, 24, 3, 3, 1, 1, 1, 1, 1, 1, 15));
        forwardAndBackwardMatchReference(new Case(64, 1, 2, 3, 24, 24, 3, 3, 1, 1, 1, 1, 1, 1, 16));
        forwardAndBackwardMatchReference(new Case(19, 2, 3, 17, 7, 7, 3, 3, 2, 2, 1, 1, 1, 1, 17));
        // Exact columns (14×14 and 7×7 take them): blocks of 8, 8 and 3 interleaved samples, 20 output channels.
        forwardAndBackwardMatchReference(new Case(19, 1, 5, 20, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1, 19));
        forwardAndBackwardMatchReference(new Case(16, 1, 9, 6, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 20));
    }

    /**
     * The weight gradient on both column layouts, whatever the geometry's own choice: batches of up to 19, so
     * that the interleaved form's blocks of eight fill, split and end part-full, over strides, paddings, dilations
     * and groups.
     */
    @Property(tries = 80)
    void weightGradientOnEitherColumnsMatchesReference(@ForAll("cases") Case c, @ForAll @IntRange(min = 1, max = 19) int n) {
        Case big = new Case(n, c.groups(), c.cInG(), c.cOutG(), c.h(), c.w(), c.kH(), c.kW(), c.sH(), c.sW(), c.pH(),
                c.pW(), c.dH(), c.dW(), c.seed());
        ConvGeometry g = big.geometry();
        Assume.that(!(g.kH() == 1 && g.kW() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0
                && g.padW() == 0));
        Generator gen = new Generator(c.seed());
        Tensor x = Tensor.randn(gen, g.inputShape());
        Tensor dy = Tensor.randn(gen, g.outputShape());
        Tensor expected = Conv2dReference.backwardWeight(g, x, dy);
        for (Conv2dKernels.Columns layout : Conv2dKernels.Columns.values()) {
            assertClose(expected, Conv2dKernels.backwardWeight(g, x.toArray(), 0, dy.toArray(), 0, layout),
                    g.n() * g.colCols(), "backwardWeight on " + layout + " columns");
        }
    }

    /**
     * The input gradient through GEMM and col2im gives the same bits one sample per product and in blocks of eight
     * interleaved samples, over strides, paddings, dilations, groups, batches that fill, split and end part-full,
     * and transposed geometries with output padding (whose input gradient is their forward).
     */
    @Property(tries = 80)
    void inputGradientOnEitherColumnsIsTheSame(@ForAll("cases") Case c, @ForAll @IntRange(min = 1, max = 19) int n,
                                               @ForAll boolean transposed) {
        ConvGeometry g = new Case(n, c.groups(), c.cInG(), c.cOutG(), c.h(), c.w(), c.kH(), c.kW(), c.sH(), c.sW(),
                c.pH(), c.pW(), c.dH(), c.dW(), c.seed()).geometry();
        if (transposed) {
            int[] stride = {c.sH(), c.sW()};
            int[] op = {Math.max(c.sH(), c.dH()) - 1, 0};
            int hOut = (c.h() - 1) * c.sH() - 2 * c.pH() + c.dH() * (c.kH() - 1) + op[0] + 1;
            int wOut = (c.w() - 1) * c.sW() - 2 * c.pW() + c.dW() * (c.kW() - 1) + 1;
            Assume.that(hOut >= 1 && wOut >= 1);
            g = ConvGeometry.convTranspose2d("conv_transpose2d", new int[] {n, c.cOutG() * c.groups(), c.h(), c.w()},
                    new int[] {c.cOutG() * c.groups(), c.cInG(), c.kH(), c.kW()}, stride, new int[] {c.pH(), c.pW()},
                    op, new int[] {c.dH(), c.dW()}, c.groups());
        }
        Generator gen = new Generator(c.seed());
        Tensor w = Tensor.randn(gen, g.weightShape());
        Tensor dy = Tensor.randn(gen, g.outputShape());
        assertArrayEquals(Conv2dKernels.backwardInput(g, dy, w, Conv2dKernels.Columns.WIDE).toArray(),
                Conv2dKernels.backwardInput(g, dy, w, Conv2dKernels.Columns.EXACT).toArray(), g.toString());
    }

    /** An empty batch: every kernel returns its (empty or zero) result, as the reference does. */
    @Test
    void emptyBatch() {
        forwardAndBackwardMatchReference(new Case(0, 1, 3, 5, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 18));
    }

    /**
     * Geometries of transposed convolutions, whose output padding adds input rows the convolution never reads:
     * the flipped stride-1 input gradient once computed them from past the end of its buffer.
     */
    @Property(tries = 60)
    void transposedGeometriesMatchReference(@ForAll("cases") Case c, @ForAll("outputPadding") int opH,
                                            @ForAll("outputPadding") int opW) {
        int[] stride = {c.sH(), c.sW()};
        int[] dilation = {c.dH(), c.dW()};
        int[] op = {Math.min(opH, Math.max(stride[0], dilation[0]) - 1), Math.min(opW, Math.max(stride[1], dilation[1]) - 1)};
        int hIn = c.h();
        int wIn = c.w();
        int hOut = (hIn - 1) * stride[0] - 2 * c.pH() + dilation[0] * (c.kH() - 1) + op[0] + 1;
        int wOut = (wIn - 1) * stride[1] - 2 * c.pW() + dilation[1] * (c.kW() - 1) + op[1] + 1;
        Assume.that(hOut >= 1 && wOut >= 1);
        ConvGeometry g = ConvGeometry.convTranspose2d("conv_transpose2d", new int[] {c.n(), c.cOutG() * c.groups(), hIn, wIn},
                new int[] {c.cOutG() * c.groups(), c.cInG(), c.kH(), c.kW()}, stride, new int[] {c.pH(), c.pW()}, op,
                dilation, c.groups());
        Generator gen = new Generator(c.seed());
        Tensor x = Tensor.randn(gen, g.inputShape());
        Tensor w = Tensor.randn(gen, g.weightShape());
        Tensor dy = Tensor.randn(gen, g.outputShape());
        assertClose(Conv2dReference.backwardInput(g, dy, w), Conv2dKernels.backwardInput(g, dy, w),
                g.cOutG() * g.kH() * g.kW(), "transposed forward (backwardInput)");
        assertClose(Conv2dReference.forward(g, x, w, null), Conv2dKernels.forward(g, x, w, null), g.colRows(),
                "transposed input gradient (forward)");
        assertClose(Conv2dReference.backwardWeight(g, x, dy), Conv2dKernels.backwardWeight(g, x, dy),
                g.n() * g.colCols(), "transposed weight gradient (backwardWeight)");
    }

    /**
     * Regression: a transposed 1×1 convolution with dilation 2 and output padding 1 has an input column the
     * convolution never reads, and was taken for a pointwise one (input = column matrix). The random cases
     * reach it rarely; the gradient check of conv_transpose2d found it.
     */
    @Test
    void transposedPointwiseWithOutputPadding() {
        transposedGeometriesMatchReference(new Case(1, 1, 1, 1, 2, 2, 1, 1, 1, 1, 0, 0, 1, 2, 4), 0, 1);
        transposedGeometriesMatchReference(new Case(2, 1, 3, 2, 3, 3, 1, 1, 1, 1, 0, 0, 2, 2, 5), 1, 1);
    }

    @Provide
    Arbitrary<Integer> outputPadding() {
        return Arbitraries.integers().between(0, 1);
    }

    @Property(tries = 20)
    void nonContiguousInputsGiveTheSameResult(@ForAll("cases") Case c) {
        ConvGeometry g = c.geometry();
        Generator gen = new Generator(c.seed());
        // A permuted copy viewed back: same values, non-contiguous strides.
        int[] s = g.inputShape();
        Tensor xT = Tensor.randn(gen, s[0], s[1], s[3], s[2]);
        Tensor x = xT.transpose(2, 3);
        Tensor w = Tensor.randn(gen, g.weightShape());
        assertArrayEquals(Conv2dKernels.forward(g, x.contiguous(), w, null).toArray(),
                Conv2dKernels.forward(g, x, w, null).toArray());
    }

    /** One sample per weight-gradient block (9 samples at 12×12 and 24×24), and blocks of 2 (20 samples at 7×7). */
    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        oneAndTwoThreadsGiveIdenticalBits(9, 12);
        oneAndTwoThreadsGiveIdenticalBits(9, 24);
        oneAndTwoThreadsGiveIdenticalBits(20, 7);
    }

    private static void oneAndTwoThreadsGiveIdenticalBits(int n, int size) {
        ConvGeometry g = ConvGeometry.conv2d("conv2d", new int[] {n, 8, size, size}, new int[] {16, 8, 3, 3},
                new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1);
        Generator gen = new Generator(7);
        Tensor x = Tensor.randn(gen, g.inputShape());
        Tensor w = Tensor.randn(gen, g.weightShape());
        Tensor dy = Tensor.randn(gen, g.outputShape());
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] y1 = Conv2dKernels.forward(g, x, w, null).toArray();
            float[] dx1 = Conv2dKernels.backwardInput(g, dy, w).toArray();
            float[] dw1 = Conv2dKernels.backwardWeight(g, x, dy).toArray();
            Parallel.setThreads(2);
            assertArrayEquals(y1, Conv2dKernels.forward(g, x, w, null).toArray());
            assertArrayEquals(dx1, Conv2dKernels.backwardInput(g, dy, w).toArray());
            assertArrayEquals(dw1, Conv2dKernels.backwardWeight(g, x, dy).toArray());
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void shapeErrorsNameTheShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvGeometry.conv2d("conv2d",
                new int[] {2, 3, 8, 8}, new int[] {4, 2, 3, 3}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1));
        assertTrue(e.getMessage().contains("[2, 3, 8, 8]") && e.getMessage().contains("[4, 2, 3, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvGeometry.conv2d("conv2d",
                new int[] {2, 3, 2, 2}, new int[] {4, 3, 3, 3}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1));
        assertTrue(e.getMessage().contains("smaller than the dilated kernel"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvGeometry.conv2d("conv2d",
                new int[] {2, 3, 8, 8}, new int[] {4, 1, 3, 3}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 3));
        assertEquals("conv2d: in_channels 3 and out_channels 4 must both be divisible by groups 3", e.getMessage());
    }

    /**
     * The one-row product of convolutions with one output channel per group: its vector loop gives its scalar
     * twin's bits (each element the same FMA chain), over row counts and widths that cross the blocks of four
     * vectors, the single vectors and the scalar tail.
     */
    @Property(tries = 60)
    void singleRowProductEqualsItsScalarTwin(@ForAll @IntRange(min = 1, max = 300) int rows,
                                             @ForAll @IntRange(min = 1, max = 200) int wide,
                                             @ForAll long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        float[] w = gaussians(rnd, rows + 3);
        float[] xp = gaussians(rnd, 4 * rows + wide + 64);
        int[] starts = rnd.ints(rows, 0, 4 * rows + 1).toArray();
        float[] vector = new float[wide];
        float[] scalar = new float[wide];
        Conv2dKernels.singleRowProduct(w, 3, rows, xp, starts, wide, vector, true);
        Conv2dKernels.singleRowProduct(w, 3, rows, xp, starts, wide, scalar, false);
        for (int k = 0; k < wide; k++) {
            assertEquals(Float.floatToIntBits(scalar[k]), Float.floatToIntBits(vector[k]),
                    "column " + k + " of " + wide + ", " + rows + " rows: scalar " + scalar[k] + ", vector " + vector[k]);
        }
        float expected = 0f;
        for (int r = 0; r < rows; r++) {
            expected += w[3 + r] * xp[starts[r] + wide - 1];
        }
        assertEquals(expected, scalar[wide - 1], 1e-4f * rows, "last column against a plain sum");
    }

    /**
     * The one-column weight-gradient product (one output channel per group): its vector chains against its scalar
     * chain, to the tolerance of a float sum of that many terms (the two add in different orders), over widths
     * that cross the blocks of four vectors and leave scalar tails, and blocks of several samples.
     */
    @Property(tries = 60)
    void singleColumnProductMatchesItsScalarTwin(@ForAll @IntRange(min = 1, max = 40) int rows,
                                                 @ForAll @IntRange(min = 1, max = 4) int samples,
                                                 @ForAll @IntRange(min = 1, max = 300) int wide,
                                                 @ForAll long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        int stride = 2 * rows + wide + 16;
        float[] xp = gaussians(rnd, samples * stride);
        float[] dyw = gaussians(rnd, samples * wide);
        int[] starts = rnd.ints(rows, 0, 2 * rows + 1).toArray();
        float[] vector = new float[rows + 2];
        float[] scalar = new float[rows + 2];
        Conv2dKernels.singleColumnProduct(rows, samples, wide, xp, starts, stride, dyw, vector, 2, true);
        Conv2dKernels.singleColumnProduct(rows, samples, wide, xp, starts, stride, dyw, scalar, 2, false);
        for (int r = 0; r < rows; r++) {
            double exact = 0;
            for (int s = 0; s < samples; s++) {
                for (int k = 0; k < wide; k++) {
                    exact += (double) xp[s * stride + starts[r] + k] * dyw[s * wide + k];
                }
            }
            double tol = 1e-5 * Math.sqrt(samples * wide) * 8 + 1e-5;
            assertEquals(exact, scalar[2 + r], tol * Math.max(1, Math.abs(exact)), "row " + r + ", scalar chain");
            assertEquals(exact, vector[2 + r], tol * Math.max(1, Math.abs(exact)), "row " + r + ", vector chains");
        }
        assertEquals(0f, vector[0], "before outOff untouched");
    }

    private static float[] gaussians(java.util.Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
