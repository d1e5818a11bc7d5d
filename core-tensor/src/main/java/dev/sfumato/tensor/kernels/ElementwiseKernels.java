package dev.sfumato.tensor.kernels;

import static dev.sfumato.tensor.kernels.Kernels.D4;
import static dev.sfumato.tensor.kernels.Kernels.F4;
import static jdk.incubator.vector.VectorOperators.D2F;
import static jdk.incubator.vector.VectorOperators.F2D;

import dev.sfumato.tensor.BinaryOp;
import dev.sfumato.tensor.UnaryOp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised elementwise kernels on contiguous spans, with the signatures and results of
 * {@link ElementwiseReference}.
 *
 * <p>Trick: one straight SIMD loop per op, selected by a switch outside the loop, so each loop body is
 * a handful of vector instructions with constant operators that C2 intrinsifies (a lanewise call with a
 * non-constant operator falls back to a scalar, allocating path). These ops do a few flops per 8-12 bytes
 * moved, so a plain streaming loop reaches memory bandwidth; nothing fancier pays (JMH, 16M floats, one
 * thread: add 0.86x and mul 0.91x of {@code System.arraycopy}'s GB/s; a comparison with a non-constant
 * operator was 25x slower than its own loop; see {@code benchmarks/results/elementwise.md}). Each loop returns how
 * many elements it did; the tail (fewer than {@link Kernels#LANES}) goes to the reference.
 *
 * <p>Exact ops (arithmetic, comparisons, min/max, clamp, where, sqrt, rsqrt, the FMA composites) equal the
 * reference bit for bit. exp, log and tanh come from {@link VectorMath} (Cephes polynomials built from
 * exactly specified operations, so C2 and the interpreter agree bit for bit), within 2 ulp of {@code Math};
 * sigmoid, SiLU and GELU are evaluated in float from them, within a few ulp of the reference's double
 * evaluation (the tests state the tolerances). These six finish with one masked vector instead of the
 * reference, so an element's value never depends on where it sits in the span. sin, cos and POW stay
 * scalar: the Vector API's SIN/COS are not consistent across JIT modes, and no vector pow has
 * {@link Math#pow}'s special cases.
 */
public final class ElementwiseKernels {

    private static final VectorSpecies<Float> F = Kernels.F;
    private static final int L = Kernels.LANES;

    private ElementwiseKernels() {}

    // ---------------------------------------------------------------------------------------------
    // Unary
    // ---------------------------------------------------------------------------------------------

    /** {@code out[i] = f(x[i])}. */
    public static void unary(UnaryOp op, float[] x, int xOff, float[] out, int outOff, int n) {
        if (Kernels.REFERENCE_ONLY) {
            ElementwiseReference.unary(op, x, xOff, out, outOff, n);
            return;
        }
        int done = switch (op) {
            case NEG -> neg(x, xOff, out, outOff, n);
            case ABS -> abs(x, xOff, out, outOff, n);
            case EXP -> exp(x, xOff, out, outOff, n);
            case LOG -> log(x, xOff, out, outOff, n);
            case SQRT -> sqrt(x, xOff, out, outOff, n);
            case RSQRT -> rsqrt(x, xOff, out, outOff, n);
            case SQUARE -> square(x, xOff, out, outOff, n);
            case TANH -> tanh(x, xOff, out, outOff, n);
            case SIGMOID -> sigmoid(x, xOff, out, outOff, n);
            case RELU -> relu(x, xOff, out, outOff, n);
            case SILU -> silu(x, xOff, out, outOff, n);
            case GELU -> gelu(x, xOff, out, outOff, n);
            case SIN -> sin(x, xOff, out, outOff, n);
            case COS -> cos(x, xOff, out, outOff, n);
            case SIGN -> sign(x, xOff, out, outOff, n);
        };
        ElementwiseReference.unary(op, x, xOff + done, out, outOff + done, n - done);
    }

    private static int neg(float[] x, int xOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOff + i).neg().intoArray(out, outOff + i);
        }
        return i;
    }

    private static int abs(float[] x, int xOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOff + i).abs().intoArray(out, outOff + i);
        }
        return i;
    }

    private static int exp(float[] x, int xOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMath.exp(FloatVector.fromArray(F, x, xOff + i)).intoArray(out, outOff + i);
        }
        if (i < n) { // the tail as one masked vector: every element takes the same path, views included
            VectorMask<Float> rest = F.indexInRange(i, n);
            VectorMath.exp(FloatVector.fromArray(F, x, xOff + i, rest)).intoArray(out, outOff + i, rest);
            i = n;
        }
        return i;
    }

    private static int log(float[] x, int xOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMath.log(FloatVector.fromArray(F, x, xOff + i)).intoArray(out, outOff + i);
        }
        if (i < n) { // the tail as one masked vector: every element takes the same path, views included
            VectorMask<Float> rest = F.indexInRange(i, n);
            VectorMath.log(FloatVector.fromArray(F, x, xOff + i, rest)).intoArray(out, outOff + i, rest);
            i = n;
        }
        return i;
    }

    private static int sqrt(float[] x, int xOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOff + i).sqrt().intoArray(out, outOff + i);
        }
        return i;
    }

    private static int rsqrt(float[] x, int xOff, float[] out, int outOff, int n) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            one.div(FloatVector.fromArray(F, x, xOff + i).sqrt()).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int square(float[] x, int xOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            v.mul(v).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int tanh(float[] x, int xOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMath.tanh(FloatVector.fromArray(F, x, xOff + i)).intoArray(out, outOff + i);
        }
        if (i < n) { // the tail as one masked vector: every element takes the same path, views included
            VectorMask<Float> rest = F.indexInRange(i, n);
            VectorMath.tanh(FloatVector.fromArray(F, x, xOff + i, rest)).intoArray(out, outOff + i, rest);
            i = n;
        }
        return i;
    }

    /** {@code 1 / (1 + e^-x)}: exp overflows to +inf for x < -88 and the quotient is then 0, never NaN. */
    private static int sigmoid(float[] x, int xOff, float[] out, int outOff, int n) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, xOff + i).neg());
            one.div(one.add(e)).intoArray(out, outOff + i);
        }
        if (i < n) { // the tail as one masked vector: every element takes the same path, views included
            VectorMask<Float> rest = F.indexInRange(i, n);
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, xOff + i, rest).neg());
            one.div(one.add(e)).intoArray(out, outOff + i, rest);
            i = n;
        }
        return i;
    }

    private static int relu(float[] x, int xOff, float[] out, int outOff, int n) {
        FloatVector zero = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            v.blend(zero, v.compare(VectorOperators.LT, 0f)).intoArray(out, outOff + i);
        }
        return i;
    }

    /** {@code x / (1 + e^-x)}, one exp and one division per element. */
    private static int silu(float[] x, int xOff, float[] out, int outOff, int n) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            v.div(one.add(VectorMath.exp(v.neg()))).intoArray(out, outOff + i);
        }
        for (; i < n; i++) { // the tail: the same float operations one lane at a time (see siluBackward)
            float v = x[xOff + i];
            out[outOff + i] = v / (1f + VectorMath.exp(-v));
        }
        return i;
    }

    /**
     * {@code 0.5 x erfc(-x / sqrt 2)} with the erfc fit of {@link ElementwiseReference#erfc}, evaluated in
     * float: one exp, one division, a degree-9 Horner polynomial and a few flops of exponent correction
     * per element.
     */
    private static int gelu(float[] x, int xOff, float[] out, int outOff, int n) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        FloatVector two = FloatVector.broadcast(F, 2f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            FloatVector z = v.abs().mul(0.70710677f);                 // |x| / sqrt 2
            FloatVector t = one.div(z.mul(0.5f).add(1f));
            FloatVector p = t.fma(FloatVector.broadcast(F, 0.17087277f), FloatVector.broadcast(F, -0.82215223f));
            p = p.fma(t, FloatVector.broadcast(F, 1.48851587f));
            p = p.fma(t, FloatVector.broadcast(F, -1.13520398f));
            p = p.fma(t, FloatVector.broadcast(F, 0.27886807f));
            p = p.fma(t, FloatVector.broadcast(F, -0.18628806f));
            p = p.fma(t, FloatVector.broadcast(F, 0.09678418f));
            p = p.fma(t, FloatVector.broadcast(F, 0.37409196f));
            p = p.fma(t, FloatVector.broadcast(F, 1.00002368f));
            p = p.fma(t, FloatVector.broadcast(F, -1.26551223f));
            // exp(p - z^2) with the exponent carried to ~2x float precision: z^2 = z2 + z2lo exactly (FMA),
            // p - z2 = e + c exactly (TwoSum), and exp(e + c - z2lo) ~ exp(e) * (1 + c - z2lo). Rounding
            // p - z^2 to float alone would cost z^2 ulp of relative accuracy (240 ulp at x = -11).
            // z^2 = x^2 / 2 comes from x, not from the rounded z, whose own rounding would cost z^2 ulp too.
            FloatVector x2 = v.mul(v);
            FloatVector z2 = x2.mul(0.5f);
            FloatVector z2lo = v.fma(v, x2.neg()).mul(0.5f);
            FloatVector e = p.sub(z2);
            FloatVector bb = e.sub(p);
            FloatVector c = p.sub(e.sub(bb)).add(z2.neg().sub(bb));
            FloatVector te = t.mul(VectorMath.exp(e));
            FloatVector corr = c.sub(z2lo);
            // corr is NaN only when x^2 overflowed, where te is 0 or NaN anyway.
            corr = corr.blend(zero, corr.compare(VectorOperators.NE, corr));
            FloatVector tail = te.fma(corr, te);                         // erfc(|x| / sqrt 2)
            // erfc(-x/sqrt 2) is tail for x <= 0 and 2 - tail for x > 0.
            FloatVector erfc = tail.blend(two.sub(tail), v.compare(VectorOperators.GT, 0f));
            v.mul(0.5f).mul(erfc).intoArray(out, outOff + i);
        }
        if (i < n) { // the tail as one masked vector: every element takes the same path, views included
            VectorMask<Float> rest = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, xOff + i, rest);
            FloatVector z = v.abs().mul(0.70710677f);                 // |x| / sqrt 2
            FloatVector t = one.div(z.mul(0.5f).add(1f));
            FloatVector p = t.fma(FloatVector.broadcast(F, 0.17087277f), FloatVector.broadcast(F, -0.82215223f));
            p = p.fma(t, FloatVector.broadcast(F, 1.48851587f));
            p = p.fma(t, FloatVector.broadcast(F, -1.13520398f));
            p = p.fma(t, FloatVector.broadcast(F, 0.27886807f));
            p = p.fma(t, FloatVector.broadcast(F, -0.18628806f));
            p = p.fma(t, FloatVector.broadcast(F, 0.09678418f));
            p = p.fma(t, FloatVector.broadcast(F, 0.37409196f));
            p = p.fma(t, FloatVector.broadcast(F, 1.00002368f));
            p = p.fma(t, FloatVector.broadcast(F, -1.26551223f));
            // exp(p - z^2) with the exponent carried to ~2x float precision: z^2 = z2 + z2lo exactly (FMA),
            // p - z2 = e + c exactly (TwoSum), and exp(e + c - z2lo) ~ exp(e) * (1 + c - z2lo). Rounding
            // p - z^2 to float alone would cost z^2 ulp of relative accuracy (240 ulp at x = -11).
            // z^2 = x^2 / 2 comes from x, not from the rounded z, whose own rounding would cost z^2 ulp too.
            FloatVector x2 = v.mul(v);
            FloatVector z2 = x2.mul(0.5f);
            FloatVector z2lo = v.fma(v, x2.neg()).mul(0.5f);
            FloatVector e = p.sub(z2);
            FloatVector bb = e.sub(p);
            FloatVector c = p.sub(e.sub(bb)).add(z2.neg().sub(bb));
            FloatVector te = t.mul(VectorMath.exp(e));
            FloatVector corr = c.sub(z2lo);
            // corr is NaN only when x^2 overflowed, where te is 0 or NaN anyway.
            corr = corr.blend(zero, corr.compare(VectorOperators.NE, corr));
            FloatVector tail = te.fma(corr, te);                         // erfc(|x| / sqrt 2)
            // erfc(-x/sqrt 2) is tail for x <= 0 and 2 - tail for x > 0.
            FloatVector erfc = tail.blend(two.sub(tail), v.compare(VectorOperators.GT, 0f));
            v.mul(0.5f).mul(erfc).intoArray(out, outOff + i, rest);
            i = n;
        }
        return i;
    }

    /**
     * sin and cos have no vector path: {@code VectorOperators.SIN/COS} give different bits in C2 than in
     * the interpreter (see {@link VectorMath}), and nothing hot needs them. Returning 0 leaves every element
     * to the scalar loop, which uses {@link Math}, consistent in every execution mode.
     */
    private static int sin(float[] x, int xOff, float[] out, int outOff, int n) {
        return 0;
    }

    private static int cos(float[] x, int xOff, float[] out, int outOff, int n) {
        return 0;
    }

    private static int sign(float[] x, int xOff, float[] out, int outOff, int n) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            FloatVector pos = zero.blend(one, v.compare(VectorOperators.GT, 0f));
            FloatVector neg = zero.blend(one, v.compare(VectorOperators.LT, 0f));
            pos.sub(neg).intoArray(out, outOff + i);
        }
        return i;
    }

    // ---------------------------------------------------------------------------------------------
    // Binary
    // ---------------------------------------------------------------------------------------------

    /** {@code out[i] = a[i] op b[i]}. */
    public static void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        if (Kernels.REFERENCE_ONLY) {
            ElementwiseReference.binary(op, a, aOff, b, bOff, out, outOff, n);
            return;
        }
        int done = switch (op) {
            case ADD -> add(a, aOff, b, bOff, out, outOff, n);
            case SUB -> sub(a, aOff, b, bOff, out, outOff, n);
            case MUL -> mul(a, aOff, b, bOff, out, outOff, n);
            case DIV -> div(a, aOff, b, bOff, out, outOff, n);
            case MAXIMUM -> maximum(a, aOff, b, bOff, out, outOff, n);
            case MINIMUM -> minimum(a, aOff, b, bOff, out, outOff, n);
            case EQ -> eq(a, aOff, b, bOff, out, outOff, n);
            case NE -> ne(a, aOff, b, bOff, out, outOff, n);
            case LT -> lt(a, aOff, b, bOff, out, outOff, n);
            case LE -> le(a, aOff, b, bOff, out, outOff, n);
            case GT -> gt(a, aOff, b, bOff, out, outOff, n);
            case GE -> ge(a, aOff, b, bOff, out, outOff, n);
            case POW -> 0; // scalar: Math.pow semantics
        };
        ElementwiseReference.binary(op, a, aOff + done, b, bOff + done, out, outOff + done, n - done);
    }

    private static int add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, a, aOff + i).add(FloatVector.fromArray(F, b, bOff + i)).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int sub(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, a, aOff + i).sub(FloatVector.fromArray(F, b, bOff + i)).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int mul(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, a, aOff + i).mul(FloatVector.fromArray(F, b, bOff + i)).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int div(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, a, aOff + i).div(FloatVector.fromArray(F, b, bOff + i)).intoArray(out, outOff + i);
        }
        return i;
    }

    /** Lanewise MAX has {@link Math#max} semantics: NaN propagates, +0 beats -0. */
    private static int maximum(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, a, aOff + i).max(FloatVector.fromArray(F, b, bOff + i)).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int minimum(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, a, aOff + i).min(FloatVector.fromArray(F, b, bOff + i)).intoArray(out, outOff + i);
        }
        return i;
    }

    /** {@code out[i] = a[i] op s}. */
    public static void binaryScalar(BinaryOp op, float[] a, int aOff, float s, float[] out, int outOff, int n) {
        if (Kernels.REFERENCE_ONLY) {
            ElementwiseReference.binaryScalar(op, a, aOff, s, out, outOff, n);
            return;
        }
        int done = switch (op) {
            case ADD -> addScalar(a, aOff, s, out, outOff, n);
            case SUB -> subScalar(a, aOff, s, out, outOff, n);
            case MUL -> mulScalar(a, aOff, s, out, outOff, n);
            case DIV -> divScalar(a, aOff, s, out, outOff, n);
            case MAXIMUM -> clampLoop(a, aOff, s, Float.POSITIVE_INFINITY, out, outOff, n);
            case MINIMUM -> clampLoop(a, aOff, Float.NEGATIVE_INFINITY, s, out, outOff, n);
            case EQ -> eqScalar(a, aOff, s, out, outOff, n);
            case NE -> neScalar(a, aOff, s, out, outOff, n);
            case LT -> ltScalar(a, aOff, s, out, outOff, n);
            case LE -> leScalar(a, aOff, s, out, outOff, n);
            case GT -> gtScalar(a, aOff, s, out, outOff, n);
            case GE -> geScalar(a, aOff, s, out, outOff, n);
            case POW -> s == 2f ? square(a, aOff, out, outOff, n) : 0; // the reference's pow(x, 2) is x * x
        };
        ElementwiseReference.binaryScalar(op, a, aOff + done, s, out, outOff + done, n - done);
    }

    private static int addScalar(float[] a, int aOff, float s, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, a, aOff + i).add(s).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int subScalar(float[] a, int aOff, float s, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, a, aOff + i).sub(s).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int mulScalar(float[] a, int aOff, float s, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, a, aOff + i).mul(s).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int divScalar(float[] a, int aOff, float s, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, a, aOff + i).div(s).intoArray(out, outOff + i);
        }
        return i;
    }

    // Comparisons as 1/0: one loop per comparison, since a Comparison passed as a parameter is not a
    // constant to C2 and the compare then falls back to a scalar, allocating path (25x slower, measured).

    private static int eq(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector va = FloatVector.fromArray(F, a, aOff + i);
            VectorMask<Float> m = va.compare(VectorOperators.EQ, FloatVector.fromArray(F, b, bOff + i));
            zero.blend(one, m).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int ne(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector va = FloatVector.fromArray(F, a, aOff + i);
            VectorMask<Float> m = va.compare(VectorOperators.NE, FloatVector.fromArray(F, b, bOff + i));
            zero.blend(one, m).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int lt(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector va = FloatVector.fromArray(F, a, aOff + i);
            VectorMask<Float> m = va.compare(VectorOperators.LT, FloatVector.fromArray(F, b, bOff + i));
            zero.blend(one, m).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int le(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector va = FloatVector.fromArray(F, a, aOff + i);
            VectorMask<Float> m = va.compare(VectorOperators.LE, FloatVector.fromArray(F, b, bOff + i));
            zero.blend(one, m).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int gt(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector va = FloatVector.fromArray(F, a, aOff + i);
            VectorMask<Float> m = va.compare(VectorOperators.GT, FloatVector.fromArray(F, b, bOff + i));
            zero.blend(one, m).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int ge(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector va = FloatVector.fromArray(F, a, aOff + i);
            VectorMask<Float> m = va.compare(VectorOperators.GE, FloatVector.fromArray(F, b, bOff + i));
            zero.blend(one, m).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int eqScalar(float[] a, int aOff, float s, float[] out, int outOff, int n) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMask<Float> m = FloatVector.fromArray(F, a, aOff + i).compare(VectorOperators.EQ, s);
            zero.blend(one, m).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int neScalar(float[] a, int aOff, float s, float[] out, int outOff, int n) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMask<Float> m = FloatVector.fromArray(F, a, aOff + i).compare(VectorOperators.NE, s);
            zero.blend(one, m).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int ltScalar(float[] a, int aOff, float s, float[] out, int outOff, int n) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMask<Float> m = FloatVector.fromArray(F, a, aOff + i).compare(VectorOperators.LT, s);
            zero.blend(one, m).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int leScalar(float[] a, int aOff, float s, float[] out, int outOff, int n) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMask<Float> m = FloatVector.fromArray(F, a, aOff + i).compare(VectorOperators.LE, s);
            zero.blend(one, m).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int gtScalar(float[] a, int aOff, float s, float[] out, int outOff, int n) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMask<Float> m = FloatVector.fromArray(F, a, aOff + i).compare(VectorOperators.GT, s);
            zero.blend(one, m).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int geScalar(float[] a, int aOff, float s, float[] out, int outOff, int n) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMask<Float> m = FloatVector.fromArray(F, a, aOff + i).compare(VectorOperators.GE, s);
            zero.blend(one, m).intoArray(out, outOff + i);
        }
        return i;
    }

    /** {@code out[i] = s op b[i]}: the asymmetric ops have their own loops, the rest swap operands. */
    public static void scalarBinary(BinaryOp op, float s, float[] b, int bOff, float[] out, int outOff, int n) {
        if (Kernels.REFERENCE_ONLY) {
            ElementwiseReference.scalarBinary(op, s, b, bOff, out, outOff, n);
            return;
        }
        switch (op) {
            case ADD, MUL, EQ, NE -> binaryScalar(op, b, bOff, s, out, outOff, n);
            case LT -> binaryScalar(BinaryOp.GT, b, bOff, s, out, outOff, n);
            case LE -> binaryScalar(BinaryOp.GE, b, bOff, s, out, outOff, n);
            case GT -> binaryScalar(BinaryOp.LT, b, bOff, s, out, outOff, n);
            case GE -> binaryScalar(BinaryOp.LE, b, bOff, s, out, outOff, n);
            default -> {
                int done = switch (op) {
                    case SUB -> rsub(s, b, bOff, out, outOff, n);
                    case DIV -> rdiv(s, b, bOff, out, outOff, n);
                    default -> 0; // MAXIMUM/MINIMUM keep the NaN of the first operand: scalar; POW: scalar
                };
                ElementwiseReference.scalarBinary(op, s, b, bOff + done, out, outOff + done, n - done);
            }
        }
    }

    private static int rsub(float s, float[] b, int bOff, float[] out, int outOff, int n) {
        FloatVector sv = FloatVector.broadcast(F, s);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            sv.sub(FloatVector.fromArray(F, b, bOff + i)).intoArray(out, outOff + i);
        }
        return i;
    }

    private static int rdiv(float s, float[] b, int bOff, float[] out, int outOff, int n) {
        FloatVector sv = FloatVector.broadcast(F, s);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            sv.div(FloatVector.fromArray(F, b, bOff + i)).intoArray(out, outOff + i);
        }
        return i;
    }

    // ---------------------------------------------------------------------------------------------
    // Clamp, where, fill, fused updates
    // ---------------------------------------------------------------------------------------------

    /** {@code out[i] = min(max(x[i], min), max)}. */
    public static void clamp(float[] x, int xOff, float min, float max, float[] out, int outOff, int n) {
        if (Kernels.REFERENCE_ONLY) {
            ElementwiseReference.clamp(x, xOff, min, max, out, outOff, n);
            return;
        }
        int done = clampLoop(x, xOff, min, max, out, outOff, n);
        ElementwiseReference.clamp(x, xOff + done, min, max, out, outOff + done, n - done);
    }

    /**
     * {@code min(max(x, lo), hi)}; with {@code hi = +inf} it is {@code maximum(x, lo)} and with
     * {@code lo = -inf} {@code minimum(x, hi)} (the outer bound never changes a value, NaN included).
     */
    private static int clampLoop(float[] x, int xOff, float lo, float hi, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOff + i).max(lo).min(hi).intoArray(out, outOff + i);
        }
        return i;
    }

    /** {@code out[i] = c[i] != 0 ? a[i] : b[i]}. */
    public static void where(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff,
                             float[] out, int outOff, int n) {
        if (Kernels.REFERENCE_ONLY) {
            ElementwiseReference.where(c, cOff, a, aOff, b, bOff, out, outOff, n);
            return;
        }
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            VectorMask<Float> m = FloatVector.fromArray(F, c, cOff + i).compare(VectorOperators.NE, 0f);
            FloatVector picked = FloatVector.fromArray(F, b, bOff + i).blend(FloatVector.fromArray(F, a, aOff + i), m);
            picked.intoArray(out, outOff + i);
        }
        ElementwiseReference.where(c, cOff + i, a, aOff + i, b, bOff + i, out, outOff + i, n - i);
    }

    /**
     * SiLU's backward in one pass: {@code out[i] = g[i]·s·(1 + x[i]·(1 − s))}, s = σ(x[i]) (the derivative of
     * x·σ(x); Elfwing et al. 2018). The float operations and their order are those of the composite
     * {@code g.mul(s.mul(x.mul(s.rsub(1)).add(1)))} with {@code s = x.sigmoid()}, so the result is the same bit
     * for bit, with one read of g and x and one write instead of six temporaries and six passes.
     */
    public static void siluBackward(float[] g, int gOff, float[] x, int xOff, float[] out, int outOff, int n) {
        if (Kernels.REFERENCE_ONLY) {
            ElementwiseReference.siluBackward(g, gOff, x, xOff, out, outOff, n);
            return;
        }
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            siluBackward(FloatVector.fromArray(F, g, gOff + i), FloatVector.fromArray(F, x, xOff + i))
                    .intoArray(out, outOff + i);
        }
        // The tail one element at a time, with the same float operations as a lane (VectorMath.exp's scalar twin),
        // so every element has the bits it would have in a vector. It was one masked vector, but in the U-Net's
        // group norms at 7×7 (groups of 98 and 196 floats) C2 left the lane function and exp out of line at that
        // second call site and boxed their vectors: about 18 MB of small objects per training step at batch 64.
        for (; i < n; i++) {
            float xi = x[xOff + i];
            float si = 1f / (1f + VectorMath.exp(-xi));                           // σ(x), as in sigmoid()
            out[outOff + i] = g[gOff + i] * (si * (xi * (1f - si) + 1f));
        }
    }

    private static FloatVector siluBackward(FloatVector g, FloatVector x) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        FloatVector s = one.div(one.add(VectorMath.exp(x.neg())));           // σ(x), as in sigmoid()
        return g.mul(s.mul(x.mul(one.sub(s)).add(one)));
    }

    /**
     * {@code y[i] = (float) ((x[i] − mu)·scale + shift)} in double, as {@link
     * ElementwiseReference#shiftScaleInDouble} and bit for bit equal to it: four floats at a time widened to
     * doubles, the same three double operations, one rounding back to float. Group norm's forward runs it per
     * channel; in float, (x − μ)·scale loses the digits that a group with σ ≪ |μ| needs.
     */
    public static void shiftScaleInDouble(float[] x, int xOff, float[] y, int yOff, int n, double mu, double scale,
                                          double shift) {
        if (Kernels.REFERENCE_ONLY) {
            ElementwiseReference.shiftScaleInDouble(x, xOff, y, yOff, n, mu, scale, shift);
            return;
        }
        int i = 0;
        for (int bound = n - n % 4; i < bound; i += 4) {
            // Widened in place, not through a helper (see Kernels.F4): exact.
            DoubleVector xd = (DoubleVector) FloatVector.fromArray(F4, x, xOff + i).convertShape(F2D, D4, 0);
            DoubleVector yd = xd.sub(mu).mul(scale).add(shift);
            ((FloatVector) yd.convertShape(D2F, F4, 0)).intoArray(y, yOff + i); // one rounding
        }
        ElementwiseReference.shiftScaleInDouble(x, xOff + i, y, yOff + i, n - i, mu, scale, shift);
    }

    /**
     * {@code dx[i] = (float) (r·(dy[i]·gm − a − ((x[i] − mu)·r)·b))} in double, as {@link
     * ElementwiseReference#groupNormInputGradient} and bit for bit equal to it (four lanes of doubles, the same
     * operations in the same order). Group norm's backward runs it per channel.
     */
    public static void groupNormInputGradient(float[] dy, int dyOff, float[] x, int xOff, float[] dx, int dxOff,
                                              int n, double mu, double r, double gm, double a, double b) {
        if (Kernels.REFERENCE_ONLY) {
            ElementwiseReference.groupNormInputGradient(dy, dyOff, x, xOff, dx, dxOff, n, mu, r, gm, a, b);
            return;
        }
        int i = 0;
        for (int bound = n - n % 4; i < bound; i += 4) {
            // Widened in place, not through a helper (see Kernels.F4): exact.
            DoubleVector xd = (DoubleVector) FloatVector.fromArray(F4, x, xOff + i).convertShape(F2D, D4, 0);
            DoubleVector dyd = (DoubleVector) FloatVector.fromArray(F4, dy, dyOff + i).convertShape(F2D, D4, 0);
            DoubleVector xHat = xd.sub(mu).mul(r);
            DoubleVector dxd = dyd.mul(gm).sub(a).sub(xHat.mul(b)).mul(r);
            ((FloatVector) dxd.convertShape(D2F, F4, 0)).intoArray(dx, dxOff + i); // one rounding
        }
        ElementwiseReference.groupNormInputGradient(dy, dyOff + i, x, xOff + i, dx, dxOff + i, n - i, mu, r, gm, a, b);
    }

    /** {@code out[i] = v}: {@link java.util.Arrays#fill} is already vectorised by C2. */
    public static void fill(float v, float[] out, int outOff, int n) {
        java.util.Arrays.fill(out, outOff, outOff + n, v);
    }

    /** {@code y[i] = fma(alpha, x[i], y[i])}. */
    public static void addScaled(float[] y, int yOff, float[] x, int xOff, float alpha, int n) {
        if (Kernels.REFERENCE_ONLY) {
            ElementwiseReference.addScaled(y, yOff, x, xOff, alpha, n);
            return;
        }
        FloatVector av = FloatVector.broadcast(F, alpha);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            av.fma(FloatVector.fromArray(F, x, xOff + i), FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        ElementwiseReference.addScaled(y, yOff + i, x, xOff + i, alpha, n - i);
    }

    /** {@code y[i] = fma(value * t1[i], t2[i], y[i])}. */
    public static void addcmul(float[] y, int yOff, float[] t1, int t1Off, float[] t2, int t2Off, float value, int n) {
        if (Kernels.REFERENCE_ONLY) {
            ElementwiseReference.addcmul(y, yOff, t1, t1Off, t2, t2Off, value, n);
            return;
        }
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, t1, t1Off + i).mul(value)
                    .fma(FloatVector.fromArray(F, t2, t2Off + i), FloatVector.fromArray(F, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        ElementwiseReference.addcmul(y, yOff + i, t1, t1Off + i, t2, t2Off + i, value, n - i);
    }

    /** {@code y[i] = y[i] + (value * t1[i]) / t2[i]}. */
    public static void addcdiv(float[] y, int yOff, float[] t1, int t1Off, float[] t2, int t2Off, float value, int n) {
        if (Kernels.REFERENCE_ONLY) {
            ElementwiseReference.addcdiv(y, yOff, t1, t1Off, t2, t2Off, value, n);
            return;
        }
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector q = FloatVector.fromArray(F, t1, t1Off + i).mul(value)
                    .div(FloatVector.fromArray(F, t2, t2Off + i));
            FloatVector.fromArray(F, y, yOff + i).add(q).intoArray(y, yOff + i);
        }
        ElementwiseReference.addcdiv(y, yOff + i, t1, t1Off + i, t2, t2Off + i, value, n - i);
    }
}
