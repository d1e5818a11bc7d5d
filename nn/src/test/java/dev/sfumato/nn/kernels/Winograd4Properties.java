package dev.sfumato.nn.kernels;

import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Recycler;
import dev.sfumato.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.sfumato.nn.kernels.Conv2dKernelsProperties.assertClose;

/**
 * The forward by F(4×4, 3×3) ({@link Winograd4}) against the direct-loop reference, within the bound the GEMM paths
 * are held to, and, bit for bit, its vector transforms against their one-lane twins and its direct products against
 * the GEMM: over batches that fill, split and end part-full the blocks of eight samples, image sizes that leave a
 * tile past the last row or column by one to three pixels, tasks of one and several tile rows (columns padded to 32
 * or not), and channel counts that leave output groups and 4-row product tiles part-full; and its weight gradient
 * (the adjoints of the same transforms) against the reference and its one-lane twin.
 */
class Winograd4Properties {

    private static ConvGeometry geometry(int n, int cIn, int cOut, int h, int w) {
        return ConvGeometry.conv2d("conv2d", new int[] {n, cIn, h, w}, new int[] {cOut, cIn, 3, 3},
                new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1);
    }

    @Property(tries = 60)
    void matchesTheReference(@ForAll @IntRange(min = 1, max = 19) int n, @ForAll @IntRange(min = 8, max = 21) int cIn,
                             @ForAll @IntRange(min = 8, max = 41) int cOut, @ForAll @IntRange(min = 1, max = 17) int h,
                             @ForAll @IntRange(min = 1, max = 17) int w, @ForAll boolean bias, @ForAll long seed) {
        ConvGeometry g = geometry(n, cIn, cOut, h, w);
        assertTrue(Winograd4.applies(g), g.toString());
        Generator gen = new Generator(seed);
        Tensor x = Tensor.randn(gen, g.inputShape());
        Tensor wt = Tensor.randn(gen, g.weightShape());
        Tensor b = bias ? Tensor.randn(gen, cOut) : null;
        assertClose(Conv2dReference.forward(g, x, wt, b),
                Winograd4.forward(g, x, wt, b == null ? null : b.toArray()), 9 * cIn, g.toString());
        // The public entry point takes this path for the geometry, and its input gradient (a flipped 3×3 stride-1
        // convolution with padding 1) does too.
        assertClose(Conv2dReference.forward(g, x, wt, b), Conv2dKernels.forward(g, x, wt, b), 9 * cIn, "forward");
        Tensor dy = Tensor.randn(gen, g.outputShape());
        assertClose(Conv2dReference.backwardInput(g, dy, wt), Conv2dKernels.backwardInput(g, dy, wt), 9 * cOut,
                "backwardInput");
    }

    @Property(tries = 60)
    void vectorTransformsEqualTheLaneByLaneTwin(@ForAll @IntRange(min = 1, max = 19) int n,
                                                @ForAll @IntRange(min = 8, max = 13) int cIn,
                                                @ForAll @IntRange(min = 8, max = 13) int cOut,
                                                @ForAll @IntRange(min = 1, max = 30) int h,
                                                @ForAll @IntRange(min = 1, max = 30) int w, @ForAll long seed) {
        ConvGeometry g = geometry(n, cIn, cOut, h, w);
        Generator gen = new Generator(seed);
        Tensor x = Tensor.randn(gen, g.inputShape());
        Tensor wt = Tensor.randn(gen, g.weightShape());
        float[] b = Tensor.randn(gen, cOut).toArray();
        assertArrayEquals(Winograd4.forward(g, x, wt, b, false, false).toArray(),
                Winograd4.forward(g, x, wt, b, true, false).toArray(), g.toString());
    }

    /**
     * The products without the GEMM give the GEMM's bits: tiles of 32, 16 and 8 columns, output groups of 32 and
     * less, 1-3 output channels past the last tile of four, K from 8 to 72 input channels.
     */
    @Property(tries = 60)
    void directProductsEqualTheGemm(@ForAll @IntRange(min = 1, max = 12) int n,
                                    @ForAll @IntRange(min = 8, max = 72) int cIn,
                                    @ForAll @IntRange(min = 8, max = 71) int cOut,
                                    @ForAll @IntRange(min = 1, max = 30) int h,
                                    @ForAll @IntRange(min = 1, max = 30) int w, @ForAll long seed) {
        ConvGeometry g = geometry(n, cIn, cOut, h, w);
        Generator gen = new Generator(seed);
        Tensor x = Tensor.randn(gen, g.inputShape());
        Tensor wt = Tensor.randn(gen, g.weightShape());
        float[] b = Tensor.randn(gen, cOut).toArray();
        assertArrayEquals(Winograd4.forward(g, x, wt, b, true, false).toArray(),
                Winograd4.forward(g, x, wt, b, true, true).toArray(), g.toString());
    }

    /**
     * The U-Net's sizes: 28×28 (a task per tile row, 56 columns padded to 64), 14×14 (a task per tile row, 32
     * columns) and 7×7 (one task of two tile rows); 9 samples (a full block and one sample); 128 channels (four
     * output groups, K at the direct products' limit).
     */
    @Test
    void unetSizesMatchTheReference() {
        for (int size : new int[] {28, 14, 7}) {
            for (int channels : new int[] {32, 128}) {
                ConvGeometry g = geometry(9, channels, channels - 12, size, size);
                Generator gen = new Generator(size + channels);
                Tensor x = Tensor.randn(gen, g.inputShape());
                Tensor wt = Tensor.randn(gen, g.weightShape());
                float[] b = Tensor.randn(gen, g.cOut()).toArray();
                float[] y = Winograd4.forward(g, x, wt, b).toArray();
                assertClose(Conv2dReference.forward(g, x, wt, Tensor.of(b)), Tensor.wrap(y, g.outputShape()),
                        9 * channels, g.toString());
                assertArrayEquals(Winograd4.forward(g, x, wt, b, false, false).toArray(), y, g.toString());
            }
        }
    }

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        ConvGeometry g = geometry(19, 16, 40, 14, 14);
        Generator gen = new Generator(3);
        Tensor x = Tensor.randn(gen, g.inputShape());
        Tensor wt = Tensor.randn(gen, g.weightShape());
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] one = Winograd4.forward(g, x, wt, null).toArray();
            Parallel.setThreads(2);
            assertArrayEquals(one, Winograd4.forward(g, x, wt, null).toArray());
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * The weight gradient, whatever the rule would choose: against the reference, and its vector transforms against
     * the one-lane twin, over ranges of tile rows that end the image in every way (one range per block up to several
     * parts' worth).
     */
    @Property(tries = 60)
    void weightGradientMatchesTheReferenceAndTheTwin(@ForAll @IntRange(min = 1, max = 19) int n,
                                                     @ForAll @IntRange(min = 8, max = 21) int cIn,
                                                     @ForAll @IntRange(min = 8, max = 21) int cOut,
                                                     @ForAll @IntRange(min = 1, max = 30) int h,
                                                     @ForAll @IntRange(min = 1, max = 30) int w, @ForAll long seed) {
        ConvGeometry g = geometry(n, cIn, cOut, h, w);
        Generator gen = new Generator(seed);
        Tensor x = Tensor.randn(gen, g.inputShape());
        Tensor dy = Tensor.randn(gen, g.outputShape());
        Tensor dw = Winograd4.backwardWeight(g, x, dy, true);
        assertClose(Conv2dReference.backwardWeight(g, x, dy), dw, n * h * w, g.toString());
        assertArrayEquals(Winograd4.backwardWeight(g, x, dy, false).toArray(), dw.toArray(), g.toString());
    }

    /**
     * The weight gradient's partial sums come from the pool inside a scope (NaN-filled in the build's poison mode):
     * every part's first range of tile rows must overwrite them. The second call in a scope gives the bits of a call
     * outside any scope, at the U-Net's sizes where the rule takes this path, and on 1 and 2 threads alike.
     */
    @Test
    void weightGradientOverwritesPooledPartialsOnAnyThreadCount() {
        for (int size : new int[] {14, 28}) {
            ConvGeometry g = geometry(11, 64, 72, size, size);
            assertTrue(Winograd4.appliesToWeightGradient(g), g.toString());
            Generator gen = new Generator(size + 1);
            Tensor x = Tensor.randn(gen, g.inputShape());
            Tensor dy = Tensor.randn(gen, g.outputShape());
            float[] expected = Winograd4.backwardWeight(g, x, dy).toArray();
            int before = Parallel.threads();
            try (Recycler.Scope ignored = Recycler.open()) {
                Parallel.setThreads(1);
                Winograd4.backwardWeight(g, x, dy);
                assertArrayEquals(expected, Winograd4.backwardWeight(g, x, dy).toArray(), g.toString());
                Parallel.setThreads(2);
                assertArrayEquals(expected, Conv2dKernels.backwardWeight(g, x, dy).toArray(), g + " on 2 threads");
            } finally {
                Parallel.setThreads(before);
            }
        }
    }

    /** Where the weight gradient takes F(4×4, 3×3): 28×28 and up, or 14×14 and up with 64 channels each way. */
    @Test
    void weightGradientRule() {
        assertTrue(Winograd4.appliesToWeightGradient(geometry(1, 32, 32, 28, 28)));
        assertTrue(Winograd4.appliesToWeightGradient(geometry(1, 64, 64, 14, 14)));
        assertFalse(Winograd4.appliesToWeightGradient(geometry(1, 32, 64, 14, 14)));
        assertFalse(Winograd4.appliesToWeightGradient(geometry(1, 128, 128, 7, 7)));
        assertFalse(Winograd4.appliesToWeightGradient(geometry(1, 4, 64, 28, 28)));
    }
}
