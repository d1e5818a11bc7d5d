package dev.sfumato.tensor.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link Transpose#transpose8} and {@link Transpose#transpose16} against the plain loops of their contracts, bit
 * for bit: random offsets and strides on both sides (for the 16×16 form, output rows at random distinct offsets),
 * every count of output rows, with and without the addend; nothing outside the written rows and lanes changes.
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

    @Property(tries = 200)
    void sixteenMatchesThePlainLoop(@ForAll @IntRange(min = 0, max = 21) int sOff,
                                    @ForAll @IntRange(min = 16, max = 70) int sStride,
                                    @ForAll @IntRange(min = 0, max = 21) int dOff,
                                    @ForAll @IntRange(min = 0, max = 9) int gap,
                                    @ForAll boolean add, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] src = new float[sOff + 15 * sStride + 16 + r.nextInt(3)];
        for (int i = 0; i < src.length; i++) {
            src[i] = (float) r.nextGaussian();
        }
        // Output rows 16 + gap floats apart, in a shuffled order: row j at dAt[atOff + j].
        int atOff = r.nextInt(3);
        int[] dAt = new int[atOff + 16];
        for (int j = 0; j < 16; j++) {
            dAt[atOff + j] = j * (16 + gap);
        }
        for (int j = 15; j > 0; j--) {
            int k = r.nextInt(j + 1);
            int t = dAt[atOff + j];
            dAt[atOff + j] = dAt[atOff + k];
            dAt[atOff + k] = t;
        }
        float[] dst = new float[dOff + 15 * (16 + gap) + 16 + r.nextInt(3)];
        for (int i = 0; i < dst.length; i++) {
            dst[i] = (float) r.nextGaussian();
        }
        int addOff = r.nextInt(4);
        float[] addend = new float[addOff + 16];
        for (int i = 0; i < addend.length; i++) {
            addend[i] = (float) r.nextGaussian();
        }
        float[] expected = dst.clone();
        for (int j = 0; j < 16; j++) {
            for (int row = 0; row < 16; row++) {
                float v = src[sOff + row * sStride + j];
                expected[dOff + dAt[atOff + j] + row] = add ? v + addend[addOff + j] : v;
            }
        }
        Transpose.transpose16(src, sOff, sStride, dst, dOff, dAt, atOff, add ? addend : null, addOff);
        assertArrayEquals(expected, dst, "sOff " + sOff + " sStride " + sStride + " dOff " + dOff + " gap " + gap
                + " add " + add);
    }
}
