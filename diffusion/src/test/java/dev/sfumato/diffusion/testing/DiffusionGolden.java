package dev.sfumato.diffusion.testing;

import dev.sfumato.tensor.Tensor;
import dev.sfumato.tensor.testing.Golden;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The golden values of {@code src/test/python/gen_golden_diffusion.py} and the comparisons the diffusion
 * tests make against them.
 */
public final class DiffusionGolden {

    private static final Golden GOLDEN = Golden.load("/golden/diffusion.txt");

    private DiffusionGolden() {
    }

    /** A float32 tensor. */
    public static Tensor tensor(String name) {
        return GOLDEN.get(name);
    }

    /** A double table, written as {@code name} (float32) plus {@code name.lo} (the residual). */
    public static double[] doubles(String name) {
        float[] hi = GOLDEN.get(name).toArray();
        float[] lo = GOLDEN.get(name + ".lo").toArray();
        double[] out = new double[hi.length];
        for (int i = 0; i < hi.length; i++) {
            out[i] = (double) hi[i] + (double) lo[i];
        }
        return out;
    }

    /** The integers of a float32 tensor. */
    public static int[] ints(String name) {
        float[] values = GOLDEN.get(name).toArray();
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (int) values[i];
        }
        return out;
    }

    /** {@code |actual − expected| <= rtol · |expected| + atol} everywhere, naming the first index that fails. */
    public static void assertClose(String what, double[] expected, double[] actual, double rtol, double atol) {
        if (expected.length != actual.length) {
            fail(what + ": length " + actual.length + ", expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (!(Math.abs(a - e) <= rtol * Math.abs(e) + atol)) {
                fail(what + "[" + i + "] = " + a + ", expected " + e + " (difference " + (a - e) + ")");
            }
        }
    }

    /** Tensors compared elementwise after checking their shapes. */
    public static void assertClose(String what, Tensor expected, Tensor actual, double rtol, double atol) {
        assertArrayEquals(expected.shape(), actual.shape(), () -> what + ": shape " + Arrays.toString(actual.shape())
                + ", expected " + Arrays.toString(expected.shape()));
        assertClose(what, toDouble(expected.toArray()), toDouble(actual.toArray()), rtol, atol);
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
