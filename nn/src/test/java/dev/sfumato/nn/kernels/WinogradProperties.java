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
 * The weight gradient by F(2×2, 3×3) ({@link Winograd}) against the direct-loop reference, within the bound the
 * GEMM paths are held to (a reordered float sum; the transforms add at most four terms at a time), and its vector
 * transforms against their one-lane twins, over batches that fill, split and end part-full the blocks of eight
 * samples, odd and even image sizes (tiles past the last row or column) and channel counts across the GEMM's
 * 4-row tiles; and where the Winograd paths apply. The forward's F(4×4, 3×3) is {@link Winograd4Properties}'.
 */
class WinogradProperties {

    private static ConvGeometry geometry(int n, int cIn, int cOut, int h, int w) {
        return ConvGeometry.conv2d("conv2d", new int[] {n, cIn, h, w}, new int[] {cOut, cIn, 3, 3},
                new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1);
    }

    @Property(tries = 60)
    void weightGradientMatchesTheReference(@ForAll @IntRange(min = 1, max = 19) int n,
                                           @ForAll @IntRange(min = 8, max = 21) int cIn,
                                           @ForAll @IntRange(min = 8, max = 21) int cOut,
                                           @ForAll @IntRange(min = 1, max = 13) int h,
                                           @ForAll @IntRange(min = 1, max = 13) int w, @ForAll long seed) {
        ConvGeometry g = geometry(n, cIn, cOut, h, w);
        assertTrue(Winograd.applies(g), g.toString());
        Generator gen = new Generator(seed);
        Tensor x = Tensor.randn(gen, g.inputShape());
        Tensor dy = Tensor.randn(gen, g.outputShape());
        assertClose(Conv2dReference.backwardWeight(g, x, dy), Winograd.backwardWeight(g, x, dy), n * h * w,
                "backwardWeight");
        assertClose(Conv2dReference.backwardWeight(g, x, dy), Conv2dKernels.backwardWeight(g, x, dy), n * h * w,
                "backwardWeight through Conv2dKernels");
    }

    @Property(tries = 60)
    void vectorTransformsEqualTheLaneByLaneTwin(@ForAll @IntRange(min = 1, max = 19) int n,
                                                @ForAll @IntRange(min = 8, max = 13) int cIn,
                                                @ForAll @IntRange(min = 8, max = 13) int cOut,
                                                @ForAll @IntRange(min = 1, max = 17) int h,
                                                @ForAll @IntRange(min = 1, max = 17) int w, @ForAll long seed) {
        ConvGeometry g = geometry(n, cIn, cOut, h, w);
        Generator gen = new Generator(seed);
        Tensor x = Tensor.randn(gen, g.inputShape());
        Tensor dy = Tensor.randn(gen, g.outputShape());
        assertArrayEquals(Winograd.backwardWeight(g, x, dy, false).toArray(),
                Winograd.backwardWeight(g, x, dy, true).toArray(), "backwardWeight " + g);
    }

    /** The U-Net's sizes, 28×28, 14×14 and 7×7, and 9 samples (a full block and one sample). */
    @Test
    void unetSizesMatchTheReference() {
        for (int size : new int[] {28, 14, 7}) {
            ConvGeometry g = geometry(9, 32, 20, size, size);
            Generator gen = new Generator(size);
            Tensor x = Tensor.randn(gen, g.inputShape());
            Tensor dy = Tensor.randn(gen, g.outputShape());
            assertClose(Conv2dReference.backwardWeight(g, x, dy), Winograd.backwardWeight(g, x, dy), 9 * size * size,
                    "backwardWeight " + g);
        }
    }

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        ConvGeometry g = geometry(19, 16, 12, 14, 14);
        Generator gen = new Generator(3);
        Tensor x = Tensor.randn(gen, g.inputShape());
        int before = Parallel.threads();
        try {
            Tensor dy = Tensor.randn(gen, g.outputShape());
            Parallel.setThreads(1);
            float[] dwOne = Winograd.backwardWeight(g, x, dy).toArray();
            Parallel.setThreads(2);
            assertArrayEquals(dwOne, Winograd.backwardWeight(g, x, dy).toArray());
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * The weight gradient's partial sums come from the pool inside a scope (NaN-filled in the build's poison mode),
     * so every part's first range of tile rows must overwrite them rather than add to them: the second call in a
     * scope, on recycled partials, gives the bits of a call outside any scope, for images of one, two and many
     * ranges of tile rows per block ({@link Winograd#weightGradientParts} one and two).
     */
    @Test
    void weightGradientOverwritesPooledPartials() {
        for (int size : new int[] {7, 14, 28}) {
            ConvGeometry g = geometry(11, 16, 12, size, size);
            Generator gen = new Generator(size + 1);
            Tensor x = Tensor.randn(gen, g.inputShape());
            Tensor dy = Tensor.randn(gen, g.outputShape());
            float[] expected = Winograd.backwardWeight(g, x, dy).toArray();
            try (Recycler.Scope ignored = Recycler.open()) {
                Winograd.backwardWeight(g, x, dy);
                assertArrayEquals(expected, Winograd.backwardWeight(g, x, dy).toArray(), g.toString());
            }
        }
    }

    /** Where it does not apply: other kernels, strides, paddings, dilations, groups, and too few channels. */
    @Test
    void appliesOnlyToPaddedStrideOneThreeByThree() {
        assertTrue(Winograd.applies(geometry(1, 8, 8, 5, 5)));
        assertFalse(Winograd.applies(geometry(1, 1, 32, 28, 28)));
        assertFalse(Winograd.applies(geometry(1, 32, 1, 28, 28)));
        int[] in = {1, 16, 8, 8};
        int[] w3 = {16, 16, 3, 3};
        int[] one = {1, 1};
        assertFalse(Winograd.applies(ConvGeometry.conv2d("c", in, w3, new int[] {2, 2}, one, one, 1)));
        assertFalse(Winograd.applies(ConvGeometry.conv2d("c", in, w3, one, new int[] {0, 0}, one, 1)));
        assertFalse(Winograd.applies(ConvGeometry.conv2d("c", in, w3, one, one, new int[] {2, 2}, 1)));
        assertFalse(Winograd.applies(ConvGeometry.conv2d("c", in, new int[] {16, 8, 3, 3}, one, one, one, 2)));
        assertFalse(Winograd.applies(ConvGeometry.conv2d("c", in, new int[] {16, 16, 1, 1}, one, one, one, 1)));
        // The weight gradient: 64 channels each way, 8×8 images or 8192 channel pairs.
        assertTrue(Winograd.appliesToWeightGradient(geometry(1, 64, 64, 14, 14)));
        assertTrue(Winograd.appliesToWeightGradient(geometry(1, 128, 64, 7, 7)));
        assertFalse(Winograd.appliesToWeightGradient(geometry(1, 64, 64, 7, 7)));
        assertFalse(Winograd.appliesToWeightGradient(geometry(1, 32, 32, 28, 28)));
    }
}
