package dev.sfumato.nn.kernels;

import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The padded (and, for a stride above 1, phase-split) image equals its plain twin bit for bit, including every
 * zero, over widths on both sides of the vector paths' minimums (8 and 16 floats on AVX2), odd and even, and
 * paddings that put column 0 in either phase. The interleaved layout's transposes equal their plain loops, and
 * the forward on exact columns equals the wide form bit for bit.
 */
class ShiftedWindowsProperties {

    @Property(tries = 200)
    void paddedImageEqualsThePlainLoop(@ForAll @IntRange(min = 1, max = 3) int cIn,
                                       @ForAll @IntRange(min = 5, max = 9) int h,
                                       @ForAll @IntRange(min = 5, max = 41) int w,
                                       @ForAll @IntRange(min = 1, max = 3) int stride,
                                       @ForAll @IntRange(min = 0, max = 2) int pad,
                                       @ForAll @IntRange(min = 1, max = 2) int dilation,
                                       @ForAll long seed) {
        ConvGeometry g = ConvGeometry.conv2d("conv2d", new int[] {2, cIn, h, w}, new int[] {2, cIn, 3, 3},
                new int[] {stride, stride}, new int[] {pad, pad}, new int[] {dilation, dilation}, 1);
        ShiftedWindows sw = new ShiftedWindows(g);
        float[] x = Tensor.randn(new Generator(seed), 2, cIn, h, w).toArray();
        int size = sw.paddedSize();
        // Buffers start as garbage (NaN), as a reused per-thread buffer would: padInto must write every float.
        float[] plain = new float[size + 3];
        float[] vector = new float[size + 3];
        Arrays.fill(plain, Float.NaN);
        Arrays.fill(vector, Float.NaN);
        sw.padInto(x, cIn * h * w, 0, plain, 1, false);                    // the second sample, from offset 1
        sw.padInto(x, cIn * h * w, 0, vector, 1, true);
        assertArrayEquals(plain, vector, "C_in " + cIn + ", " + h + "x" + w + ", stride " + stride + ", pad " + pad
                + ", dilation " + dilation);
    }

    @Property(tries = 150)
    void exactColumnsEqualTheWideFormBitForBit(@ForAll @IntRange(min = 1, max = 19) int n,
                                               @ForAll @IntRange(min = 1, max = 2) int groups,
                                               @ForAll @IntRange(min = 1, max = 3) int cInG,
                                               @ForAll @IntRange(min = 1, max = 9) int cOutG,
                                               @ForAll @IntRange(min = 1, max = 12) int h,
                                               @ForAll @IntRange(min = 1, max = 20) int w,
                                               @ForAll @IntRange(min = 1, max = 3) int k,
                                               @ForAll @IntRange(min = 1, max = 3) int stride,
                                               @ForAll @IntRange(min = 0, max = 2) int pad,
                                               @ForAll @IntRange(min = 1, max = 2) int dilation,
                                               @ForAll boolean bias,
                                               @ForAll long seed) {
        Assume.that(h + 2 * pad >= dilation * (k - 1) + 1 && w + 2 * pad >= dilation * (k - 1) + 1);
        ConvGeometry g = ConvGeometry.conv2d("conv2d", new int[] {n, cInG * groups, h, w},
                new int[] {cOutG * groups, cInG, k, k}, new int[] {stride, stride}, new int[] {pad, pad},
                new int[] {dilation, dilation}, groups);
        Generator gen = new Generator(seed);
        Tensor x = Tensor.randn(gen, g.inputShape());
        Tensor wt = Tensor.randn(gen, g.weightShape());
        Tensor b = bias ? Tensor.randn(gen, g.cOut()) : null;
        float[] wide = Conv2dKernels.forward(g, x, wt, b, Conv2dKernels.Columns.WIDE).toArray();
        float[] exact = Conv2dKernels.forward(g, x, wt, b, Conv2dKernels.Columns.EXACT).toArray();
        assertArrayEquals(wide, exact, g.toString());
    }

    @Property(tries = 150)
    void interleavedTransposesEqualThePlainLoops(@ForAll @IntRange(min = 1, max = 8) int count,
                                                 @ForAll @IntRange(min = 1, max = 3) int cIn,
                                                 @ForAll @IntRange(min = 1, max = 10) int h,
                                                 @ForAll @IntRange(min = 1, max = 24) int w,
                                                 @ForAll @IntRange(min = 0, max = 2) int pad,
                                                 @ForAll @IntRange(min = 1, max = 2) int stride,
                                                 @ForAll boolean lastInBatch,
                                                 @ForAll @IntRange(min = 1, max = 4) int cOut,
                                                 @ForAll @IntRange(min = 0, max = 1000) int cut,
                                                 @ForAll boolean bias,
                                                 @ForAll long seed) {
        Assume.that(h + 2 * pad >= 3 && w + 2 * pad >= 3);
        // From the second sample on, with or without a sample after the block (reads past a short row must
        // stay inside x).
        int n = count + (lastInBatch ? 1 : 2);
        ConvGeometry g = ConvGeometry.conv2d("conv2d", new int[] {n, cIn, h, w}, new int[] {cOut, cIn, 3, 3},
                new int[] {stride, stride}, new int[] {pad, pad}, new int[] {1, 1}, 1);
        ShiftedWindows sw = new ShiftedWindows(g);
        Generator gen = new Generator(seed);
        float[] x = Tensor.randn(gen, n, cIn, h, w).toArray();
        int inSample = cIn * h * w;
        float[] plain = new float[sw.interleavedSize()];
        float[] vector = new float[sw.interleavedSize()];
        Arrays.fill(plain, Float.NaN);
        Arrays.fill(vector, Float.NaN);
        sw.padInterleaved(x, inSample, inSample, count, 0, plain, false);
        sw.padInterleaved(x, inSample, inSample, count, 0, vector, true);
        assertArrayEquals(plain, vector, "padInterleaved: " + count + " samples, " + g);

        // Rows without padding (the interleaved input gradient's dY): the channels of the block's samples.
        float[] rowsPlain = new float[cIn * h * w * ShiftedWindows.BLOCK];
        float[] rowsVector = new float[rowsPlain.length];
        Arrays.fill(rowsPlain, Float.NaN);
        Arrays.fill(rowsVector, Float.NaN);
        Interleave.rows(x, inSample, inSample, count, cIn, h * w, rowsPlain, false);
        Interleave.rows(x, inSample, inSample, count, cIn, h * w, rowsVector, true);
        assertArrayEquals(rowsPlain, rowsVector, "Interleave.rows: " + count + " samples, " + g);

        // dY^T slivers of the interleaved weight gradient: 16 or 20 output channels (one full sliver, or one and a
        // part), the block's samples from the second on.
        int gradRows = lastInBatch ? 16 : 20;
        ConvGeometry gg = ConvGeometry.conv2d("conv2d", new int[] {n, cIn, h, w}, new int[] {gradRows, cIn, 3, 3},
                new int[] {stride, stride}, new int[] {pad, pad}, new int[] {1, 1}, 1);
        ShiftedWindows gsw = new ShiftedWindows(gg);
        int ghw = gg.hOut() * gg.wOut();
        float[] dy = Tensor.randn(gen, n, gradRows, gg.hOut(), gg.wOut()).toArray();
        float[] slPlain = new float[2 * ghw * ShiftedWindows.BLOCK * 16];
        float[] slVector = new float[slPlain.length];
        Arrays.fill(slPlain, Float.NaN);
        Arrays.fill(slVector, Float.NaN);
        gsw.interleavedGradientSlivers(dy, gradRows * ghw, gradRows, count, slPlain, false);
        gsw.interleavedGradientSlivers(dy, gradRows * ghw, gradRows, count, slVector, true);
        assertArrayEquals(slPlain, slVector, "interleavedGradientSlivers: " + count + " samples, " + gg);

        // The scatter of a range of pixels [k0, k0 + pixels) of a result block.
        int hw = g.hOut() * g.wOut();
        int pixels = 1 + cut % hw;
        int k0 = (cut / hw) % (hw - pixels + 1);
        int cols = pixels * ShiftedWindows.BLOCK;
        float[] yi = Tensor.randn(gen, cOut, cols).toArray();
        float[] b = bias ? Tensor.randn(gen, cOut).toArray() : null;
        float[] yPlain = new float[n * cOut * hw];
        float[] yVector = new float[n * cOut * hw];
        Arrays.fill(yPlain, Float.NaN);
        Arrays.fill(yVector, Float.NaN);
        sw.scatterInterleaved(yi, cOut, cols, k0, count, yPlain, 1, 0, b, false);
        sw.scatterInterleaved(yi, cOut, cols, k0, count, yVector, 1, 0, b, true);
        assertArrayEquals(yPlain, yVector, "scatterInterleaved: " + count + " samples, pixels " + k0 + "+" + pixels
                + ", " + g);
    }
}
