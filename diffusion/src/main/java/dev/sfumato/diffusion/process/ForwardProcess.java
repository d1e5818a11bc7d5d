package dev.sfumato.diffusion.process;

import dev.sfumato.diffusion.schedule.NoiseSchedule;
import dev.sfumato.tensor.Tensor;

/**
 * The forward process x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε of a {@link NoiseSchedule}, its inversions, and its posterior.
 *
 * <p>Every function takes a batch {@code [N, ...]} and timesteps {@code t} of shape {@code [N]} (integers
 * held as floats); each sample uses its own timestep. Coefficients come from the schedule's double tables
 * and are rounded to float once, by {@link NoiseSchedule#extract}; the arithmetic is float32, in the order
 * of {@code improved-diffusion}'s {@code GaussianDiffusion}.
 *
 * <p>References: Ho et al. 2020, eq. 4 (q(x_t | x_0)), eq. 6-7 (the posterior); Salimans &amp; Ho 2022, §4
 * and appendix D (v-parameterisation).
 */
public final class ForwardProcess {

    private final NoiseSchedule schedule;

    public ForwardProcess(NoiseSchedule schedule) {
        this.schedule = schedule;
    }

    /** The schedule whose tables this process uses. */
    public NoiseSchedule schedule() {
        return schedule;
    }

    /** {@code table[t_i]} shaped {@code [N, 1, ..., 1]} to broadcast against {@code like}. */
    private static Tensor coef(double[] table, Tensor t, Tensor like) {
        return NoiseSchedule.extract(table, t, like.dim());
    }

    /** Ho et al. 2020, eq. 4: x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε. All {@code [N, C, H, W]}. */
    public Tensor qSample(Tensor x0, Tensor t, Tensor eps) {
        Tensor a = coef(schedule.sqrtAlphaBar(), t, x0);         // [N, 1, 1, 1]
        Tensor s = coef(schedule.sqrtOneMinusAlphaBar(), t, x0); // [N, 1, 1, 1]
        return a.mul(x0).add(s.mul(eps));                        // [N, C, H, W]
    }

    /** Eq. 4 solved for x_0: x_0 = √(1/ᾱ_t) x_t − √(1/ᾱ_t − 1) ε. */
    public Tensor predictX0FromEps(Tensor xt, Tensor t, Tensor eps) {
        Tensor a = coef(schedule.sqrtRecipAlphaBar(), t, xt);
        Tensor b = coef(schedule.sqrtRecipM1AlphaBar(), t, xt);
        return a.mul(xt).sub(b.mul(eps));
    }

    /** Eq. 4 solved for ε: ε = (√(1/ᾱ_t) x_t − x_0) / √(1/ᾱ_t − 1). */
    public Tensor predictEpsFromX0(Tensor xt, Tensor t, Tensor x0) {
        Tensor a = coef(schedule.sqrtRecipAlphaBar(), t, xt);
        Tensor b = coef(schedule.sqrtRecipM1AlphaBar(), t, xt);
        return a.mul(xt).sub(x0).div(b);
    }

    /** Salimans &amp; Ho 2022, §4: v = √ᾱ_t ε − √(1 − ᾱ_t) x_0. */
    public Tensor v(Tensor x0, Tensor t, Tensor eps) {
        Tensor a = coef(schedule.sqrtAlphaBar(), t, x0);
        Tensor s = coef(schedule.sqrtOneMinusAlphaBar(), t, x0);
        return a.mul(eps).sub(s.mul(x0));
    }

    /** Salimans &amp; Ho 2022, §4: x_0 = √ᾱ_t x_t − √(1 − ᾱ_t) v. */
    public Tensor predictX0FromV(Tensor xt, Tensor t, Tensor v) {
        Tensor a = coef(schedule.sqrtAlphaBar(), t, xt);
        Tensor s = coef(schedule.sqrtOneMinusAlphaBar(), t, xt);
        return a.mul(xt).sub(s.mul(v));
    }

    /** Salimans &amp; Ho 2022, §4: ε = √ᾱ_t v + √(1 − ᾱ_t) x_t. */
    public Tensor predictEpsFromV(Tensor xt, Tensor t, Tensor v) {
        Tensor a = coef(schedule.sqrtAlphaBar(), t, xt);
        Tensor s = coef(schedule.sqrtOneMinusAlphaBar(), t, xt);
        return a.mul(v).add(s.mul(xt));
    }

    /**
     * Ho et al. 2020, eq. 6-7: the mean μ̃_t = coef1 · x_0 + coef2 · x_t and the variance β̃_t (and its
     * clipped log) of q(x_{t−1} | x_t, x_0). The variances are {@code [N, 1, 1, 1]}.
     */
    public Posterior qPosteriorMeanVariance(Tensor x0, Tensor xt, Tensor t) {
        Tensor c1 = coef(schedule.posteriorMeanCoef1(), t, xt); // [N, 1, 1, 1]
        Tensor c2 = coef(schedule.posteriorMeanCoef2(), t, xt); // [N, 1, 1, 1]
        Tensor mean = c1.mul(x0).add(c2.mul(xt));                // [N, C, H, W]
        Tensor variance = coef(schedule.posteriorVariance(), t, xt);
        Tensor logVariance = coef(schedule.posteriorLogVarianceClipped(), t, xt);
        return new Posterior(mean, variance, logVariance);
    }
}
