package dev.sfumato.nn.functional;

import dev.sfumato.autograd.NoGrad;
import dev.sfumato.autograd.Node;
import dev.sfumato.autograd.SavedTensor;
import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.kernels.ElementwiseKernels;
import dev.sfumato.tensor.kernels.ReductionKernels;
import dev.sfumato.tensor.kernels.Scratch;
import dev.sfumato.tensor.Tensor;
import dev.sfumato.tensor.UnaryOp;

import java.util.Arrays;

/**
 * Normalisation layers as functions: {@code F.group_norm}, {@code F.layer_norm} and {@code F.batch_norm}.
 * Each standardises x over some dims, {@code x̂ = (x − μ)/√(σ² + eps)} with the biased variance σ², then
 * applies a per-channel (or per-element) affine map {@code y = γ x̂ + β}.
 * <pre>
 *             normalises over            γ, β shape          reference
 * group_norm  C/G channels × spatial     [C]                 Wu &amp; He 2018
 * layer_norm  the trailing dims           normalizedShape     Ba et al. 2016
 * batch_norm  N × spatial, per channel    [C]                 Ioffe &amp; Szegedy 2015
 * </pre>
 * Group and layer norm are composites of autograd primitives (correct by construction). Group norm also
 * has a fused primitive, {@link GroupNorm}, because the U-Net normalises before every convolution; the
 * composite {@link #groupNormComposite} is its reference twin, and the tests check the two agree.
 */
public final class Normalization {

    private Normalization() {}

    // ---------------------------------------------------------------------------------------------
    // Group norm
    // ---------------------------------------------------------------------------------------------

    /**
     * {@code F.group_norm(x, numGroups, weight, bias, eps)}, fused: x [N, C, *] → [N, C, *], weight and
     * bias [C] or null. Statistics per sample and group of C/numGroups consecutive channels.
     */
    public static Variable groupNorm(Variable x, int numGroups, Variable weight, Variable bias, double eps) {
        return GroupNorm.apply(x, numGroups, weight, bias, eps, false);
    }

    /**
     * {@code F.silu(F.group_norm(x, numGroups, weight, bias, eps))} as one primitive, the pair that precedes every
     * convolution of a U-Net ResBlock: the same floats as {@code groupNorm(...).silu()} forward and backward (the
     * same kernels on the same values), without the group norm's output as a tensor of its own. Backward
     * recomputes it per group from x and the statistics, so the node keeps x instead of x and that output.
     */
    public static Variable groupNormSilu(Variable x, int numGroups, Variable weight, Variable bias, double eps) {
        return GroupNorm.apply(x, numGroups, weight, bias, eps, true);
    }

    /** The same as {@link #groupNorm} from autograd primitives (reshape, mean, var, rsqrt): the specification. */
    public static Variable groupNormComposite(Variable x, int numGroups, Variable weight, Variable bias, double eps) {
        checkGroupNorm(x.shape(), numGroups, weight, bias);
        int[] shape = x.shape();
        int n = shape[0];
        int c = shape[1];
        Variable grouped = x.reshape(n, numGroups, -1);                      // [N, G, C/G·S]
        Variable mean = grouped.mean(2, true);                               // [N, G, 1]
        Variable var = grouped.var(new int[] {2}, false, true);              // [N, G, 1], biased
        Variable xHat = grouped.sub(mean).mul(var.add((float) eps).rsqrt()); // [N, G, C/G·S]
        return affine(xHat.reshape(shape), c, weight, bias);                 // [N, C, *]
    }

    private static void checkGroupNorm(int[] shape, int numGroups, Variable weight, Variable bias) {
        if (shape.length < 2 || numGroups < 1 || shape[1] % numGroups != 0) {
            throw new IllegalArgumentException("group_norm: expected an input [N, C, *] with C divisible by num_groups "
                    + numGroups + ", got shape " + Arrays.toString(shape));
        }
        checkChannelVector("group_norm", "weight", weight, shape[1]);
        checkChannelVector("group_norm", "bias", bias, shape[1]);
    }

    /**
     * Group norm as one primitive. Per sample n and group g with M = C/G·S elements, forward keeps the
     * mean μ and rstd = 1/√(σ² + eps). Backward (Wu &amp; He 2018; the batch-norm derivation of Ioffe &amp;
     * Szegedy 2015 applied per group), with x̂ = (x − μ)·rstd:
     * <pre>
     * dβ_c = Σ_{n,s} dy          dγ_c = Σ_{n,s} dy·x̂
     * dx   = rstd·(dy·γ_c − mean_g(dy·γ) − x̂·mean_g(dy·γ·x̂))
     * </pre>
     * The group means come from per-(n, c) sums a = Σ_s dy·x and b = Σ_s dy:
     * mean_g(dy·γ) = Σ_c γ_c b / M and mean_g(dy·γ·x̂) = rstd·Σ_c γ_c (a − μ b) / M. Saves x, γ, μ and rstd.
     *
     * <p>With {@code silu} the node is silu(group_norm(x)): forward applies SiLU to each group's y in place
     * while it is in cache, and backward first turns the incoming gradient into the group norm's,
     * dy = dz·silu'(y), with y recomputed per group (a fourth read of x instead of a saved tensor and a
     * full-size temporary). In the
     * U-Net's training step (batch 64) this cut allocation from 1582 to about 1310 MB per step and made the step
     * about 7% faster on 1 and on 2 threads (BENCHMARKS.md, log).
     *
     * <p>Why fused: the composite records eight nodes and allocates as many full-size temporaries; this
     * reads x three times forward (mean, variance, output) and dy twice backward (sums, dx). {@code GroupNormBenchmark} (forward + backward, 1 thread,
     * on a loaded shared machine, so ranges over three runs): 11.9-15.4 ms against 17.8-112.9 ms at
     * [16, 64, 28, 28], 3.6-10.2 ms against 28.5-65.2 ms at [16, 128, 14, 14].
     */
    public static final class GroupNorm extends Node {
        private final int n;
        private final int c;
        private final int groups;
        private final int spatial;
        private final SavedTensor x;                                          // contiguous [N, C, S]
        private final float[] gamma;
        private final float[] beta;
        private final double[] mean;
        private final double[] rstd;
        private final boolean affine;
        private final boolean silu;
        /** With SiLU, in backward: the group norm's output y of one group, recomputed, and dz·silu'(y). */
        private static final Scratch SILU_INPUT = new Scratch();
        private static final Scratch SILU_GRADIENT = new Scratch();

        private GroupNorm(Variable[] inputs, int groups, Tensor x, float[] gamma, float[] beta, double[] mean,
                          double[] rstd, boolean silu) {
            super(silu ? "group_norm_silu" : "group_norm", inputs);
            int[] s = inputs[0].shape();
            this.n = s[0];
            this.c = s[1];
            this.groups = groups;
            this.spatial = x.numel() / Math.max(1, n * c);
            this.x = save(x);
            this.gamma = gamma;
            this.beta = beta;
            this.mean = mean;
            this.rstd = rstd;
            this.affine = inputs.length == 3;
            this.silu = silu;
        }

        public static Variable apply(Variable x, int numGroups, Variable weight, Variable bias, double eps,
                                     boolean silu) {
            checkGroupNorm(x.shape(), numGroups, weight, bias);
            if ((weight == null) != (bias == null)) {
                // One of the two alone is legal in PyTorch but never used; the composite handles it.
                Variable y = groupNormComposite(x, numGroups, weight, bias, eps);
                return silu ? y.silu() : y;
            }
            int[] shape = x.shape();
            int n = shape[0];
            int c = shape[1];
            // x read in place (no copy) when contiguous; the node saves it with its version, so an
            // in-place write before backward is an error rather than a silently wrong gradient.
            Tensor xc = x.value().contiguous();                                // [N, C, S] flat
            float[] xs = xc.data();
            int xo = xc.offset();
            int s = n * c == 0 ? 0 : xc.numel() / (n * c);
            int cg = c / numGroups;
            int m = cg * s;
            float[] gamma = weight == null ? null : weight.value().toArray();
            float[] beta = bias == null ? null : bias.value().toArray();
            double[] mean = new double[n * numGroups];
            double[] rstd = new double[n * numGroups];
            Tensor yt = Tensor.empty(shape);                                   // [N, C, *]
            float[] y = yt.data();
            // Each task owns a run of consecutive (sample, group) pairs: their statistics and their blocks of y.
            Parallel.forRuns(n * numGroups, m, TASK_FLOATS, (from, to) -> {
                for (int ng = from; ng < to; ng++) {
                    int base = xo + ng * m;
                    // Two-pass statistics, summed in double (vectorised: ReductionKernels widens floats to doubles).
                    double mu = ReductionKernels.sumDouble(xs, base, m) / m;
                    double sq = ReductionKernels.sumSquaredDeviationsDouble(xs, base, m, mu);
                    double r = 1 / Math.sqrt(sq / m + eps);
                    mean[ng] = mu;
                    rstd[ng] = r;
                    normalizeGroup(xs, base, y, base - xo, (ng % numGroups) * cg, cg, s, mu, r, gamma, beta);
                    if (silu) {
                        // z = y·σ(y) in place, over the whole group while it is in cache: one call per group rather
                        // than per channel, whose short rows (49 floats at 7×7) each ended in a masked tail.
                        ElementwiseKernels.unary(UnaryOp.SILU, y, base - xo, y, base - xo, m);
                    }
                }
            });
            Variable[] inputs = weight == null ? new Variable[] {x} : new Variable[] {x, weight, bias};
            return recording(Arrays.asList(inputs))
                    ? new GroupNorm(inputs, numGroups, xc, gamma, beta, mean, rstd, silu).output(yt)
                    : new Variable(yt);
        }

        @Override
        protected Tensor[] backward(Tensor gradOutput) {
            Tensor gc = contiguous(gradOutput);                                // [N, C, S] flat
            float[] dy = gc.data();
            int dyo = gc.offset();
            Tensor xt = x.get();
            float[] xs = xt.data();
            int xo = xt.offset();
            int s = spatial;
            int cg = c / groups;
            int m = cg * s;
            // One task per (sample, group), so that the group's dy and x are read from memory once and are still
            // in cache for dx (two passes over the whole tensors made the 2-thread backward memory-bound:
            // no faster than one thread).
            // 1. Per (n, c) of the group: a = Σ_s dy·x, b = Σ_s dy.
            // 2. dx for the group.
            // With SiLU, step 0 per group: y recomputed from x, and the group norm's gradient dy·silu'(y) in its place.
            double[] a = new double[n * c];
            double[] b = new double[n * c];
            boolean wantDx = needsInputGrad(0);
            Tensor dxt = wantDx ? Tensor.empty(inputShape(0)) : null;
            float[] dx = wantDx ? dxt.data() : null;
            Parallel.forRuns(n * groups, m, TASK_FLOATS, (from, to) -> {
                // Per-thread buffers, one group long: a task body runs once per claimed task.
                float[] yGroup = silu ? SILU_INPUT.floats(m) : null;
                float[] dyGroup = silu ? SILU_GRADIENT.floats(m) : null;
                for (int ng = from; ng < to; ng++) {
                    int nIdx = ng / groups;
                    int c0 = (ng % groups) * cg;
                    float[] g = dy;                                            // the gradient of the group norm's y
                    int go = dyo;
                    if (silu) {
                        siluGradient(ng, dy, dyo, xs, xo, yGroup, dyGroup);
                        g = dyGroup;
                        go = -ng * m;                                         // so that g[go + off] is this group's
                    }
                    for (int ci = c0; ci < c0 + cg; ci++) {
                        int nc = nIdx * c + ci;
                        int off = nc * s;
                        a[nc] = ReductionKernels.dotDouble(g, go + off, xs, xo + off, s);
                        b[nc] = ReductionKernels.sumDouble(g, go + off, s);
                    }
                    if (!wantDx) {
                        continue;
                    }
                    double mu = mean[ng];
                    double r = rstd[ng];
                    double sumGb = 0;
                    double sumGa = 0;
                    for (int ci = c0; ci < c0 + cg; ci++) {
                        double gm = affine ? gamma[ci] : 1;
                        sumGb += gm * b[nIdx * c + ci];
                        sumGa += gm * (a[nIdx * c + ci] - mu * b[nIdx * c + ci]);
                    }
                    double meanDyG = sumGb / m;                                // mean_g(dy·γ)
                    double meanDyGXhat = r * sumGa / m;                        // mean_g(dy·γ·x̂)
                    for (int ci = c0; ci < c0 + cg; ci++) {
                        double gm = affine ? gamma[ci] : 1;
                        int off = (nIdx * c + ci) * s;
                        // dx = rstd·(dy·γ − mean(dy·γ) − x̂·mean(dy·γ·x̂)), in double (vectorised; twin in
                        // ElementwiseReference).
                        ElementwiseKernels.groupNormInputGradient(g, go + off, xs, xo + off, dx, off, s, mu, r, gm,
                                meanDyG, meanDyGXhat);
                    }
                }
            });
            releaseContiguous(gc, gradOutput);                                 // dy's copy, if one was made
            Tensor[] grads = new Tensor[inputCount()];
            if (wantDx) {
                grads[0] = dxt;
            }
            // 3. dγ_c = Σ_n rstd·(a − μ b), dβ_c = Σ_n b, summed over n in order.
            if (affine && (needsInputGrad(1) || needsInputGrad(2))) {
                float[] dGamma = new float[c];
                float[] dBeta = new float[c];
                for (int ci = 0; ci < c; ci++) {
                    double sg = 0;
                    double sb = 0;
                    for (int nIdx = 0; nIdx < n; nIdx++) {
                        int ng = nIdx * groups + ci / cg;
                        sg += rstd[ng] * (a[nIdx * c + ci] - mean[ng] * b[nIdx * c + ci]);
                        sb += b[nIdx * c + ci];
                    }
                    dGamma[ci] = (float) sg;
                    dBeta[ci] = (float) sb;
                }
                grads[1] = needsInputGrad(1) ? Tensor.wrap(dGamma, c) : null;
                grads[2] = needsInputGrad(2) ? Tensor.wrap(dBeta, c) : null;
            }
            return grads;
        }

        /**
         * Floats of x a parallel task of group norm covers, at least ({@link Parallel#forRuns}: runs of consecutive
         * (sample, group) pairs; 128 KB). Over the U-Net's six group-norm shapes at batch 64 (one JVM, forward /
         * backward, ms summed over ten rounds), two threads: a pair per task 504 / 604, 8192 floats 415 / 553 and
         * 399 / 506, 32768 floats 374 / 511 and 392 / 498; one thread 535-566 / 834-881 whatever the size.
         */
        static final int TASK_FLOATS = 32768;

        /** Pairs per parallel task for groups of m floats, as {@link Parallel#forRuns} cuts them (for the tests). */
        static int pairsPerTask(int m) {
            return Math.max(1, TASK_FLOATS / Math.max(1, m));
        }

        /**
         * With SiLU: group ng's y recomputed from x and the statistics into {@code yGroup} (as forward wrote it), and
         * the group norm's gradient dz·silu'(y) into {@code gradGroup}.
         */
        private void siluGradient(int ng, float[] dz, int dzo, float[] xs, int xo, float[] yGroup, float[] gradGroup) {
            int cg = c / groups;
            int groupStart = ng * cg * spatial;
            normalizeGroup(xs, xo + groupStart, yGroup, 0, (ng % groups) * cg, cg, spatial, mean[ng], rstd[ng], gamma,
                    beta);
            ElementwiseKernels.siluBackward(dz, dzo + groupStart, yGroup, 0, gradGroup, 0, cg * spatial);
        }

        /**
         * y = (x − μ)·γ/σ + β for the cg channels of one group (channels c0.., each s floats, from {@code x[xOff]}
         * into {@code y[yOff]}), in double and rounded once (vectorised; twin in ElementwiseReference). Forward
         * and the SiLU backward's recomputation both call it, so the recomputed y is forward's, bit for bit.
         */
        private static void normalizeGroup(float[] x, int xOff, float[] y, int yOff, int c0, int cg, int s, double mu,
                                           double r, float[] gamma, float[] beta) {
            for (int ci = 0; ci < cg; ci++) {
                double gm = gamma == null ? r : gamma[c0 + ci] * r;
                double bt = beta == null ? 0 : beta[c0 + ci];
                ElementwiseKernels.shiftScaleInDouble(x, xOff + ci * s, y, yOff + ci * s, s, mu, gm, bt);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Layer norm
    // ---------------------------------------------------------------------------------------------

    /**
     * {@code F.layer_norm(x, normalizedShape, weight, bias, eps)}: x [..., *normalizedShape], statistics
     * over the trailing {@code normalizedShape.length} dims; weight and bias shaped {@code normalizedShape}
     * or null.
     */
    public static Variable layerNorm(Variable x, int[] normalizedShape, Variable weight, Variable bias, double eps) {
        int[] shape = x.shape();
        int k = normalizedShape.length;
        boolean fits = k >= 1 && shape.length >= k
                && Arrays.equals(Arrays.copyOfRange(shape, shape.length - k, shape.length), normalizedShape);
        if (!fits) {
            throw new IllegalArgumentException("layer_norm: input " + Arrays.toString(shape)
                    + " does not end with normalized_shape " + Arrays.toString(normalizedShape));
        }
        for (Variable p : new Variable[] {weight, bias}) {
            if (p != null && !Arrays.equals(p.shape(), normalizedShape)) {
                throw new IllegalArgumentException("layer_norm: weight and bias must have shape "
                        + Arrays.toString(normalizedShape) + ", got " + Arrays.toString(p.shape()));
            }
        }
        int[] dims = new int[k];
        for (int i = 0; i < k; i++) {
            dims[i] = shape.length - k + i;
        }
        Variable mean = x.mean(dims, true);                                  // [..., 1, .., 1]
        Variable var = x.var(dims, false, true);                             // [..., 1, .., 1], biased
        Variable y = x.sub(mean).mul(var.add((float) eps).rsqrt());          // [..., *normalizedShape]
        if (weight != null) {
            y = y.mul(weight);
        }
        return bias == null ? y : y.add(bias);
    }

    // ---------------------------------------------------------------------------------------------
    // Batch norm
    // ---------------------------------------------------------------------------------------------

    /**
     * {@code F.batch_norm(x, runningMean, runningVar, weight, bias, training, momentum, eps)}: x [N, C, *].
     * In training, statistics are the batch's per channel (biased variance) and, when the running tensors
     * are given, they are updated in place as PyTorch does:
     * {@code running ← (1 − momentum)·running + momentum·batch}, with the UNBIASED batch variance
     * (n/(n − 1) times the biased one, n = N·S). Otherwise the running statistics normalise, as constants.
     */
    public static Variable batchNorm(Variable x, Tensor runningMean, Tensor runningVar, Variable weight, Variable bias,
                                     boolean training, double momentum, double eps) {
        int[] shape = x.shape();
        if (shape.length < 2) {
            throw new IllegalArgumentException("batch_norm: expected an input [N, C, *], got shape " + Arrays.toString(shape));
        }
        int c = shape[1];
        checkChannelVector("batch_norm", "weight", weight, c);
        checkChannelVector("batch_norm", "bias", bias, c);
        for (Tensor t : new Tensor[] {runningMean, runningVar}) {
            if (t != null && (t.dim() != 1 || t.size(0) != c)) {
                throw new IllegalArgumentException("batch_norm: running statistics must have shape [" + c + "], got "
                        + Arrays.toString(t.shape()));
            }
        }
        int[] dims = new int[shape.length - 1];                              // every dim but C
        dims[0] = 0;
        for (int d = 2; d < shape.length; d++) {
            dims[d - 1] = d;
        }
        int[] channelShape = new int[shape.length];                          // [1, C, 1, ..]
        Arrays.fill(channelShape, 1);
        channelShape[1] = c;
        Variable xHat;
        if (training) {
            int count = x.numel() / Math.max(1, c);
            if (count <= 1) {
                throw new IllegalArgumentException("batch_norm: expected more than 1 value per channel when training, got input size "
                        + Arrays.toString(shape));
            }
            Variable mean = x.mean(dims, true);                              // [1, C, 1, ..]
            Variable var = x.var(dims, false, true);                         // [1, C, 1, ..], biased
            xHat = x.sub(mean).mul(var.add((float) eps).rsqrt());            // [N, C, *]
            try (NoGrad ignored = NoGrad.enter()) {
                float m = (float) momentum;
                if (runningMean != null) {
                    runningMean.mulInPlace(1 - m).addInPlace(mean.value().reshape(c), m);
                }
                if (runningVar != null) {
                    Tensor unbiased = var.value().reshape(c).mul((float) count / (count - 1));
                    runningVar.mulInPlace(1 - m).addInPlace(unbiased, m);
                }
            }
        } else {
            if (runningMean == null || runningVar == null) {
                throw new IllegalArgumentException("batch_norm: evaluation needs running_mean and running_var");
            }
            Tensor mean = runningMean.reshape(channelShape);                 // [1, C, 1, ..]
            Tensor rstd = runningVar.add((float) eps).rsqrt().reshape(channelShape);
            xHat = x.sub(new Variable(mean)).mul(new Variable(rstd));        // [N, C, *]
        }
        return affine(xHat, c, weight, bias);
    }

    // ---------------------------------------------------------------------------------------------
    // Shared
    // ---------------------------------------------------------------------------------------------

    /** {@code y = x̂·γ + β} with γ, β [C] broadcast over [N, C, *]; either may be null. */
    private static Variable affine(Variable xHat, int c, Variable weight, Variable bias) {
        int[] channelShape = new int[xHat.dim()];
        Arrays.fill(channelShape, 1);
        channelShape[1] = c;
        Variable y = xHat;
        if (weight != null) {
            y = y.mul(weight.reshape(channelShape));
        }
        if (bias != null) {
            y = y.add(bias.reshape(channelShape));
        }
        return y;
    }

    private static void checkChannelVector(String op, String name, Variable v, int c) {
        if (v != null && (v.dim() != 1 || v.size(0) != c)) {
            throw new IllegalArgumentException(op + ": " + name + " must have shape [" + c + "], got "
                    + Arrays.toString(v.shape()));
        }
    }
}
