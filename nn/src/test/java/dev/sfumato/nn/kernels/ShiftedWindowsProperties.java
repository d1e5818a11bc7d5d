package dev.sfumato.nn.kernels;

import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The padded (and, for a stride above 1, phase-split) image equals its plain twin bit for bit, including every
 * zero, over widths on both sides of the vector paths' minimums (8 and 16 floats on AVX2), odd and even, and
 * paddings that put column 0 in either phase.
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
}
