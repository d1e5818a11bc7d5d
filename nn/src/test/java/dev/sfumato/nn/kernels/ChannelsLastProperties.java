package dev.sfumato.nn.kernels;

import static dev.sfumato.nn.kernels.Conv2dKernelsProperties.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The channels-last convolutions equal the direct-loop reference, and their two register tiles (4 × 16 in 256-bit
 * vectors, 4 × 32 in 512-bit ones, emulated where the CPU lacks them) and scalar layout moves give the same bits.
 */
class ChannelsLastProperties {

    /** One convolution with one group and no dilation (the kernels compute any such; Conv2dKernels routes some). */
    record Case(int n, int cIn, int cOut, int h, int w, int kH, int kW, int sH, int sW, int pH, int pW, long seed) {

        ConvGeometry geometry() {
            return ConvGeometry.conv2d("conv2d", new int[] {n, cIn, h, w}, new int[] {cOut, cIn, kH, kW},
                    new int[] {sH, sW}, new int[] {pH, pW}, new int[] {1, 1}, 1);
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<int[]> sizes = Combinators.combine(
                Arbitraries.integers().between(1, 3),       // n
                Arbitraries.integers().between(8, 72),      // C_in: 8- and 16-channel transposes, partial slivers
                Arbitraries.integers().between(8, 72),      // C_out: partial 16- and 32-column slivers, 64-lane tiles
                Arbitraries.integers().between(1, 13),      // h
                Arbitraries.integers().between(1, 13),      // w: rows shorter and longer than 8 pixels
                Arbitraries.integers().between(1, 4),       // kH
                Arbitraries.integers().between(1, 4)        // kW
        ).as((n, ci, co, h, w, kh, kw) -> new int[] {n, ci, co, h, w, kh, kw});
        Arbitrary<long[]> opts = Combinators.combine(
                Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 2), Arbitraries.longs()
        ).as((sh, sw, ph, pw, seed) -> new long[] {sh, sw, ph, pw, (long) seed});
        return Combinators.combine(sizes, opts).as((s, o) -> new Case(s[0], s[1], s[2], s[3], s[4], s[5], s[6],
                        (int) o[0], (int) o[1], (int) o[2], (int) o[3], o[4]))
                .filter(c -> c.h() + 2 * c.pH() >= c.kH() && c.w() + 2 * c.pW() >= c.kW());
    }

    /**
     * The layout moves in 16 × 16 and 8 × 8 register blocks against the one-by-one copy, bit for bit, whole
     * buffers compared (so nothing is written outside the image and its border): channel counts around the
     * blocks' multiples, planes smaller and larger than a block, any padding and offsets, with and without bias.
     */
    @Property(tries = 150)
    void layoutMovesMatchTheScalarCopy(@ForAll @IntRange(min = 1, max = 70) int c,
                                       @ForAll @IntRange(min = 1, max = 20) int h,
                                       @ForAll @IntRange(min = 1, max = 20) int w,
                                       @ForAll @IntRange(min = 0, max = 2) int padT,
                                       @ForAll @IntRange(min = 0, max = 2) int padL,
                                       @ForAll boolean withBias, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int hp = h + padT + r.nextInt(3);
        int wp = w + padL + r.nextInt(3);
        int xOff = r.nextInt(5);
        int xnOff = r.nextInt(5);
        float[] x = gaussians(r, xOff + c * h * w + r.nextInt(9));
        float[] garbage = gaussians(r, xnOff + hp * wp * c + r.nextInt(9));
        float[] bias = withBias ? gaussians(r, c) : null;
        float[] expected = garbage.clone();
        ChannelsLast.toChannelsLast(x, xOff, c, h, w, padT, padL, hp, wp, expected, xnOff, 0);
        for (int block : new int[] {8, 16}) {
            float[] xn = garbage.clone();
            ChannelsLast.toChannelsLast(x, xOff, c, h, w, padT, padL, hp, wp, xn, xnOff, block);
            assertArrayEquals(expected, xn, "toChannelsLast, " + block + "-blocks, c " + c + " h " + h + " w " + w);
        }
        int pixels = h * w;
        float[] yt = gaussians(r, xnOff + pixels * c + r.nextInt(9));
        float[] yGarbage = gaussians(r, xOff + c * pixels + r.nextInt(9));
        float[] yExpected = yGarbage.clone();
        ChannelsLast.fromChannelsLast(yt.clone(), xnOff, pixels, c, bias, yExpected, xOff, 0);
        for (int block : new int[] {8, 16}) {
            float[] y = yGarbage.clone();
            ChannelsLast.fromChannelsLast(yt.clone(), xnOff, pixels, c, bias, y, xOff, block);
            assertArrayEquals(yExpected, y, "fromChannelsLast, " + block + "-blocks, c " + c + " pixels " + pixels);
        }
    }

    private static float[] gaussians(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    @Property(tries = 120)
    void productsMatchReference(@ForAll("cases") Case c) {
        check(c.geometry(), c.seed());
    }

    /**
     * The geometry of a transposed convolution, whose input gradient is its forward: output padding adds rows and
     * columns of x that no window reads (their classes read no tap inside dy: one part with K = 0, zeros).
     */
    @Property(tries = 60)
    void transposedGeometriesMatchReference(@ForAll("cases") Case c) {
        int[] op = {c.sH() - 1, c.sW() - 1};
        int hOut = (c.h() - 1) * c.sH() - 2 * c.pH() + c.kH() + op[0];
        int wOut = (c.w() - 1) * c.sW() - 2 * c.pW() + c.kW() + op[1];
        Assume.that(hOut >= 1 && wOut >= 1);
        ConvGeometry g = ConvGeometry.convTranspose2d("conv_transpose2d", new int[] {c.n(), c.cOut(), c.h(), c.w()},
                new int[] {c.cOut(), c.cIn(), c.kH(), c.kW()}, new int[] {c.sH(), c.sW()},
                new int[] {c.pH(), c.pW()}, op, new int[] {1, 1}, 1);
        check(g, c.seed());
    }

    /**
     * The U-Net's strided shapes (11 samples: weight-gradient blocks of 8 and 3), a stride-1 shape whose weight
     * gradient is routed here, and a transposed 4×4 upsampling.
     */
    @Test
    void uNetShapes() {
        check(new Case(11, 64, 64, 14, 14, 3, 3, 2, 2, 1, 1, 4).geometry(), 4);
        check(new Case(3, 32, 32, 28, 28, 3, 3, 2, 2, 1, 1, 1).geometry(), 1);
        check(new Case(2, 32, 64, 14, 14, 3, 3, 1, 1, 1, 1, 5).geometry(), 5);   // a stride-1 weight gradient
        check(new Case(3, 64, 64, 14, 14, 3, 3, 2, 2, 1, 1, 2).geometry(), 2);
        check(ConvGeometry.convTranspose2d("conv_transpose2d", new int[] {2, 64, 7, 7}, new int[] {64, 64, 4, 4},
                new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1), 3);
        // 4 × 64 tiles: products with 128 and 64 columns beside 32- and 16-column slivers, 96 lanes as 64 + 32.
        check(new Case(2, 128, 64, 9, 11, 3, 3, 2, 2, 1, 0, 6).geometry(), 6);
        check(new Case(2, 64, 128, 8, 7, 3, 3, 2, 1, 1, 1, 7).geometry(), 7);
        check(new Case(3, 96, 96, 10, 10, 3, 3, 2, 2, 1, 1, 8).geometry(), 8);
    }

    /**
     * The forward's parts ({@link ChannelsLast#forwardParts}) on the U-Net's stride-2 64→64 14×14 shape, a group of 4
     * samples: the first output row reads kernel rows 1 and 2 only, the first column kernel columns 1 and 2, the
     * corner both, so 52 of the 196 rows have a shorter K (9.3% of the FMAs left out). The forward reads x in place,
     * so every row reads exactly its taps, also where a part ends in a partial tile (28×28, one sample per group: 13
     * rows of the first output row, 13 of the first column, 1 corner).
     */
    @Test
    void partsLeaveOutTheBorderTaps() {
        ConvGeometry g = new Case(4, 64, 64, 14, 14, 3, 3, 2, 2, 1, 1, 0).geometry();
        float[] slivers = new float[9 * 64 * 64];
        ChannelsLast.Part[] parts = ChannelsLast.forwardParts(g, 4, slivers, 64);
        assertArrayEquals(new int[] {576, 256, 384, 384}, java.util.Arrays.stream(parts)
                .mapToInt(p -> p.aOff().length).toArray(), "K of each part");
        assertArrayEquals(new int[] {144, 4, 24, 24}, java.util.Arrays.stream(parts)
                .mapToInt(p -> p.aRow().length).toArray(), "rows of each part");
        ConvGeometry g28 = new Case(1, 32, 32, 28, 28, 3, 3, 2, 2, 1, 1, 0).geometry();
        ChannelsLast.Part[] parts28 = ChannelsLast.forwardParts(g28, 1, new float[9 * 32 * 32], 32);
        assertArrayEquals(new int[] {169, 1, 13, 13}, java.util.Arrays.stream(parts28)
                .mapToInt(p -> p.aRow().length).toArray(), "rows of each part, 28×28");
        assertArrayEquals(new int[] {288, 128, 192, 192}, java.util.Arrays.stream(parts28)
                .mapToInt(p -> p.aOff().length).toArray(), "K of each part, 28×28");
    }

    /**
     * The same bits on one thread and on two: tasks are groups of samples (each element one FMA chain) and the
     * weight gradient's blocks are added in block order.
     */
    @Test
    void sameBitsOnAnyThreadCount() {
        // Weight-gradient blocks of 2, 2 and 1 samples: x in the lanes (24 output channels), then dy.
        sameBitsOnAnyThreadCount(new Case(5, 64, 24, 28, 28, 3, 3, 2, 2, 1, 1, 4).geometry());
        sameBitsOnAnyThreadCount(new Case(5, 64, 32, 28, 28, 3, 3, 2, 2, 1, 1, 4).geometry());
    }

    private static void sameBitsOnAnyThreadCount(ConvGeometry g) {
        Generator gen = new Generator(4);
        Tensor x = Tensor.randn(gen, g.inputShape());
        Tensor w = Tensor.randn(gen, g.weightShape());
        Tensor dy = Tensor.randn(gen, g.outputShape());
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] y1 = ChannelsLast.forward(g, x, w, null).toArray();
            float[] dx1 = ChannelsLast.backwardInput(g, dy, w).toArray();
            float[] dw1 = ChannelsLast.backwardWeight(g, x, dy).toArray();
            Parallel.setThreads(2);
            assertArrayEquals(dw1, ChannelsLast.backwardWeight(g, x, dy).toArray());
            assertArrayEquals(y1, ChannelsLast.forward(g, x, w, null).toArray());
            assertArrayEquals(dx1, ChannelsLast.backwardInput(g, dy, w).toArray());
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * Conv2dKernels routes here what fills the 32 lanes of the wide tile: strided convolutions' forward (32
     * output channels) and input gradient (32 input channels), and the weight gradient with 32 input channels
     * (with stride 1, 32 each way and a kernel larger than 1×1), dy's channels in its lanes where dy is smaller.
     */
    @Test
    void appliesWhereTheLanesFill() {
        ConvGeometry s2 = new Case(1, 32, 32, 28, 28, 3, 3, 2, 2, 1, 1, 0).geometry();
        assertTrue(ChannelsLast.appliesToForward(s2) && ChannelsLast.appliesToInputGradient(s2)
                && ChannelsLast.appliesToWeightGradient(s2));
        ConvGeometry s1 = new Case(1, 32, 32, 28, 28, 3, 3, 1, 1, 1, 1, 0).geometry();
        assertTrue(!ChannelsLast.appliesToForward(s1) && !ChannelsLast.appliesToInputGradient(s1)
                && ChannelsLast.appliesToWeightGradient(s1));
        ConvGeometry narrowOut = new Case(1, 32, 16, 28, 28, 3, 3, 2, 2, 1, 1, 0).geometry();
        assertTrue(!ChannelsLast.appliesToForward(narrowOut) && ChannelsLast.appliesToInputGradient(narrowOut));
        ConvGeometry narrowIn = new Case(1, 16, 32, 28, 28, 3, 3, 2, 2, 1, 1, 0).geometry();
        assertTrue(ChannelsLast.appliesToForward(narrowIn) && !ChannelsLast.appliesToInputGradient(narrowIn)
                && !ChannelsLast.appliesToWeightGradient(narrowIn));
        ConvGeometry pointwise = new Case(1, 32, 32, 28, 28, 1, 1, 1, 1, 0, 0, 0).geometry();
        assertTrue(!ChannelsLast.appliesToWeightGradient(pointwise));
        // The weight gradient copies the smaller of x and dy channels-last: dy for a strided convolution or one
        // that narrows the channels, x otherwise (and x when dy has too few channels to fill the lanes).
        ConvGeometry narrowing = new Case(1, 64, 32, 28, 28, 3, 3, 1, 1, 1, 1, 0).geometry();
        assertTrue(ChannelsLast.dyInLanes(s2) && ChannelsLast.dyInLanes(narrowing) && !ChannelsLast.dyInLanes(s1)
                && !ChannelsLast.dyInLanes(narrowOut));
    }

    /**
     * Each product against the reference (the weight gradient with either tensor in the lanes); the narrow and
     * wide kernels and the scalar layout moves bit for bit; and Conv2dKernels' result bit for bit where it routes
     * here.
     */
    private static void check(ConvGeometry g, long seed) {
        Generator gen = new Generator(seed);
        Tensor x = Tensor.randn(gen, g.inputShape());
        Tensor w = Tensor.randn(gen, g.weightShape());
        Tensor b = Tensor.randn(gen, g.cOut());
        Tensor dy = Tensor.randn(gen, g.outputShape());
        float[] bias = b.toArray();
        Tensor y = ChannelsLast.forward(g, x, w, bias, true, false);
        assertClose(Conv2dReference.forward(g, x, w, b), y, g.colRows(), "forward " + g);
        assertArrayEquals(y.toArray(), ChannelsLast.forward(g, x, w, bias, true, true).toArray(), "wide forward " + g);
        assertArrayEquals(y.toArray(), ChannelsLast.forward(g, x, w, bias, false, false).toArray(),
                "scalar layout moves, forward " + g);
        if (ChannelsLast.appliesToForward(g)) {
            assertArrayEquals(y.toArray(), Conv2dKernels.forward(g, x, w, b).toArray(), "Conv2dKernels.forward " + g);
        }
        Tensor dx = ChannelsLast.backwardInput(g, dy, w, true, false);
        assertClose(Conv2dReference.backwardInput(g, dy, w), dx, g.cOut() * g.kH() * g.kW(), "input gradient " + g);
        assertArrayEquals(dx.toArray(), ChannelsLast.backwardInput(g, dy, w, true, true).toArray(),
                "wide input gradient " + g);
        assertArrayEquals(dx.toArray(), ChannelsLast.backwardInput(g, dy, w, false, false).toArray(),
                "scalar layout moves, input gradient " + g);
        if (ChannelsLast.appliesToInputGradient(g)) {
            assertArrayEquals(dx.toArray(), Conv2dKernels.backwardInput(g, dy, w).toArray(),
                    "Conv2dKernels.backwardInput " + g);
        }
        Tensor dwReference = Conv2dReference.backwardWeight(g, x, dy);
        for (boolean dyLanes : new boolean[] {false, true}) {
            String form = (dyLanes ? "dy" : "x") + " in the lanes, ";
            Tensor dwForm = ChannelsLast.backwardWeight(g, x, dy, true, false, dyLanes);
            assertClose(dwReference, dwForm, g.n() * g.colCols(), "weight gradient, " + form + g);
            assertArrayEquals(dwForm.toArray(), ChannelsLast.backwardWeight(g, x, dy, true, true, dyLanes).toArray(),
                    "wide weight gradient, " + form + g);
            assertArrayEquals(dwForm.toArray(), ChannelsLast.backwardWeight(g, x, dy, false, false, dyLanes).toArray(),
                    "scalar layout moves, weight gradient, " + form + g);
        }
        Tensor dw = ChannelsLast.backwardWeight(g, x, dy, true, false);
        if (ChannelsLast.appliesToWeightGradient(g) && !Winograd.appliesToWeightGradient(g)) {
            assertArrayEquals(dw.toArray(), Conv2dKernels.backwardWeight(g, x, dy).toArray(),
                    "Conv2dKernels.backwardWeight " + g);
        }
    }
}
