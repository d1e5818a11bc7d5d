package dev.sfumato.diffusion.process;

import dev.sfumato.tensor.Tensor;

/**
 * What a denoising network predicts from (x_t, t): the noise ε (Ho et al. 2020, eq. 12), the clean image
 * x_0, or the velocity v = √ᾱ_t ε − √(1 − ᾱ_t) x_0 (Salimans &amp; Ho 2022, §4).
 *
 * <p>Each constant gives the regression target for a training pair and turns a network output back into
 * x̂_0 and ε̂, so samplers work with any of the three. Shapes: batches {@code [N, C, H, W]}, timesteps
 * {@code [N]}.
 */
public enum PredictionType {

    /** The network predicts ε; Ho et al. 2020's default and {@code improved-diffusion}'s {@code EPSILON}. */
    EPS {
        @Override
        public Tensor target(ForwardProcess q, Tensor x0, Tensor eps, Tensor t) {
            return eps;
        }

        @Override
        public Tensor predictX0(ForwardProcess q, Tensor xt, Tensor t, Tensor output) {
            return q.predictX0FromEps(xt, t, output);
        }

        @Override
        public Tensor predictEps(ForwardProcess q, Tensor xt, Tensor t, Tensor output) {
            return output;
        }
    },

    /** The network predicts x_0 directly ({@code START_X}). */
    X0 {
        @Override
        public Tensor target(ForwardProcess q, Tensor x0, Tensor eps, Tensor t) {
            return x0;
        }

        @Override
        public Tensor predictX0(ForwardProcess q, Tensor xt, Tensor t, Tensor output) {
            return output;
        }

        @Override
        public Tensor predictEps(ForwardProcess q, Tensor xt, Tensor t, Tensor output) {
            return q.predictEpsFromX0(xt, t, output);
        }
    },

    /** The network predicts v (Salimans &amp; Ho 2022; diffusers' {@code v_prediction}). */
    V {
        @Override
        public Tensor target(ForwardProcess q, Tensor x0, Tensor eps, Tensor t) {
            return q.v(x0, t, eps);
        }

        @Override
        public Tensor predictX0(ForwardProcess q, Tensor xt, Tensor t, Tensor output) {
            return q.predictX0FromV(xt, t, output);
        }

        @Override
        public Tensor predictEps(ForwardProcess q, Tensor xt, Tensor t, Tensor output) {
            return q.predictEpsFromV(xt, t, output);
        }
    };

    /** The regression target for x_t = qSample(x0, t, eps). */
    public abstract Tensor target(ForwardProcess q, Tensor x0, Tensor eps, Tensor t);

    /** x̂_0 from a network output at (x_t, t). */
    public abstract Tensor predictX0(ForwardProcess q, Tensor xt, Tensor t, Tensor output);

    /** ε̂ from a network output at (x_t, t). */
    public abstract Tensor predictEps(ForwardProcess q, Tensor xt, Tensor t, Tensor output);
}
