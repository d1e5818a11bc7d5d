package dev.sfumato.diffusion.process;

import dev.sfumato.diffusion.schedule.NoiseSchedule;
import dev.sfumato.tensor.Tensor;

/**
 * Min-SNR-γ loss weights (Hang et al. 2023, "Efficient Diffusion Training via Min-SNR Weighting
 * Strategy"): clamp the signal-to-noise ratio SNR_t = ᾱ_t / (1 − ᾱ_t) at γ so that low-noise steps stop
 * dominating training.
 *
 * <p>Per prediction type, the weight of a sample's mean squared error is min(SNR, γ) / SNR for ε,
 * min(SNR, γ) / (SNR + 1) for v, and min(SNR, γ) for x_0 (the three are the same weight on the x_0 error,
 * rewritten for each target). Computed in double, returned as float {@code [N]}. Default γ = 5.
 */
public final class MinSnrWeighting {

    /** Hang et al. 2023: γ = 5, the value the paper recommends. */
    public static final double DEFAULT_GAMMA = 5.0;

    private MinSnrWeighting() {
    }

    /** The weights with γ = 5. */
    public static Tensor weights(NoiseSchedule schedule, Tensor t, PredictionType type) {
        return weights(schedule, t, type, DEFAULT_GAMMA);
    }

    /**
     * One weight per sample for the loss on {@code type}'s target.
     *
     * @param t {@code [N]} timesteps (integers held as floats)
     * @return {@code [N]}
     */
    public static Tensor weights(NoiseSchedule schedule, Tensor t, PredictionType type, double gamma) {
        if (!(gamma > 0)) {
            throw new IllegalArgumentException("MinSnrWeighting: gamma must be > 0, got " + gamma);
        }
        int[] steps = NoiseSchedule.timestepIndices("MinSnrWeighting", t, schedule.numTimesteps());
        float[] w = new float[steps.length];
        for (int i = 0; i < steps.length; i++) {
            double alphaBar = schedule.alphaBar(steps[i]);
            double snr = alphaBar / (1.0 - alphaBar);
            double clipped = Math.min(snr, gamma);
            w[i] = (float) switch (type) {
                case EPS -> clipped / snr;
                case V -> clipped / (snr + 1.0);
                case X0 -> clipped;
            };
        }
        return Tensor.wrap(w, steps.length); // [N]
    }
}
