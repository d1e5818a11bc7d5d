package dev.sfumato.tensor.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link Transpose#transpose8} against the plain loop of its contract, bit for bit: random offsets and strides
 * on both sides, every count of output rows, with and without the addend; nothing outside the written rows and
 * lanes changes.
 */
class TransposeProperties {

    @Property(tries = 200)
    void matchesThePlainLoop(@ForAll @IntRange(min = 0, max = 13) int sOff, @ForAll @IntRange(min = 8, max = 40) int sStride,
                             @ForAll @IntRange(min = 0, max = 13) int dOff, @ForAll @IntRange(min = 8, max = 40) int dStride,
                             @ForAll @IntRange(min = 1, max = 8) int outRows, @ForAll boolean add, @ForAll long seed) {
        if (Kernels.LANES != 8) {
            return;                                                      // the kernel needs eight-lane vectors
        }
        SplittableRandom r = new SplittableRandom(seed);
        float[] src = new float[sOff + 7 * sStride + 8 + r.nextInt(3)];
        for (int i = 0; i < src.length; i++) {
            src[i] = (float) r.nextGaussian();
        }
        float[] dst = new float[dOff + 7 * dStride + 8 + r.nextInt(3)];
        for (int i = 0; i < dst.length; i++) {
            dst[i] = (float) r.nextGaussian();
        }
        float addend = (float) r.nextGaussian();
        float[] expected = dst.clone();
        for (int c = 0; c < outRows; c++) {
            for (int row = 0; row < 8; row++) {
                float v = src[sOff + row * sStride + c];
                expected[dOff + c * dStride + row] = add ? v + addend : v;
            }
        }
        Transpose.transpose8(src, sOff, sStride, dst, dOff, dStride, outRows, add, addend);
        assertArrayEquals(expected, dst, "sOff " + sOff + " sStride " + sStride + " dOff " + dOff + " dStride "
                + dStride + " outRows " + outRows + " add " + add);
    }
}
