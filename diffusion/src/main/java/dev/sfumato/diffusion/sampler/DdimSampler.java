package dev.sfumato.diffusion.sampler;

import dev.sfumato.diffusion.process.ForwardProcess;
import dev.sfumato.diffusion.process.PredictionType;
import dev.sfumato.diffusion.schedule.NoiseSchedule;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;

/**
 * The DDIM sampler (Song et al. 2021, eq. 12): from x_t to the previous visited timestep s,
 * x_s = √ᾱ_s x̂_0 + √(1 − ᾱ_s − σ²) ε̂ + σ z, with σ = η √((1 − ᾱ_s)/(1 − ᾱ_t)) √(1 − ᾱ_t/ᾱ_s) (eq. 16).
 * η = 0 is deterministic; η = 1 is DDPM-like ancestral sampling on the chosen steps.
 *
 * <p>Steps: S timesteps of the T training steps, by {@link TimestepSpacing}. The step from the i-th visited
 * timestep goes to the (i+1)-th, and the last one to ᾱ = 1 (the original DDIM code's {@code seq_next} with
 * ᾱ_{−1} = 1; diffusers' {@code set_alpha_to_one=True}). diffusers instead takes t − T // S as the previous
 * timestep, which is the next visited one for {@code LEADING} (and {@code TRAILING} when S divides T) but
 * not for {@code LINSPACE}, {@code QUAD} or uneven gaps; following the list keeps every spacing consistent.
 *
 * <p>Clipping (on by default, as {@code improved-diffusion}'s {@code ddim_sample} and diffusers'
 * {@code clip_sample=True}): x̂_0 is clipped to [−1, 1] and ε̂ is then re-derived from the clipped x̂_0
 * (diffusers' {@code use_clipped_model_output=True}), so that eq. 12 is applied to one consistent pair.
 * Noise: x_T first, then one normal tensor on each step with σ &gt; 0. Shapes: {@code [N, C, H, W]}.
 *
 * <p>Defaults: ε-prediction, η = 0, {@link TimestepSpacing#LEADING}, clipping on.
 */
public final class DdimSampler implements Sampler {

    private final ForwardProcess process;
    private final int numSteps;
    private PredictionType predictionType = PredictionType.EPS;
    private double eta = 0.0;
    private TimestepSpacing spacing = TimestepSpacing.LEADING;
    private boolean clipDenoised = true;

    /** Samples in {@code numSteps} steps (S) of {@code schedule}'s T. */
    public DdimSampler(NoiseSchedule schedule, int numSteps) {
        if (numSteps < 1 || numSteps > schedule.numTimesteps()) {
            throw new IllegalArgumentException("DdimSampler: need 1 <= numSteps <= T = " + schedule.numTimesteps()
                    + ", got " + numSteps);
        }
        this.process = new ForwardProcess(schedule);
        this.numSteps = numSteps;
    }

    /** The S visited timesteps out of T, descending; see {@link TimestepSpacing}. */
    public static int[] timesteps(int numTrainTimesteps, int numSteps, TimestepSpacing spacing) {
        return spacing.timesteps(numTrainTimesteps, numSteps);
    }

    /** What the model predicts (default ε). */
    public DdimSampler predictionType(PredictionType predictionType) {
        this.predictionType = predictionType;
        return this;
    }

    /** η ≥ 0 of eq. 16: 0 deterministic (default), 1 ancestral. */
    public DdimSampler eta(double eta) {
        if (!(eta >= 0)) {
            throw new IllegalArgumentException("DdimSampler: eta must be >= 0, got " + eta);
        }
        this.eta = eta;
        return this;
    }

    /** How the S timesteps are chosen (default {@link TimestepSpacing#LEADING}). */
    public DdimSampler spacing(TimestepSpacing spacing) {
        this.spacing = spacing;
        return this;
    }

    /** Whether x̂_0 is clipped to [−1, 1] (default true). */
    public DdimSampler clipDenoised(boolean clipDenoised) {
        this.clipDenoised = clipDenoised;
        return this;
    }

    @Override
    public Tensor sample(Denoiser model, int[] shape, Tensor classLabels, Generator g, SamplingListener listener) {
        NoiseSchedule schedule = process.schedule();
        int[] steps = spacing.timesteps(schedule.numTimesteps(), numSteps);
        Tensor xt = Tensor.randn(g, shape); // x_T ~ N(0, I), [N, C, H, W]
        for (int i = 0; i < steps.length; i++) {
            int t = steps[i];
            int prev = i + 1 < steps.length ? steps[i + 1] : -1; // −1: ᾱ_{−1} = 1
            Tensor tBatch = Tensor.full(t, shape[0]);           // [N]

            // 1. The model's x̂_0 and ε̂; after clipping x̂_0, ε̂ is re-derived from it.
            Tensor output = model.predict(xt, tBatch, classLabels);
            Tensor x0 = predictionType.predictX0(process, xt, tBatch, output);
            Tensor eps;
            if (clipDenoised) {
                x0 = x0.clamp(-1f, 1f);
                eps = process.predictEpsFromX0(xt, tBatch, x0);
            } else {
                eps = predictionType.predictEps(process, xt, tBatch, output);
            }
            listener.onStep(i, t, xt, x0);

            // 2. Song et al. 2021, eq. 16: σ = η √((1 − ᾱ_prev)/(1 − ᾱ_t)) √(1 − ᾱ_t/ᾱ_prev), in double.
            double alphaBar = schedule.alphaBar(t);
            double alphaBarPrev = schedule.alphaBar(prev);
            double sigma = eta * Math.sqrt((1.0 - alphaBarPrev) / (1.0 - alphaBar))
                    * Math.sqrt(1.0 - alphaBar / alphaBarPrev);

            // 3. Song et al. 2021, eq. 12: "predicted x_0", "direction pointing to x_t", random noise.
            //    max(0, ·) only guards against rounding when η > 1 makes σ² exceed 1 − ᾱ_prev.
            float x0Coef = (float) Math.sqrt(alphaBarPrev);
            float epsCoef = (float) Math.sqrt(Math.max(0.0, 1.0 - alphaBarPrev - sigma * sigma));
            xt = x0.mul(x0Coef).add(eps.mul(epsCoef)); // [N, C, H, W]
            if (sigma > 0) {
                xt = xt.add(Tensor.randn(g, shape).mul((float) sigma));
            }
        }
        return xt;
    }
}
