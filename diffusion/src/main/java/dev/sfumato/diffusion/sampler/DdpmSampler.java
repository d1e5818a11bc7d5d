package dev.sfumato.diffusion.sampler;

import dev.sfumato.diffusion.process.ForwardProcess;
import dev.sfumato.diffusion.process.PredictionType;
import dev.sfumato.diffusion.schedule.NoiseSchedule;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;

/**
 * Ancestral sampling (Ho et al. 2020, Algorithm 2): for t = T−1 .. 0,
 * x_{t−1} = μ̃_t(x̂_0, x_t) + σ_t z with z ~ N(0, I), and no noise at t = 0.
 *
 * <p>As in the original {@code diffusion_utils_2.py} ({@code p_mean_variance}, {@code p_sample}), the mean
 * is the posterior mean (eq. 7) of the model's x̂_0, clipped to [−1, 1] by default, rather than eq. 11
 * written with ε̂; the two agree when nothing is clipped. Variance: {@link Variance#FIXED_LARGE} (σ² = β_t)
 * or {@link Variance#FIXED_SMALL} (σ² = β̃_t). One T-step run draws T normal tensors from the generator:
 * x_T, then z at every t &gt; 0. Shapes: {@code [N, C, H, W]}.
 *
 * <p>Defaults: ε-prediction, {@code FIXED_LARGE}, clipping on. Options read like keyword arguments:
 * {@code new DdpmSampler(schedule).variance(Variance.FIXED_SMALL).clipDenoised(false)}.
 */
public final class DdpmSampler implements Sampler {

    /** The fixed reverse-process variances of Ho et al. 2020, §3.2 ("fixedlarge" and "fixedsmall"). */
    public enum Variance {
        /**
         * σ_t² = β_t, except at t = 0 where it is β̃_1: the original code's
         * {@code np.log(np.append(posterior_variance[1], betas[1:]))}, chosen there for a better decoder
         * likelihood. Sampling adds no noise at t = 0, so the exception never changes a sample.
         */
        FIXED_LARGE,
        /** σ_t² = β̃_t (Ho et al. 2020, eq. 7), with the clipped log variance at t = 0. */
        FIXED_SMALL;

        /** log σ_t² for every t, length T. */
        public double[] logVariance(NoiseSchedule schedule) {
            if (this == FIXED_SMALL) {
                return schedule.posteriorLogVarianceClipped();
            }
            double[] betas = schedule.betas();
            double[] posteriorVariance = schedule.posteriorVariance();
            double[] log = new double[betas.length];
            for (int t = 0; t < betas.length; t++) {
                log[t] = Math.log(t == 0 ? posteriorVariance[Math.min(1, betas.length - 1)] : betas[t]);
            }
            return log;
        }
    }

    private final ForwardProcess process;
    private PredictionType predictionType = PredictionType.EPS;
    private Variance variance = Variance.FIXED_LARGE;
    private boolean clipDenoised = true;

    /** Samples with all T steps of {@code schedule}. */
    public DdpmSampler(NoiseSchedule schedule) {
        this.process = new ForwardProcess(schedule);
    }

    /** What the model predicts (default ε). */
    public DdpmSampler predictionType(PredictionType predictionType) {
        this.predictionType = predictionType;
        return this;
    }

    /** The reverse-process variance (default {@link Variance#FIXED_LARGE}). */
    public DdpmSampler variance(Variance variance) {
        this.variance = variance;
        return this;
    }

    /** Whether x̂_0 is clipped to [−1, 1] before the posterior mean (default true). */
    public DdpmSampler clipDenoised(boolean clipDenoised) {
        this.clipDenoised = clipDenoised;
        return this;
    }

    @Override
    public Tensor sample(Denoiser model, int[] shape, Tensor classLabels, Generator g, SamplingListener listener) {
        NoiseSchedule schedule = process.schedule();
        int numTimesteps = schedule.numTimesteps();
        double[] logVariance = variance.logVariance(schedule);
        Tensor xt = Tensor.randn(g, shape); // x_T ~ N(0, I), [N, C, H, W]
        for (int step = 0; step < numTimesteps; step++) {
            int t = numTimesteps - 1 - step;
            Tensor tBatch = Tensor.full(t, shape[0]); // [N]

            // 1. The model's x̂_0, clipped to the data range [−1, 1].
            Tensor output = model.predict(xt, tBatch, classLabels);
            Tensor x0 = predictionType.predictX0(process, xt, tBatch, output);
            if (clipDenoised) {
                x0 = x0.clamp(-1f, 1f);
            }
            listener.onStep(step, t, xt, x0);

            // 2. Ho et al. 2020, eq. 7: the mean of q(x_{t−1} | x_t, x̂_0).
            Tensor mean = process.qPosteriorMeanVariance(x0, xt, tBatch).mean();

            // 3. Algorithm 2, line 4: x_{t−1} = μ + σ_t z; line 3: z = 0 at the last step.
            if (t > 0) {
                float sigma = (float) Math.exp(0.5 * logVariance[t]);
                Tensor z = Tensor.randn(g, shape);
                xt = mean.add(z.mul(sigma));
            } else {
                xt = mean;
            }
        }
        return xt;
    }
}
