package dev.sfumato.nn.functional;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.Arrays;

import static dev.sfumato.nn.functional.Draw.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradient checks of group, layer and batch norm (train and eval), with and without the affine
 * parameters, over random shapes; and the fused group norm against its composite twin. Inputs that are
 * normalised come from {@link Draw#alternating}, which keeps every normalised set well spread.
 */
class NormalizationGradientProperties {

    /** [N, C, *] with C a multiple of the group count and 0-2 spatial dims. */
    private static int[] groupNormShape(Draw d, int groups) {
        int[] shape = new int[2 + d.between(0, 2)];
        shape[0] = d.between(1, 2);
        shape[1] = groups * d.between(1, 3);
        for (int i = 2; i < shape.length; i++) {
            shape[i] = d.between(1, 3);
        }
        return shape;
    }

    @Property(tries = 40)
    @GradientOf(nodes = Normalization.GroupNorm.class, functions = "Normalization.groupNorm")
    void groupNormFused(@ForAll long seed) {
        Draw d = new Draw(seed);
        int groups = d.between(1, 3);
        int[] shape = groupNormShape(d, groups);
        double eps = 1e-5;
        if (d.coin()) {
            check(in -> Normalization.groupNorm(in.get(0), groups, in.get(1), in.get(2), eps),
                    d.alternating(shape), d.normal(shape[1]), d.normal(shape[1]));
        } else {
            check(in -> Normalization.groupNorm(in.get(0), groups, null, null, eps), d.alternating(shape));
        }
    }

    @Property(tries = 20)
    @GradientOf(functions = "Normalization.groupNormComposite")
    void groupNormComposite(@ForAll long seed) {
        Draw d = new Draw(seed);
        int groups = d.between(1, 3);
        int[] shape = groupNormShape(d, groups);
        check(in -> Normalization.groupNormComposite(in.get(0), groups, in.get(1), in.get(2), 1e-5),
                d.alternating(shape), d.normal(shape[1]), d.normal(shape[1]));
    }

    /** Weight without bias (or the reverse) is legal; the fused op hands it to the composite. */
    @Property(tries = 10)
    @GradientOf(functions = "Normalization.groupNorm")
    void groupNormWeightOnly(@ForAll long seed) {
        Draw d = new Draw(seed);
        int[] shape = groupNormShape(d, 1);
        check(in -> Normalization.groupNorm(in.get(0), 1, in.get(1), null, 1e-5), d.alternating(shape), d.normal(shape[1]));
    }

    /** The fused primitive equals the composite in value and in every gradient, to rounding. */
    @Property(tries = 60)
    void groupNormFusedEqualsComposite(@ForAll long seed) {
        Draw d = new Draw(seed);
        int groups = d.between(1, 4);
        int[] shape = groupNormShape(d, groups);
        shape[0] = d.between(1, 4);
        Tensor x = d.normal(shape).mul(3f).add(1f);
        Tensor gamma = d.normal(shape[1]);
        Tensor beta = d.normal(shape[1]);
        Tensor dy = d.normal(shape);
        Variable[] fused = {new Variable(x, true), new Variable(gamma, true), new Variable(beta, true)};
        Variable[] comp = {new Variable(x, true), new Variable(gamma, true), new Variable(beta, true)};
        Variable yf = Normalization.groupNorm(fused[0], groups, fused[1], fused[2], 1e-5);
        Variable yc = Normalization.groupNormComposite(comp[0], groups, comp[1], comp[2], 1e-5);
        String what = Arrays.toString(shape) + " groups " + groups;
        Tensor groupVar = x.reshape(shape[0], groups, -1).var(new int[] {2}, false, false);
        double rstdMax = 1 / Math.sqrt(groupVar.min().item() + 1e-5);
        // The composite rounds x − mean in float, an error of about ulp(|x|)/σ relative to x̂ (see below).
        double conditioning = Math.max(1, 8 * maxAbs(x) * rstdMax);
        // Forward: both against y computed in double. The fused op (statistics in double) must meet the tight
        // bound; the composite's bound grows with its conditioning. (Seed -143740: the composite and the fused op
        // differed by 1.1e-5 at y ≈ −0.115, beyond the tight bound, when the composite was the reference.)
        Tensor exactY = groupNormForwardInDouble(x, gamma, beta, groups, 1e-5);
        assertNear(exactY, yf.value(), "fused forward vs double " + what);
        assertNear(exactY, yc.value(), maxAbs(exactY) * conditioning, "composite forward vs double " + what);
        yf.backward(dy);
        yc.backward(dy);
        // dx = rstd·(dy·γ − mean(dy·γ) − x̂·mean(dy·γ·x̂)) cancels (exactly, for groups of two elements), so
        // its rounding is relative to its terms, of size max|dy|·max|γ|·max rstd, not to its value.
        double dxTerms = maxAbs(dy) * Math.max(1, maxAbs(gamma)) * rstdMax;
        // Both are compared with dx computed in double. The fused op (sums in double) must meet the tight
        // bound. The composite rounds x − mean in float, an error of about ulp(|x|)/σ relative to x̂ that
        // the terms then carry: its bound grows with max|x|·rstd. (Seed -359: a group with σ = 0.018 and
        // |x| ≈ 1; fused equalled the double result, the composite was 3e-4 off, beyond the tight bound.)
        Tensor exact = groupNormDxInDouble(x, gamma, dy, groups, 1e-5);
        assertNear(exact, fused[0].grad(), dxTerms, "fused dx vs double " + what);
        assertNear(exact, comp[0].grad(), dxTerms * conditioning, "composite dx vs double " + what);
        // dγ_c = Σ dy·x̂ and dβ_c = Σ dy, against sums in double. The fused op must meet the tight bound; the
        // composite's x̂ carries the same conditioning-scaled error as above, now in every summand, so its bound
        // is the size of the summands, Σ|dy·x̂|, times the conditioning. (Seed 8186: [4, 2], one group of two
        // elements per sample; the composite's dγ was 3.3e-5 relative off, the fused op matched the double sum.)
        Tensor[] exactAffine = groupNormAffineGradsInDouble(x, dy, groups, 1e-5);
        assertNear(exactAffine[0], fused[1].grad(), "fused dgamma vs double " + what);
        assertNear(exactAffine[0], comp[1].grad(), maxAbs(exactAffine[2]) * conditioning,
                "composite dgamma vs double " + what);
        assertNear(exactAffine[1], fused[2].grad(), "fused dbeta vs double " + what);
        assertNear(exactAffine[1], comp[2].grad(), maxAbs(exactAffine[3]), "composite dbeta vs double " + what);
    }

    @Property(tries = 30)
    @GradientOf(functions = "Normalization.groupNormSilu")
    void groupNormSilu(@ForAll long seed) {
        Draw d = new Draw(seed);
        int groups = d.between(1, 3);
        int[] shape = groupNormShape(d, groups);
        if (d.coin()) {
            check(in -> Normalization.groupNormSilu(in.get(0), groups, in.get(1), in.get(2), 1e-5),
                    d.alternating(shape), d.normal(shape[1]), d.normal(shape[1]));
        } else {
            check(in -> Normalization.groupNormSilu(in.get(0), groups, null, null, 1e-5), d.alternating(shape));
        }
    }

    /**
     * silu(group_norm) fused is group_norm then silu, bit for bit: the same kernels on the same floats, forward
     * and every gradient, with and without γ and β, on 1 and 2 threads (groups are split across tasks).
     */
    @Property(tries = 40)
    void groupNormSiluEqualsGroupNormThenSilu(@ForAll long seed) throws Exception {
        Draw d = new Draw(seed);
        int groups = d.between(1, 4);
        int[] shape = groupNormShape(d, groups);
        shape[0] = d.between(1, 5);
        boolean affine = d.coin();
        Tensor x = d.normal(shape).mul(3f).add(1f);
        Tensor gamma = d.normal(shape[1]);
        Tensor beta = d.normal(shape[1]);
        Tensor dz = d.normal(shape);
        int threadsBefore = dev.sfumato.tensor.Parallel.threads();
        try {
            for (int threads = 1; threads <= 2; threads++) {
                dev.sfumato.tensor.Parallel.setThreads(threads);
                Variable[] fused = {new Variable(x, true), new Variable(gamma, true), new Variable(beta, true)};
                Variable[] pair = {new Variable(x, true), new Variable(gamma, true), new Variable(beta, true)};
                Variable zf = Normalization.groupNormSilu(fused[0], groups, affine ? fused[1] : null,
                        affine ? fused[2] : null, 1e-5);
                Variable zp = Normalization.groupNorm(pair[0], groups, affine ? pair[1] : null,
                        affine ? pair[2] : null, 1e-5).silu();
                String what = Arrays.toString(shape) + " groups " + groups + " affine " + affine + " threads " + threads;
                assertArrayEquals(zp.value().toArray(), zf.value().toArray(), "forward " + what);
                zf.backward(dz);
                zp.backward(dz);
                assertArrayEquals(pair[0].grad().toArray(), fused[0].grad().toArray(), "dx " + what);
                if (affine) {
                    assertArrayEquals(pair[1].grad().toArray(), fused[1].grad().toArray(), "dgamma " + what);
                    assertArrayEquals(pair[2].grad().toArray(), fused[2].grad().toArray(), "dbeta " + what);
                }
            }
        } finally {
            dev.sfumato.tensor.Parallel.setThreads(threadsBefore);
        }
    }

    /**
     * Inputs large enough that a parallel task holds several (sample, group) pairs, over several tasks, the last
     * one often partial ({@link Normalization.GroupNorm#pairsPerTask}): the fused silu(group_norm) equals the composite then silu to
     * rounding, forward and input gradient, and gives the same bits on 1 and on 2 threads.
     */
    @Property(tries = 8)
    void groupNormSiluOverSeveralPairsPerTask(@ForAll long seed) throws Exception {
        Draw d = new Draw(seed);
        int groups = d.between(3, 4);
        int[] shape = {0, groups * d.between(1, 2), d.between(20, 34), d.between(20, 34)};
        int m = shape[1] / groups * shape[2] * shape[3];
        int per = Normalization.GroupNorm.pairsPerTask(m);
        shape[0] = Math.ceilDiv(2 * per + d.between(1, per - 1), groups);   // three tasks, the last usually partial
        int pairs = shape[0] * groups;
        assertTrue(per > 1 && pairs > per, "the draw must put several pairs in a task and need several tasks: "
                + Arrays.toString(shape) + " groups " + groups + ", " + per + " pairs per task");
        Tensor x = d.normal(shape).mul(2f).add(0.5f);
        Tensor gamma = d.normal(shape[1]);
        Tensor beta = d.normal(shape[1]);
        Tensor dz = d.normal(shape);
        String what = Arrays.toString(shape) + " groups " + groups;
        Variable cx = new Variable(x, true);
        Variable composite = Normalization.groupNormComposite(cx, groups, new Variable(gamma), new Variable(beta), 1e-5)
                .silu();
        composite.backward(dz);
        float[][] first = null;
        int threadsBefore = dev.sfumato.tensor.Parallel.threads();
        try {
            for (int threads = 1; threads <= 2; threads++) {
                dev.sfumato.tensor.Parallel.setThreads(threads);
                Variable fx = new Variable(x, true);
                Variable fz = Normalization.groupNormSilu(fx, groups, new Variable(gamma), new Variable(beta), 1e-5);
                fz.backward(dz);
                assertNear(composite.value(), fz.value(), "forward " + what);
                assertNear(cx.grad(), fx.grad(), m, "dx " + what);
                float[][] now = {fz.value().toArray(), fx.grad().toArray()};
                if (first == null) {
                    first = now;
                } else {
                    assertArrayEquals(first[0], now[0], "forward, 1 vs 2 threads, " + what);
                    assertArrayEquals(first[1], now[1], "dx, 1 vs 2 threads, " + what);
                }
            }
        } finally {
            dev.sfumato.tensor.Parallel.setThreads(threadsBefore);
        }
    }

    /** Regression: the seeds that exposed the composite's conditioning (see groupNormFusedEqualsComposite). */
    @net.jqwik.api.Example
    void groupNormFusedEqualsCompositeIllConditionedGroup() {
        groupNormFusedEqualsComposite(-359);
        groupNormFusedEqualsComposite(-143740);
        groupNormFusedEqualsComposite(8186);
    }

    /**
     * The fused group norm reads x in place and saves it with its version: writing to x between forward and
     * backward is refused, as in PyTorch, instead of differentiating at values x no longer has.
     */
    @net.jqwik.api.Example
    void groupNormRefusesAnInputModifiedBeforeBackward() {
        Variable x = Variable.param(Tensor.randn(new dev.sfumato.tensor.Generator(3), 2, 4, 3, 3));
        Variable h = x.mul(2f);
        Variable y = Normalization.groupNorm(h, 2, Variable.param(Tensor.ones(4)), Variable.param(Tensor.zeros(4)), 1e-5);
        Variable loss = y.mul(y).sum();
        h.value().set(5f, 0, 0, 0, 0);
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().startsWith("in-place modification: group_norm saved a tensor at version"), e.getMessage());
    }

    /** The body of {@link #forEachGroup}: one (sample, group) of x, with its statistics in double. */
    private interface GroupBody {
        void run(int base, int c0, int hw, int m, double mean, double rstd);
    }

    /**
     * Calls {@code body} for every (sample, group) of x [N, C, *] (flattened to {@code xs}) with the group's
     * offset, first channel, plane size, element count and two-pass double mean and 1/√(var + eps).
     */
    private static void forEachGroup(float[] xs, int[] shape, int groups, double eps, GroupBody body) {
        int n = shape[0];
        int c = shape[1];
        int hw = xs.length / (n * c);
        int cg = c / groups;
        int m = cg * hw;
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < groups; g++) {
                int base = (b * c + g * cg) * hw;
                double mean = 0;
                for (int i = 0; i < m; i++) {
                    mean += xs[base + i];
                }
                mean /= m;
                double var = 0;
                for (int i = 0; i < m; i++) {
                    var += (xs[base + i] - mean) * (xs[base + i] - mean);
                }
                body.run(base, g * cg, hw, m, mean, 1 / Math.sqrt(var / m + eps));
            }
        }
    }

    /** y of affine group norm computed in double from the float inputs, rounded to float once at the end. */
    private static Tensor groupNormForwardInDouble(Tensor x, Tensor gamma, Tensor beta, int groups, double eps) {
        float[] xs = x.contiguous().toArray();
        float[] gs = gamma.toArray();
        float[] bs = beta.toArray();
        float[] y = new float[xs.length];
        forEachGroup(xs, x.shape(), groups, eps, (base, c0, hw, m, mean, rstd) -> {
            for (int i = 0; i < m; i++) {
                int ch = c0 + i / hw;
                y[base + i] = (float) ((xs[base + i] - mean) * rstd * gs[ch] + bs[ch]);
            }
        });
        return Tensor.wrap(y, x.shape());
    }

    /** dx of group norm (affine γ, no matter β) computed in double from the float inputs. */
    private static Tensor groupNormDxInDouble(Tensor x, Tensor gamma, Tensor dy, int groups, double eps) {
        float[] xs = x.contiguous().toArray();
        float[] gs = gamma.toArray();
        float[] dys = dy.contiguous().toArray();
        float[] dx = new float[xs.length];
        forEachGroup(xs, x.shape(), groups, eps, (base, c0, hw, m, mean, rstd) -> {
            double s1 = 0;
            double s2 = 0;
            for (int i = 0; i < m; i++) {
                double gd = (double) dys[base + i] * gs[c0 + i / hw];
                s1 += gd;
                s2 += gd * (xs[base + i] - mean) * rstd;
            }
            for (int i = 0; i < m; i++) {
                double gd = (double) dys[base + i] * gs[c0 + i / hw];
                double xHat = (xs[base + i] - mean) * rstd;
                dx[base + i] = (float) (rstd * (gd - s1 / m - xHat * s2 / m));
            }
        });
        return Tensor.wrap(dx, x.shape());
    }

    /**
     * The affine gradients of group norm computed in double from the float inputs, per channel c:
     * {@code [dγ = Σ dy·x̂, dβ = Σ dy, Σ|dy·x̂|, Σ|dy|]}, sums over the batch and the spatial positions.
     */
    private static Tensor[] groupNormAffineGradsInDouble(Tensor x, Tensor dy, int groups, double eps) {
        float[] xs = x.contiguous().toArray();
        float[] dys = dy.contiguous().toArray();
        int c = x.shape()[1];
        double[][] sums = new double[4][c];
        forEachGroup(xs, x.shape(), groups, eps, (base, c0, hw, m, mean, rstd) -> {
            for (int i = 0; i < m; i++) {
                int ch = c0 + i / hw;
                double term = dys[base + i] * (xs[base + i] - mean) * rstd;
                sums[0][ch] += term;
                sums[1][ch] += dys[base + i];
                sums[2][ch] += Math.abs(term);
                sums[3][ch] += Math.abs(dys[base + i]);
            }
        });
        Tensor[] out = new Tensor[4];
        for (int k = 0; k < 4; k++) {
            float[] f = new float[c];
            for (int ch = 0; ch < c; ch++) {
                f[ch] = (float) sums[k][ch];
            }
            out[k] = Tensor.wrap(f, c);
        }
        return out;
    }

    private static double maxAbs(Tensor t) {
        return t.abs().max().item();
    }

    private static void assertNear(Tensor expected, Tensor actual, String what) {
        assertNear(expected, actual, maxAbs(expected), what);
    }

    /**
     * Both are float32 results of short sums (the composite rounds at every step, the fused op sums in
     * double): {@code |a − e| ≤ 1e-5·|e| + 2e-6·max(1, terms)}, terms the size of the summands.
     */
    private static void assertNear(Tensor expected, Tensor actual, double terms, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        float[] e = expected.toArray();
        float[] a = actual.toArray();
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(e[i] - a[i]) <= 1e-5 * Math.abs(e[i]) + 2e-6 * Math.max(1, terms),
                    what + " differs at " + i + ": expected " + e[i] + ", got " + a[i]);
        }
    }

    @Property(tries = 30)
    @GradientOf(functions = "Normalization.layerNorm")
    void layerNorm(@ForAll long seed) {
        Draw d = new Draw(seed);
        int k = d.between(1, 2);
        int[] shape = new int[k + d.between(0, 2)];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = d.between(1, 3);
        }
        shape[shape.length - 1] = d.between(2, 4);       // at least two elements to normalise
        int[] normalized = Arrays.copyOfRange(shape, shape.length - k, shape.length);
        if (d.coin()) {
            check(in -> Normalization.layerNorm(in.get(0), normalized, in.get(1), in.get(2), 1e-5),
                    d.alternating(shape), d.normal(normalized), d.normal(normalized));
        } else {
            check(in -> Normalization.layerNorm(in.get(0), normalized, null, null, 1e-5), d.alternating(shape));
        }
    }

    @Property(tries = 30)
    @GradientOf(functions = "Normalization.batchNorm")
    void batchNormTraining(@ForAll long seed) {
        Draw d = new Draw(seed);
        int c = d.between(1, 3);
        int[] shape = {d.between(1, 3), c, d.between(1, 3), d.between(2, 3)};
        // Fresh running statistics per call: training updates them but never reads them.
        check(in -> Normalization.batchNorm(in.get(0), Tensor.zeros(c), Tensor.ones(c), in.get(1), in.get(2),
                true, 0.1, 1e-5), d.alternating(shape), d.normal(c), d.normal(c));
    }

    @Property(tries = 20)
    @GradientOf(functions = "Normalization.batchNorm")
    void batchNormEval(@ForAll long seed) {
        Draw d = new Draw(seed);
        int c = d.between(1, 3);
        int[] shape = {d.between(1, 2), c, d.between(1, 3), d.between(1, 3)};
        Tensor mean = d.normal(c);
        Tensor var = d.normal(c).abs().add(0.5f);
        check(in -> Normalization.batchNorm(in.get(0), mean, var, in.get(1), in.get(2), false, 0.1, 1e-5),
                d.normal(shape), d.normal(c), d.normal(c));
    }
}
