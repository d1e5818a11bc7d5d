package dev.sfumato.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link DropoutMask#vector} against its twin {@link DropoutMask#scalar}, bit for bit, on any machine (where 512-bit
 * long vectors are not native the vector form is emulated, slowly, but gives the same values): random run starts
 * and lengths around the eight lanes, offsets into x, probabilities including 0 and values near 1, and x holding
 * negative numbers, zeros, infinities and NaN (so that 0·x keeps its sign and NaN stays NaN as in the scalar loop).
 */
class DropoutMaskProperties {

    @Property(tries = 300)
    void vectorEqualsScalar(@ForAll @IntRange(min = 0, max = 40) int from, @ForAll @IntRange(min = 0, max = 70) int length,
                            @ForAll @IntRange(min = 0, max = 5) int xo, @ForAll long key, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] ps = {0, 0.1, 0.5, 0.9, 0.999999, r.nextDouble()};
        double p = ps[r.nextInt(ps.length)];
        int to = from + length;
        float[] x = new float[xo + to];
        for (int i = 0; i < x.length; i++) {
            x[i] = switch (r.nextInt(12)) {
                case 0 -> -0f;
                case 1 -> Float.NaN;
                case 2 -> Float.NEGATIVE_INFINITY;
                default -> (float) r.nextGaussian();
            };
        }
        float[] expected = new float[to];
        float[] actual = new float[to];
        DropoutMask.scalar(x, xo, expected, from, to, key, DropoutMask.least(p), DropoutMask.scale(p));
        DropoutMask.vector(x, xo, actual, from, to, key, DropoutMask.least(p), DropoutMask.scale(p));
        assertArrayEquals(expected, actual, "from " + from + " to " + to + " xo " + xo + " p " + p);
    }
}
