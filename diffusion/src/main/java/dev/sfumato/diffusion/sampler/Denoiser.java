package dev.sfumato.diffusion.sampler;

import dev.sfumato.tensor.Tensor;

/**
 * A denoising network seen by a sampler: one forward pass from a noisy batch to ε, x_0 or v, as the
 * sampler's {@link dev.sfumato.diffusion.process.PredictionType} says.
 */
@FunctionalInterface
public interface Denoiser {

    /**
     * @param xt          {@code [N, C, H, W]} noisy batch
     * @param t           {@code [N]} timesteps, integers held as floats (0-based)
     * @param classLabels {@code [N]} class indices held as floats, or null for an unconditional model
     * @return {@code [N, C, H, W]}
     */
    Tensor predict(Tensor xt, Tensor t, Tensor classLabels);
}
