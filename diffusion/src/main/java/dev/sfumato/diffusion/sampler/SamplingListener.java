package dev.sfumato.diffusion.sampler;

import dev.sfumato.tensor.Tensor;

/** Sees every step of a sampler, for example to draw the trajectory of x̂_0 as a strip of images. */
@FunctionalInterface
public interface SamplingListener {

    /** A listener that ignores every step. */
    SamplingListener NONE = (step, t, xt, x0) -> { };

    /**
     * Called once per step, after the model ran and before x_t is replaced.
     *
     * @param step 0 for the first (noisiest) step, up to the number of steps − 1
     * @param t    the timestep of this step (0-based, descending)
     * @param xt   {@code [N, C, H, W]} the current sample
     * @param x0   {@code [N, C, H, W]} the model's x̂_0 (after clipping, when the sampler clips)
     */
    void onStep(int step, int t, Tensor xt, Tensor x0);
}
