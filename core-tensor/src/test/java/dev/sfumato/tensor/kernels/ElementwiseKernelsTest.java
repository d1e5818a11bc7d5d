package dev.sfumato.tensor.kernels;

import dev.sfumato.tensor.BinaryOp;
import dev.sfumato.tensor.UnaryOp;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Each vectorised elementwise kernel against its reference twin, over sizes around the lane count, odd
 * primes and larger spans, at non-zero offsets, with random and special values. Exact ops must agree bit
 * for bit; transcendental ones within the ulp bounds of {@link #ULPS}.
 */
public class ElementwiseKernelsTest {

    static final int L = Kernels.LANES;
    static final int[] SIZES = {0, 1, L - 1, L, L + 1, 2 * L + 3, 13, 31, 97, 4 * L - 1, 4 * L + 1, 1000, 4099};
    static final float[] SPECIAL = {0f, -0f, 1f, -1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        1e-30f, -1e-30f, 88f, -88f, 100f, -100f, 1e6f, -1e6f, 0.5f, 2f, Float.MIN_VALUE, Float.MAX_VALUE};

    /**
     * Agreement of the Vector API transcendentals (and the float formulas built on them) with the
     * reference's double evaluation, in units in the last place of the reference value. Measured maxima
     * over these tests are a little below these bounds. Results below 1e-30 in magnitude (denormal
     * tails of sigmoid, SiLU, GELU) are compared with an absolute 1e-37 instead.
     */
    static final Map<UnaryOp, Integer> ULPS = new EnumMap<>(Map.of(
            UnaryOp.EXP, 2, UnaryOp.LOG, 2, UnaryOp.TANH, 2, UnaryOp.SIN, 2, UnaryOp.COS, 2,
            UnaryOp.SIGMOID, 3, UnaryOp.SILU, 4, UnaryOp.GELU, 8));

    /** The tolerance of {@code op} in ulp: 0 for exact ops. */
    public static int ulps(UnaryOp op) {
        return ULPS.getOrDefault(op, 0);
    }

    static float[] values(Random rnd, int n, float scale, boolean specials) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * scale);
            if (specials && rnd.nextInt(8) == 0) {
                v[i] = SPECIAL[rnd.nextInt(SPECIAL.length)];
            }
        }
        return v;
    }

    /** Bit-equal (any NaN matches any NaN), or within {@code ulps} of the reference value. */
    public static void assertAgree(String what, float[] ref, float[] got, int ulps) {
        for (int i = 0; i < ref.length; i++) {
            float r = ref[i];
            float g = got[i];
            if (Float.floatToIntBits(r) == Float.floatToIntBits(g) || (Float.isNaN(r) && Float.isNaN(g))) {
                continue;
            }
            boolean near = ulps > 0 && !Float.isNaN(g) && !Float.isInfinite(r)
                    && (Math.abs(r - g) <= ulps * Math.ulp(r) || (Math.abs(r) < 1e-30f && Math.abs(r - g) <= 1e-37f));
            if (!near) {
                fail(what + " at " + i + ": reference " + r + " but vectorised " + g);
            }
        }
    }

    @Property(tries = 10)
    void unaryKernelsMatchTheReference(@ForAll long seed) {
        Random rnd = new Random(seed);
        for (int n : SIZES) {
            for (UnaryOp op : UnaryOp.values()) {
                int off = rnd.nextInt(5);
                float[] x = values(rnd, n + off, op == UnaryOp.EXP ? 20f : 4f, true);
                float[] ref = new float[n + 3];
                float[] got = new float[n + 3];
                ElementwiseReference.unary(op, x, off, ref, 3, n);
                ElementwiseKernels.unary(op, x, off, got, 3, n);
                assertAgree(op + " n=" + n, ref, got, ULPS.getOrDefault(op, 0));
            }
        }
    }

    @Property(tries = 10)
    void binaryKernelsMatchTheReferenceBitForBit(@ForAll long seed) {
        Random rnd = new Random(seed);
        for (int n : SIZES) {
            for (BinaryOp op : BinaryOp.values()) {
                float[] a = values(rnd, n + 2, 3f, true);
                float[] b = values(rnd, n + 1, 3f, true);
                if (rnd.nextBoolean()) { // make ties for the comparisons
                    System.arraycopy(a, 2, b, 1, n / 2);
                }
                float s = rnd.nextBoolean() ? (float) rnd.nextGaussian() : SPECIAL[rnd.nextInt(SPECIAL.length)];
                float[] ref = new float[n];
                float[] got = new float[n];
                ElementwiseReference.binary(op, a, 2, b, 1, ref, 0, n);
                ElementwiseKernels.binary(op, a, 2, b, 1, got, 0, n);
                assertAgree(op + " n=" + n, ref, got, 0);
                ElementwiseReference.binaryScalar(op, a, 2, s, ref, 0, n);
                ElementwiseKernels.binaryScalar(op, a, 2, s, got, 0, n);
                assertAgree(op + " scalar " + s + " n=" + n, ref, got, 0);
                ElementwiseReference.scalarBinary(op, s, b, 1, ref, 0, n);
                ElementwiseKernels.scalarBinary(op, s, b, 1, got, 0, n);
                assertAgree(s + " " + op + " n=" + n, ref, got, 0);
            }
        }
    }

    @Property(tries = 10)
    void clampWhereAndFusedUpdatesMatchBitForBit(@ForAll long seed) {
        Random rnd = new Random(seed);
        for (int n : SIZES) {
            float[] c = values(rnd, n, 1f, true);
            for (int i = 0; i < n; i += 3) {
                c[i] = 0f;
            }
            float[] a = values(rnd, n, 2f, true);
            float[] b = values(rnd, n, 2f, true);
            float[] y = values(rnd, n, 2f, false);
            float[] ref = new float[n];
            float[] got = new float[n];
            ElementwiseReference.clamp(a, 0, -0.5f, 0.75f, ref, 0, n);
            ElementwiseKernels.clamp(a, 0, -0.5f, 0.75f, got, 0, n);
            assertAgree("clamp", ref, got, 0);
            ElementwiseReference.where(c, 0, a, 0, b, 0, ref, 0, n);
            ElementwiseKernels.where(c, 0, a, 0, b, 0, got, 0, n);
            assertAgree("where", ref, got, 0);
            float[] yr = y.clone();
            float[] yg = y.clone();
            ElementwiseReference.addScaled(yr, 0, a, 0, 0.37f, n);
            ElementwiseKernels.addScaled(yg, 0, a, 0, 0.37f, n);
            assertAgree("addScaled", yr, yg, 0);
            ElementwiseReference.addcmul(yr, 0, a, 0, b, 0, -1.3f, n);
            ElementwiseKernels.addcmul(yg, 0, a, 0, b, 0, -1.3f, n);
            assertAgree("addcmul", yr, yg, 0);
            ElementwiseReference.addcdiv(yr, 0, a, 0, b, 0, 0.01f, n);
            ElementwiseKernels.addcdiv(yg, 0, a, 0, b, 0, 0.01f, n);
            assertAgree("addcdiv", yr, yg, 0);
            ElementwiseReference.fill(4f, ref, 0, n);
            ElementwiseKernels.fill(4f, got, 0, n);
            assertAgree("fill", ref, got, 0);
        }
    }

    /**
     * The fused SiLU backward against its double-precision twin. Its float evaluation rounds σ(x) (a few
     * ulp, {@link #ULPS}) and then five exact operations. The error of σ passes into 1 − σ as an absolute
     * error of a few u·σ, which x multiplies, so each result is within a small multiple of u·|g|·σ·(1 + |x|)
     * of the twin: a bound on the sizes of the terms, not on the result, since the derivative crosses zero
     * near x = −1.28, where any relative bound fails. Below x ≈ −87 the float
     * σ(x) underflows to 0 (as {@code sigmoid} does, by design) while the double one is a subnormal or
     * smaller; an absolute error of at most 2^-126 in σ adds |g|·(1 + |x|)·2^-126.
     */
    @Property(tries = 10)
    void siluBackwardMatchesTheReference(@ForAll long seed) {
        Random rnd = new Random(seed);
        for (int n : SIZES) {
            int off = rnd.nextInt(5);
            float[] g = values(rnd, n + off, 3f, true);
            float[] x = values(rnd, n + 1, 6f, true);
            float[] ref = new float[n + 2];
            float[] got = new float[n + 2];
            ElementwiseReference.siluBackward(g, off, x, 1, ref, 2, n);
            ElementwiseKernels.siluBackward(g, off, x, 1, got, 2, n);
            for (int i = 0; i < n; i++) {
                float gi = g[off + i];
                float xi = x[1 + i];
                double sig = ElementwiseReference.sigmoid(xi);
                double exact = gi * (sig * (1 + (double) xi * (1 - sig)));   // the twin before its rounding
                assertEquals((float) exact, ref[2 + i], "the twin rounds the double value once");
                float v = got[2 + i];
                String what = "siluBackward(g=" + gi + ", x=" + xi + "): exact " + exact + " but vectorised " + v
                        + " (n=" + n + ", i=" + i + ")";
                if (Double.isNaN(exact)) {
                    assertTrue(Float.isNaN(v), what);
                } else if (Double.isInfinite(exact)) {
                    // An infinite g times an underflowed float σ is ∞·0 = NaN, as in PyTorch's float
                    // silu_backward, where the double value keeps the tiny σ and is ±∞.
                    assertTrue(v == exact || (Float.isNaN(v) && xi < -87f), what);
                } else if (Float.isInfinite(v)) {
                    // Overflow: only for exact values at the edge of the float range.
                    assertTrue(Math.signum(v) == Math.signum(exact) && Math.abs(exact) >= Float.MAX_VALUE * (1 - 1e-5), what);
                } else {
                    double scale = Math.abs(gi) * sig * (1 + Math.abs(xi));
                    double underflow = Math.abs(gi) * (1 + Math.abs(xi)) * 0x1p-126;
                    assertTrue(Math.abs(exact - v) <= 16 * 0x1p-24 * scale + underflow + Float.MIN_VALUE, what);
                }
            }
            for (int i = 0; i < 2; i++) {
                assertEquals(0f, got[i], "siluBackward wrote before its span");
            }
        }
    }

    /**
     * SiLU and its fused backward take the last n mod 8 elements one at a time: each must have the bits it has
     * in a vector lane. The same values are run once as a whole number of vectors and once cut at every length
     * below that, so that each element is a tail element in some run and a lane in another.
     */
    @Property(tries = 10)
    void siluTailsHaveTheBitsOfTheirLanes(@ForAll long seed) {
        Random rnd = new Random(seed);
        int whole = 32;
        float[] g = values(rnd, whole, 3f, true);
        float[] x = values(rnd, whole, 6f, true);
        float[] lanes = new float[whole];
        float[] lanesBackward = new float[whole];
        ElementwiseKernels.unary(UnaryOp.SILU, x, 0, lanes, 0, whole);
        ElementwiseKernels.siluBackward(g, 0, x, 0, lanesBackward, 0, whole);
        for (int n = 1; n < whole; n++) {
            float[] got = new float[whole];
            float[] gotBackward = new float[whole];
            ElementwiseKernels.unary(UnaryOp.SILU, x, 0, got, 0, n);
            ElementwiseKernels.siluBackward(g, 0, x, 0, gotBackward, 0, n);
            for (int i = 0; i < n; i++) {
                // Bit for bit, but every NaN as one: Java leaves a NaN result's sign and payload unspecified, and
                // on x86 they follow the operand order the JIT picks (which NaN operand propagates, or the
                // negative default NaN of ∞·0), so raw NaN bits differed between runs (siluBackward(NaN, NaN):
                // 0x7fc00000 in a lane, 0xffc00000 in the tail, in one CI run of many).
                assertEquals(Float.floatToIntBits(lanes[i]), Float.floatToIntBits(got[i]),
                        "silu(" + x[i] + ") at " + i + " of " + n);
                assertEquals(Float.floatToIntBits(lanesBackward[i]), Float.floatToIntBits(gotBackward[i]),
                        "siluBackward(" + g[i] + ", " + x[i] + ") at " + i + " of " + n);
            }
        }
    }

    /**
     * Group norm's double-precision maps against their twins, bit for bit (the same double operations in the
     * same order, one rounding): offsets, every tail length, specials, and nothing written outside the span.
     */
    @Property(tries = 10)
    void groupNormMapsMatchTheirTwinsBitForBit(@ForAll long seed) {
        Random rnd = new Random(seed);
        for (int n : SIZES) {
            int off = rnd.nextInt(5);
            float[] x = values(rnd, n + off, 50f, rnd.nextInt(3) == 0);
            float[] dy = values(rnd, n + 3, 2f, rnd.nextInt(3) == 0);
            double mu = rnd.nextGaussian() * 10;
            double r = Math.exp(rnd.nextGaussian() * 3);
            double gm = rnd.nextGaussian();
            double a = rnd.nextGaussian();
            double b = rnd.nextGaussian();
            float[] ref = new float[n + 4];
            float[] got = new float[n + 4];
            ElementwiseReference.shiftScaleInDouble(x, off, ref, 2, n, mu, r * gm, b);
            ElementwiseKernels.shiftScaleInDouble(x, off, got, 2, n, mu, r * gm, b);
            assertAgree("shiftScaleInDouble n=" + n, ref, got, 0);
            ElementwiseReference.groupNormInputGradient(dy, 3, x, off, ref, 1, n, mu, r, gm, a, b);
            ElementwiseKernels.groupNormInputGradient(dy, 3, x, off, got, 1, n, mu, r, gm, a, b);
            assertAgree("groupNormInputGradient n=" + n, ref, got, 0);
            assertEquals(0f, got[0], "wrote before its span");
            assertEquals(0f, got[n + 3], "wrote after its span");
        }
    }

    @Test
    void geluIsAccurateAcrossItsRange() {
        // Against the exact GELU from Python's math.erfc at a few points (values printed by CPython 3).
        float[] x = {-6f, -4.205915451049805f, -2f, -0.5f, 0f, 0.5f, 2f, 4f};
        double[] exact = {-5.919525870226207e-09, -5.468267106513502e-05, -0.04550026389635844, -0.15426876936299344,
            0.0, 0.34573123063700656, 1.9544997361036416, 3.9998733150326675};
        float[] ref = new float[x.length];
        ElementwiseReference.unary(UnaryOp.GELU, x, 0, ref, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(exact[i], ref[i], 2e-7 * Math.abs(exact[i]), "gelu(" + x[i] + ")");
        }
    }
}
