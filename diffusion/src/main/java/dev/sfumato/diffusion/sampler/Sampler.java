package dev.sfumato.diffusion.sampler;

import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;

/** A reverse process: turns Gaussian noise into samples with a {@link Denoiser}. */
public interface Sampler {

    /**
     * Draws x_T ~ N(0, I) of {@code shape} from {@code g} and denoises it to x_0.
     *
     * @param shape       {@code [N, C, H, W]}
     * @param classLabels {@code [N]} or null
     * @param g           the only source of randomness: the same seed gives the same samples
     * @param listener    called at every step ({@link SamplingListener#NONE} to ignore)
     * @return x_0, {@code [N, C, H, W]}
     */
    Tensor sample(Denoiser model, int[] shape, Tensor classLabels, Generator g, SamplingListener listener);

    /** {@link #sample(Denoiser, int[], Tensor, Generator, SamplingListener)} without a listener. */
    default Tensor sample(Denoiser model, int[] shape, Tensor classLabels, Generator g) {
        return sample(model, shape, classLabels, g, SamplingListener.NONE);
    }
}
