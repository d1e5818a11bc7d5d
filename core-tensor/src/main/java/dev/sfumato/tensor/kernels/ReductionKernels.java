package dev.sfumato.tensor.kernels;

import static dev.sfumato.tensor.kernels.Kernels.D4;
import static dev.sfumato.tensor.kernels.Kernels.F4;
import static jdk.incubator.vector.VectorOperators.F2D;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised reductions over one contiguous span, with the signatures and results of
 * {@link ReductionReference}.
 *
 * <p>Trick: four independent vector accumulators. One accumulator would chain every add on the previous
 * one (4-cycle latency, one add per 4 cycles); four keep two adders busy, enough to stream from memory
 * (JMH, 16M floats: sum reads at 0.87x the GB/s of {@code System.arraycopy} in the same run, see
 * {@code benchmarks/results/elementwise.md}).
 * The four accumulators are exactly the reference's {@code 4 * LANES} partial sums, combined in the same
 * order without {@code reduceLanes} (whose order is unspecified), so the sums are bit-identical to the
 * reference. Max uses the same shape (max is order-free apart from which NaN comes out). Softmax and
 * logsumexp use the Vector API's EXP and so agree with the reference to a few ulp.
 */
public final class ReductionKernels {

    private static final VectorSpecies<Float> F = Kernels.F;
    private static final int L = Kernels.LANES;
    private static final int STEP = 4 * L;

    private ReductionKernels() {}

    /** {@code sum x[off .. off+n)} in the reference's fixed order. */
    public static float sum(float[] x, int off, int n) {
        if (Kernels.REFERENCE_ONLY) {
            return ReductionReference.sum(x, off, n);
        }
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int body = n - n % STEP;
        for (int i = 0; i < body; i += STEP) {
            a0 = a0.add(FloatVector.fromArray(F, x, off + i));
            a1 = a1.add(FloatVector.fromArray(F, x, off + i + L));
            a2 = a2.add(FloatVector.fromArray(F, x, off + i + 2 * L));
            a3 = a3.add(FloatVector.fromArray(F, x, off + i + 3 * L));
        }
        float total = lanesInOrder(a0.add(a1).add(a2.add(a3)));
        float tail = 0f;
        for (int i = body; i < n; i++) {
            tail += x[off + i];
        }
        return total + tail;
    }

    /** {@code sum (x[i] - mean)^2} in the reference's fixed order (multiply and add not fused, as there). */
    public static float sumSquaredDeviations(float[] x, int off, int n, float mean) {
        if (Kernels.REFERENCE_ONLY) {
            return ReductionReference.sumSquaredDeviations(x, off, n, mean);
        }
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int body = n - n % STEP;
        for (int i = 0; i < body; i += STEP) {
            FloatVector d0 = FloatVector.fromArray(F, x, off + i).sub(mean);
            FloatVector d1 = FloatVector.fromArray(F, x, off + i + L).sub(mean);
            FloatVector d2 = FloatVector.fromArray(F, x, off + i + 2 * L).sub(mean);
            FloatVector d3 = FloatVector.fromArray(F, x, off + i + 3 * L).sub(mean);
            a0 = a0.add(d0.mul(d0));
            a1 = a1.add(d1.mul(d1));
            a2 = a2.add(d2.mul(d2));
            a3 = a3.add(d3.mul(d3));
        }
        float total = lanesInOrder(a0.add(a1).add(a2.add(a3)));
        float tail = 0f;
        for (int i = body; i < n; i++) {
            float d = x[off + i] - mean;
            tail += d * d;
        }
        return total + tail;
    }

    /**
     * {@code sum x[i]} in double, as {@link ReductionReference#sumDouble}: four floats at a time widened to
     * doubles ({@code vcvtps2pd}) into two accumulators. Twice the speed of the scalar double loop, whose every
     * add waited for the previous one, and the precision of a double sum (group norm's statistics need it).
     */
    public static double sumDouble(float[] x, int off, int n) {
        if (Kernels.REFERENCE_ONLY) {
            return ReductionReference.sumDouble(x, off, n);
        }
        DoubleVector a0 = DoubleVector.zero(D4);
        DoubleVector a1 = a0;
        int body = n - n % ReductionReference.DOUBLE_PARTIALS;
        for (int i = 0; i < body; i += 8) {
            // Four floats widened to four doubles (vcvtps2pd, exact), in place rather than through a helper
            // that returns a vector (see Kernels.F4).
            a0 = a0.add(FloatVector.fromArray(F4, x, off + i).convertShape(F2D, D4, 0));
            a1 = a1.add(FloatVector.fromArray(F4, x, off + i + 4).convertShape(F2D, D4, 0));
        }
        double tail = 0;
        for (int i = body; i < n; i++) {
            tail += x[off + i];
        }
        return combine(a0, a1) + tail;
    }

    /** {@code sum (x[i] − mean)²} in double, as {@link ReductionReference#sumSquaredDeviationsDouble}. */
    public static double sumSquaredDeviationsDouble(float[] x, int off, int n, double mean) {
        if (Kernels.REFERENCE_ONLY) {
            return ReductionReference.sumSquaredDeviationsDouble(x, off, n, mean);
        }
        DoubleVector a0 = DoubleVector.zero(D4);
        DoubleVector a1 = a0;
        int body = n - n % ReductionReference.DOUBLE_PARTIALS;
        for (int i = 0; i < body; i += 8) {
            DoubleVector d0 = ((DoubleVector) FloatVector.fromArray(F4, x, off + i).convertShape(F2D, D4, 0)).sub(mean);
            DoubleVector d1 = ((DoubleVector) FloatVector.fromArray(F4, x, off + i + 4).convertShape(F2D, D4, 0)).sub(mean);
            a0 = d0.fma(d0, a0);
            a1 = d1.fma(d1, a1);
        }
        double tail = 0;
        for (int i = body; i < n; i++) {
            double d = x[off + i] - mean;
            tail = Math.fma(d, d, tail);
        }
        return combine(a0, a1) + tail;
    }

    /** {@code sum x[i]·y[i]} in double, as {@link ReductionReference#dotDouble}. */
    public static double dotDouble(float[] x, int xOff, float[] y, int yOff, int n) {
        if (Kernels.REFERENCE_ONLY) {
            return ReductionReference.dotDouble(x, xOff, y, yOff, n);
        }
        DoubleVector a0 = DoubleVector.zero(D4);
        DoubleVector a1 = a0;
        int body = n - n % ReductionReference.DOUBLE_PARTIALS;
        for (int i = 0; i < body; i += 8) {
            DoubleVector x0 = (DoubleVector) FloatVector.fromArray(F4, x, xOff + i).convertShape(F2D, D4, 0);
            DoubleVector y0 = (DoubleVector) FloatVector.fromArray(F4, y, yOff + i).convertShape(F2D, D4, 0);
            DoubleVector x1 = (DoubleVector) FloatVector.fromArray(F4, x, xOff + i + 4).convertShape(F2D, D4, 0);
            DoubleVector y1 = (DoubleVector) FloatVector.fromArray(F4, y, yOff + i + 4).convertShape(F2D, D4, 0);
            a0 = x0.fma(y0, a0);
            a1 = x1.fma(y1, a1);
        }
        double tail = 0;
        for (int i = body; i < n; i++) {
            tail = Math.fma(x[xOff + i], (double) y[yOff + i], tail);
        }
        return combine(a0, a1) + tail;
    }

    /** The reference's combination of the eight double partials: lane j of both accumulators, j = 0..3. */
    private static double combine(DoubleVector a0, DoubleVector a1) {
        double total = 0;
        for (int j = 0; j < 4; j++) {
            total += a0.lane(j) + a1.lane(j);
        }
        return total;
    }

    /**
     * Adds the lanes left to right, as the reference does; called once per span, outside the loop. Not
     * {@code reduceLanes}, whose order is unspecified (the interpreter's, C1's and C2's differ), so that a sum
     * has the same bits in every run. Any species.
     */
    public static float lanesInOrder(FloatVector v) {
        float s = 0f;
        for (int j = 0; j < v.length(); j++) {
            s += v.lane(j);
        }
        return s;
    }

    /** Largest ({@code max}) or smallest element; NaN if any element is NaN; n >= 1. */
    public static float max(float[] x, int off, int n, boolean max) {
        if (Kernels.REFERENCE_ONLY || n < STEP) {
            return ReductionReference.max(x, off, n, max);
        }
        return max ? maxLoop(x, off, n) : minLoop(x, off, n);
    }

    private static float maxLoop(float[] x, int off, int n) {
        FloatVector a0 = FloatVector.fromArray(F, x, off);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int body = n - n % STEP;
        for (int i = 0; i < body; i += STEP) {
            a0 = a0.max(FloatVector.fromArray(F, x, off + i));
            a1 = a1.max(FloatVector.fromArray(F, x, off + i + L));
            a2 = a2.max(FloatVector.fromArray(F, x, off + i + 2 * L));
            a3 = a3.max(FloatVector.fromArray(F, x, off + i + 3 * L));
        }
        FloatVector v = a0.max(a1).max(a2.max(a3));
        float best = v.lane(0);
        for (int j = 1; j < L; j++) {
            best = Math.max(best, v.lane(j));
        }
        for (int i = body; i < n; i++) {
            best = Math.max(best, x[off + i]);
        }
        return best;
    }

    private static float minLoop(float[] x, int off, int n) {
        FloatVector a0 = FloatVector.fromArray(F, x, off);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int body = n - n % STEP;
        for (int i = 0; i < body; i += STEP) {
            a0 = a0.min(FloatVector.fromArray(F, x, off + i));
            a1 = a1.min(FloatVector.fromArray(F, x, off + i + L));
            a2 = a2.min(FloatVector.fromArray(F, x, off + i + 2 * L));
            a3 = a3.min(FloatVector.fromArray(F, x, off + i + 3 * L));
        }
        FloatVector v = a0.min(a1).min(a2.min(a3));
        float best = v.lane(0);
        for (int j = 1; j < L; j++) {
            best = Math.min(best, v.lane(j));
        }
        for (int i = body; i < n; i++) {
            best = Math.min(best, x[off + i]);
        }
        return best;
    }

    /**
     * Index of the first extreme, or of the first NaN: a vector pass finds the extreme value (NaN if any),
     * then a scalar scan stops at its first occurrence, which is usually early.
     */
    public static int argmax(float[] x, int off, int n, boolean max) {
        if (Kernels.REFERENCE_ONLY || n < STEP) {
            return ReductionReference.argmax(x, off, n, max);
        }
        float m = max(x, off, n, max);
        if (Float.isNaN(m)) {
            for (int i = 0; i < n; i++) {
                if (Float.isNaN(x[off + i])) {
                    return i;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (x[off + i] == m) {
                return i;
            }
        }
        return 0; // unreachable: m is an element
    }

    /** {@code log sum exp(x)} shifted by the max (not by an infinite max), as in the reference. */
    public static float logsumexp(float[] x, int off, int n) {
        if (Kernels.REFERENCE_ONLY || n < L) {
            return ReductionReference.logsumexp(x, off, n);
        }
        float m = max(x, off, n, true);
        float shift = Float.isInfinite(m) ? 0f : m;
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            acc = acc.add(VectorMath.exp(FloatVector.fromArray(F, x, off + i).sub(shift)));
        }
        float s = lanesInOrder(acc);
        for (; i < n; i++) {
            s += (float) Math.exp(x[off + i] - shift);
        }
        return (float) Math.log(s) + shift;
    }

    /** Softmax or log-softmax of one row: max, then exp and sum in one pass, then scale (or shift). */
    public static void softmax(float[] x, int xOff, float[] out, int outOff, int n, boolean log) {
        if (Kernels.REFERENCE_ONLY || n < L) {
            ReductionReference.softmax(x, xOff, out, outOff, n, log);
            return;
        }
        float m = max(x, xOff, n, true);
        FloatVector acc = FloatVector.zero(F);
        int bound = F.loopBound(n);
        int i = 0;
        if (log) {
            for (; i < bound; i += L) {
                acc = acc.add(VectorMath.exp(FloatVector.fromArray(F, x, xOff + i).sub(m)));
            }
        } else {
            for (; i < bound; i += L) {
                FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, xOff + i).sub(m));
                e.intoArray(out, outOff + i);
                acc = acc.add(e);
            }
        }
        float s = lanesInOrder(acc);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[xOff + i] - m);
            if (!log) {
                out[outOff + i] = e;
            }
            s += e;
        }
        i = 0;
        if (log) {
            float logS = (float) Math.log(s);
            for (; i < bound; i += L) {
                FloatVector.fromArray(F, x, xOff + i).sub(m).sub(logS).intoArray(out, outOff + i);
            }
            for (; i < n; i++) {
                out[outOff + i] = (x[xOff + i] - m) - logS;
            }
        } else {
            float inv = 1f / s;
            for (; i < bound; i += L) {
                FloatVector.fromArray(F, out, outOff + i).mul(inv).intoArray(out, outOff + i);
            }
            for (; i < n; i++) {
                out[outOff + i] *= inv;
            }
        }
    }
}
