package dev.sfumato.autograd.gradcheck;

import dev.sfumato.autograd.NoGrad;
import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks backward against finite differences, like {@code torch.autograd.gradcheck}, in float32.
 *
 * <p>Method. Draw a fixed random projection {@code v ~ N(0, 1)} of the output's shape and let
 * {@code s(x) = sum_k v_k f_k(x)}, a scalar. Then:
 * <ul>
 *   <li>analytic: one backward of {@code f} with {@code gradOutput = v} gives {@code ds/dx_j} for every
 *       input element at once (the vector-Jacobian product {@code v^T J});</li>
 *   <li>numeric: for each input element, the five-point central stencil
 *       {@code ds/dx_j ~ (8 (s(x+h) - s(x-h)) - (s(x+2h) - s(x-2h))) / (12 h)}, truncation error O(h^4),
 *       with {@code s} summed in double from the float32 outputs.</li>
 * </ul>
 * A random projection checks every column of the Jacobian against a generic combination of its rows;
 * a rule wrong in any output fails except with probability zero.
 *
 * <p>Why this is trustworthy in float32 (ops cannot be re-run in float64 here). Each evaluation of
 * {@code s} carries a rounding error {@code delta} of about {@code eps * S} with {@code eps = 2^-23} and
 * {@code S = sum_k |v_k f_k|}; the stencil turns it into a derivative error of at most
 * {@code (1 + 8 + 8 + 1)/12 * delta / h = 1.5 delta / h}. The three-point stencil would need
 * {@code h ~ eps^(1/3) ~ 5e-3} and still leave an O(h^2) = 2.5e-5 relative truncation error; the five-point
 * stencil's O(h^4) term is negligible at the same step, so a step about twice as large can be used, which
 * halves the rounding term. The step is a power of two, {@code h = 2^-7 * 2^ceil(log2 max(1, |x_j|))}
 * (about 0.0078 for |x| <= 1), so {@code x +- h} and {@code x +- 2h} are exact in float32 for ordinary
 * values. The check passes element {@code j} when
 * <pre>  |analytic - numeric| <= atol + rtol |numeric| + noiseFactor * eps * S / h</pre>
 * where the last term is the rounding bound above with a safety factor (default 8) for the rounding
 * inside {@code f}. Defaults {@code atol = 5e-4, rtol = 5e-3}. Inputs must be at least {@code 2h} away
 * from kinks (relu at 0, abs at 0, ties in max): test those points separately.
 *
 * <p>The report gives, per input, the worst absolute and relative error ({@code |a - n| / max(|n|, atol)})
 * and the element where the check came closest to failing.
 */
public final class GradCheck {

    private static final double EPS32 = Math.ulp(1f);

    private GradCheck() {}

    /** The function under test: inputs (as Variables, in order) to one output Variable. */
    @FunctionalInterface
    public interface Fn {
        Variable apply(List<Variable> inputs);
    }

    /** Tolerances, step and seed; {@link #defaults()} are documented on {@link GradCheck}. */
    public record Options(double atol, double rtol, double noiseFactor, float baseStep, long seed) {

        public static Options defaults() {
            return new Options(5e-4, 5e-3, 8, 0x1p-7f, 1234);
        }

        public Options withAtol(double a) {
            return new Options(a, rtol, noiseFactor, baseStep, seed);
        }

        public Options withRtol(double r) {
            return new Options(atol, r, noiseFactor, baseStep, seed);
        }

        public Options withBaseStep(float h) {
            return new Options(atol, rtol, noiseFactor, h, seed);
        }

        public Options withSeed(long s) {
            return new Options(atol, rtol, noiseFactor, baseStep, s);
        }
    }

    /**
     * The result for one input.
     *
     * @param maxAbsError worst {@code |analytic - numeric|}
     * @param maxRelError worst {@code |analytic - numeric| / max(|numeric|, atol)}
     * @param worstIndex  the element closest to (or furthest past) its tolerance
     */
    public record InputReport(int input, int[] shape, double maxAbsError, double maxRelError, int[] worstIndex,
                              float analytic, double numeric, double tolerance, boolean passed) {
        @Override
        public String toString() {
            return String.format("input %d %s: %s, max abs error %.3g, max rel error %.3g; worst at %s: analytic %.6g,"
                            + " numeric %.6g, tolerance %.3g", input, Arrays.toString(shape), passed ? "ok" : "FAILED",
                    maxAbsError, maxRelError, Arrays.toString(worstIndex), analytic, numeric, tolerance);
        }
    }

    /** The results for all inputs. */
    public record Report(List<InputReport> inputs) {

        public boolean passed() {
            return inputs.stream().allMatch(InputReport::passed);
        }

        /** Throws an AssertionError with the full report unless every input passed; returns this. */
        public Report assertPassed() {
            if (!passed()) {
                throw new AssertionError("gradient check failed\n" + this);
            }
            return this;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (InputReport r : inputs) {
                sb.append(r).append('\n');
            }
            return sb.toString();
        }
    }

    /** Checks {@code f} at {@code inputs} with the default options. */
    public static Report check(Fn f, Tensor... inputs) {
        return check(f, Options.defaults(), inputs);
    }

    /**
     * Checks {@code f} at {@code inputs}. Inputs may be non-contiguous views but must not overlap or
     * contain broadcast (stride 0) dims, since elements are perturbed one at a time, in place; they are
     * restored afterwards.
     */
    public static Report check(Fn f, Options options, Tensor... inputs) {
        for (int i = 0; i < inputs.length; i++) {
            requireDistinctElements(i, inputs[i]);
        }

        // 1. Analytic: one backward with gradOutput = v.
        List<Variable> vars = new ArrayList<>(inputs.length);
        for (Tensor x : inputs) {
            vars.add(new Variable(x, true));
        }
        Variable out = f.apply(vars);
        Tensor v = Tensor.randn(new Generator(options.seed()), out.shape());
        if (out.requiresGrad()) {
            out.backward(v);
        }
        float[] vArr = v.toArray();
        double scale = weightedMagnitude(out.value().toArray(), vArr);

        // 2. Numeric, element by element, and the comparison.
        List<InputReport> reports = new ArrayList<>(inputs.length);
        for (int i = 0; i < inputs.length; i++) {
            Tensor x = inputs[i];
            Tensor g = vars.get(i).grad();
            float[] analytic = g == null ? new float[x.numel()] : g.toArray();
            reports.add(checkInput(f, options, inputs, i, analytic, vArr, scale));
        }
        return new Report(reports);
    }

    private static InputReport checkInput(Fn f, Options o, Tensor[] inputs, int which, float[] analytic, float[] v,
                                          double scale) {
        Tensor x = inputs[which];
        int[] shape = x.shape();
        int[] idx = new int[shape.length];
        double maxAbs = 0;
        double maxRel = 0;
        double worstRatio = -1;
        int[] worst = idx.clone();
        float worstA = 0;
        double worstN = 0;
        double worstTol = 0;
        boolean passed = true;
        for (int e = 0; e < analytic.length; e++) {
            float x0 = x.get(idx);
            float h = step(o.baseStep(), x0);
            double sp1 = evalAt(f, inputs, x, idx, x0 + h, v);
            double sm1 = evalAt(f, inputs, x, idx, x0 - h, v);
            double sp2 = evalAt(f, inputs, x, idx, x0 + 2 * h, v);
            double sm2 = evalAt(f, inputs, x, idx, x0 - 2 * h, v);
            x.set(x0, idx);
            double numeric = (8 * (sp1 - sm1) - (sp2 - sm2)) / (12.0 * h);
            double err = Math.abs(analytic[e] - numeric);
            double tol = o.atol() + o.rtol() * Math.abs(numeric) + o.noiseFactor() * EPS32 * scale / h;
            boolean ok = err <= tol; // false for NaN
            passed &= ok;
            maxAbs = Math.max(maxAbs, err);
            maxRel = Math.max(maxRel, err / Math.max(Math.abs(numeric), o.atol()));
            double ratio = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err / tol;
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worst = idx.clone();
                worstA = analytic[e];
                worstN = numeric;
                worstTol = tol;
            }
            increment(idx, shape);
        }
        return new InputReport(which, shape, maxAbs, maxRel, worst, worstA, worstN, worstTol, passed);
    }

    /** {@code s = sum v_k f_k} with one element of {@code x} set to {@code value}, summed in double. */
    private static double evalAt(Fn f, Tensor[] inputs, Tensor x, int[] idx, float value, float[] v) {
        x.set(value, idx);
        float[] out;
        try (NoGrad _ = NoGrad.enter()) {
            List<Variable> vars = new ArrayList<>(inputs.length);
            for (Tensor t : inputs) {
                vars.add(new Variable(t));
            }
            out = f.apply(vars).value().toArray();
        }
        double s = 0;
        for (int k = 0; k < out.length; k++) {
            s += (double) v[k] * out[k];
        }
        return s;
    }

    private static double weightedMagnitude(float[] out, float[] v) {
        double s = 0;
        for (int k = 0; k < out.length; k++) {
            s += Math.abs((double) v[k] * out[k]);
        }
        return s;
    }

    /** {@code base * 2^ceil(log2(max(1, |x|)))}: a power of two when base is one. */
    static float step(float base, float x) {
        float ax = Math.abs(x);
        if (ax <= 1f || !Float.isFinite(ax)) {
            return base;
        }
        return base * (float) Math.pow(2, Math.getExponent(ax) + (ax == Math.scalb(1f, Math.getExponent(ax)) ? 0 : 1));
    }

    private static void increment(int[] idx, int[] shape) {
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++idx[d] < shape[d]) {
                return;
            }
            idx[d] = 0;
        }
    }

    private static void requireDistinctElements(int i, Tensor x) {
        for (int d = 0; d < x.dim(); d++) {
            if (x.stride(d) == 0 && x.size(d) > 1) {
                throw new IllegalArgumentException("GradCheck: input " + i + " of shape " + Arrays.toString(x.shape())
                        + " is a broadcast view (stride 0 in dim " + d + "); pass x.clone() instead");
            }
        }
    }
}
