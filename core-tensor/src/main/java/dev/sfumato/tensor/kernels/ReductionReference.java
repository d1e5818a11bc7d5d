package dev.sfumato.tensor.kernels;

/**
 * Plain-loop reductions over one contiguous span: the specification that {@link ReductionKernels} must
 * match bit for bit (softmax and logsumexp within 1e-5 relative: their exp differs, and the reference
 * sums exps in double while the vectorised kernel sums them in float lanes).
 *
 * <p>The float sums use a fixed order that a SIMD loop can reproduce: element {@code i} of the first
 * {@code floor(n / P) * P} elements goes to partial sum {@code i % P}, with {@code P = }{@link #PARTIALS}
 * = 4 vectors of {@link Kernels#LANES}; the partials are combined as
 * {@code ((p[j] + p[j+L]) + (p[j+2L] + p[j+3L]))} per lane {@code j}, then lanes left to right; the tail
 * is summed left to right into its own float and added last. The order depends only on {@code n}, never
 * on threads. Callers cut long spans into fixed blocks and combine block sums pairwise (see
 * {@code Reductions}), which keeps the error growth logarithmic for long rows.
 */
public final class ReductionReference {

    /** Number of partial sums: four vector accumulators. */
    public static final int PARTIALS = 4 * Kernels.LANES;
    /**
     * Partial sums of the double-precision reductions: two vectors of four doubles. Element {@code i} of the
     * first {@code floor(n / 8) * 8} goes to partial {@code i % 8}; the partials are combined as
     * {@code ((0 + (p[0] + p[4])) + (p[1] + p[5])) + ...}, the tail is summed left to right and added last.
     */
    public static final int DOUBLE_PARTIALS = 8;

    private ReductionReference() {}

    /** {@code sum x[off .. off+n)} in the fixed order described above; 0 for n = 0. */
    public static float sum(float[] x, int off, int n) {
        return sumShifted(x, off, n, 0f, false);
    }

    /** {@code sum (x[i] - mean)^2}, the second pass of a two-pass variance, in the same fixed order. */
    public static float sumSquaredDeviations(float[] x, int off, int n, float mean) {
        return sumShifted(x, off, n, mean, true);
    }

    private static float sumShifted(float[] x, int off, int n, float mean, boolean square) {
        int lanes = Kernels.LANES;
        float[] p = new float[PARTIALS];
        int body = n - n % PARTIALS;
        for (int i = 0; i < body; i++) {
            float v = x[off + i];
            if (square) {
                float d = v - mean;
                v = d * d;
            }
            p[i % PARTIALS] += v;
        }
        float total = 0f;
        for (int j = 0; j < lanes; j++) {
            total += (p[j] + p[j + lanes]) + (p[j + 2 * lanes] + p[j + 3 * lanes]);
        }
        float tail = 0f;
        for (int i = body; i < n; i++) {
            float v = x[off + i];
            if (square) {
                float d = v - mean;
                v = d * d;
            }
            tail += v;
        }
        return total + tail;
    }

    /** {@code sum x[i]} accumulated in double, in the order of {@link #DOUBLE_PARTIALS}. */
    public static double sumDouble(float[] x, int off, int n) {
        return dotOrSum(x, off, null, 0, n, 0, false);
    }

    /** {@code sum (x[i] − mean)²} in double ({@code fma(d, d, partial)}), in the order of {@link #DOUBLE_PARTIALS}. */
    public static double sumSquaredDeviationsDouble(float[] x, int off, int n, double mean) {
        return dotOrSum(x, off, null, 0, n, mean, true);
    }

    /** {@code sum x[i]·y[i]} in double (each product of two floats is exact in double), same order. */
    public static double dotDouble(float[] x, int xOff, float[] y, int yOff, int n) {
        return dotOrSum(x, xOff, y, yOff, n, 0, false);
    }

    private static double dotOrSum(float[] x, int xOff, float[] y, int yOff, int n, double mean, boolean square) {
        double[] p = new double[DOUBLE_PARTIALS];
        int body = n - n % DOUBLE_PARTIALS;
        for (int i = 0; i < body; i++) {
            p[i % DOUBLE_PARTIALS] = term(x, xOff, y, yOff, i, mean, square, p[i % DOUBLE_PARTIALS]);
        }
        double total = 0;
        for (int j = 0; j < DOUBLE_PARTIALS / 2; j++) {
            total += p[j] + p[j + DOUBLE_PARTIALS / 2];
        }
        double tail = 0;
        for (int i = body; i < n; i++) {
            tail = term(x, xOff, y, yOff, i, mean, square, tail);
        }
        return total + tail;
    }

    /** acc plus element i's term: x, (x − mean)² or x·y, fused into acc as the vector kernel does. */
    private static double term(float[] x, int xOff, float[] y, int yOff, int i, double mean, boolean square,
                               double acc) {
        double v = x[xOff + i];
        if (square) {
            double d = v - mean;
            return Math.fma(d, d, acc);
        }
        return y == null ? acc + v : Math.fma(v, y[yOff + i], acc);
    }

    /** Largest ({@code max}) or smallest element; NaN if any element is NaN; n must be >= 1. */
    public static float max(float[] x, int off, int n, boolean max) {
        float best = x[off];
        for (int i = 1; i < n; i++) {
            best = max ? Math.max(best, x[off + i]) : Math.min(best, x[off + i]);
        }
        return best;
    }

    /**
     * Index (from 0) of the first largest ({@code max}) or smallest element, or of the first NaN if there
     * is one: PyTorch 1.13's {@code argmax}/{@code argmin} treat NaN as the extreme. n must be >= 1.
     */
    public static int argmax(float[] x, int off, int n, boolean max) {
        float best = x[off];
        int at = 0;
        for (int i = 1; i < n && !Float.isNaN(best); i++) {
            float v = x[off + i];
            if (Float.isNaN(v) || (max ? v > best : v < best)) {
                best = v;
                at = i;
            }
        }
        return at;
    }

    /**
     * {@code log(sum exp(x))}, stable: shift by the max. An infinite max is not subtracted (PyTorch's
     * rule), so a row of -inf gives -inf and a row holding +inf gives +inf. n must be >= 1.
     */
    public static float logsumexp(float[] x, int off, int n) {
        float m = max(x, off, n, true);
        float shift = Float.isInfinite(m) ? 0f : m;
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (float) Math.exp(x[off + i] - shift);
        }
        return (float) Math.log(s) + shift;
    }

    /**
     * Softmax of one row, {@code exp(x - max) / sum exp(x - max)}, or its log,
     * {@code (x - max) - log(sum exp(x - max))}. A row whose max is infinite gives NaN, as in PyTorch.
     */
    public static void softmax(float[] x, int xOff, float[] out, int outOff, int n, boolean log) {
        if (n == 0) {
            return;
        }
        float m = max(x, xOff, n, true);
        double s = 0; // the specification sums its float exps in double: the most accurate cheap order
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[xOff + i] - m);
            if (!log) {
                out[outOff + i] = e;
            }
            s += e;
        }
        if (log) {
            float logS = (float) Math.log(s);
            for (int i = 0; i < n; i++) {
                out[outOff + i] = (x[xOff + i] - m) - logS;
            }
        } else {
            float inv = (float) (1.0 / s);
            for (int i = 0; i < n; i++) {
                out[outOff + i] *= inv;
            }
        }
    }
}
