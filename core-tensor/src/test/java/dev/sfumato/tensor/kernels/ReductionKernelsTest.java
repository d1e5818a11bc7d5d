package dev.sfumato.tensor.kernels;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.Random;

import static dev.sfumato.tensor.kernels.ElementwiseKernelsTest.SIZES;
import static dev.sfumato.tensor.kernels.ElementwiseKernelsTest.assertAgree;
import static dev.sfumato.tensor.kernels.ElementwiseKernelsTest.values;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Vectorised reductions against their reference twins: sums, squared deviations, double-precision sums and
 * dot products, max/min and argmax bit
 * for bit (the summation order is part of the specification); softmax and logsumexp within 1e-5 relative.
 */
class ReductionKernelsTest {

    @Property(tries = 20)
    void sumsMaxAndArgmaxMatchBitForBit(@ForAll long seed) {
        Random rnd = new Random(seed);
        for (int n : SIZES) {
            int off = rnd.nextInt(7);
            boolean specials = rnd.nextInt(3) == 0;
            float[] x = values(rnd, n + off, 10f, specials);
            if (n > 3 && rnd.nextBoolean()) { // ties for argmax
                x[off + n - 1] = x[off + n / 3];
            }
            float mean = (float) rnd.nextGaussian();
            assertAgree("sum n=" + n, new float[] {ReductionReference.sum(x, off, n)},
                    new float[] {ReductionKernels.sum(x, off, n)}, 0);
            assertAgree("ssd n=" + n, new float[] {ReductionReference.sumSquaredDeviations(x, off, n, mean)},
                    new float[] {ReductionKernels.sumSquaredDeviations(x, off, n, mean)}, 0);
            int yOff = rnd.nextInt(5);
            float[] y = values(rnd, n + yOff, 10f, specials);
            assertSameDouble("sumDouble n=" + n, ReductionReference.sumDouble(x, off, n),
                    ReductionKernels.sumDouble(x, off, n));
            assertSameDouble("ssdDouble n=" + n, ReductionReference.sumSquaredDeviationsDouble(x, off, n, mean),
                    ReductionKernels.sumSquaredDeviationsDouble(x, off, n, mean));
            assertSameDouble("dotDouble n=" + n, ReductionReference.dotDouble(x, off, y, yOff, n),
                    ReductionKernels.dotDouble(x, off, y, yOff, n));
            if (n == 0) {
                continue;
            }
            for (boolean max : new boolean[] {true, false}) {
                assertAgree("max n=" + n, new float[] {ReductionReference.max(x, off, n, max)},
                        new float[] {ReductionKernels.max(x, off, n, max)}, 0);
                assertEquals(ReductionReference.argmax(x, off, n, max), ReductionKernels.argmax(x, off, n, max),
                        "argmax n=" + n);
            }
        }
    }

    @Property(tries = 20)
    void softmaxAndLogsumexpAgreeWithinTolerance(@ForAll long seed) {
        Random rnd = new Random(seed);
        for (int n : SIZES) {
            if (n == 0) {
                continue;
            }
            float[] x = values(rnd, n + 1, rnd.nextBoolean() ? 3f : 300f, false);
            for (boolean log : new boolean[] {false, true}) {
                float[] ref = new float[n];
                float[] got = new float[n];
                ReductionReference.softmax(x, 1, ref, 0, n, log);
                ReductionKernels.softmax(x, 1, got, 0, n, log);
                if (log) {
                    // (x - max) - log(sum): the log of the sum carries a few ulp of a number near 1..log(n),
                    // which is an absolute error, however small the difference.
                    for (int i = 0; i < n; i++) {
                        assertEquals(ref[i], got[i], 1e-5f * (1 + Math.abs(ref[i])), "logSoftmax n=" + n + " at " + i);
                    }
                } else {
                    // The float lane sums of the kernel drift by up to n/LANES * 2^-24 relative from the
                    // reference's double sum in the worst case: the bound is relative, 1e-5 as for golden values.
                    for (int i = 0; i < n; i++) {
                        assertEquals(ref[i], got[i], 1e-5f * Math.abs(ref[i]) + 1e-37f, "softmax n=" + n + " at " + i);
                    }
                }
            }
            float lse = ReductionReference.logsumexp(x, 1, n);
            assertEquals(lse, ReductionKernels.logsumexp(x, 1, n), 1e-5f * (1 + Math.abs(lse)), "logsumexp n=" + n);
        }
    }

    /** Bit for bit, NaN included (any NaN equals any NaN, as in {@code assertAgree}). */
    private static void assertSameDouble(String what, double expected, double actual) {
        if (Double.isNaN(expected) && Double.isNaN(actual)) {
            return;
        }
        assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(actual),
                what + ": reference " + expected + ", kernel " + actual);
    }
}
