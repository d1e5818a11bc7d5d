package dev.sfumato.nn.optim;

import dev.sfumato.autograd.Variable;

import java.util.List;

/**
 * Adam (Kingma and Ba 2015, Algorithm 1), like {@code torch.optim.Adam}, with the bias correction folded as
 * torch 1.13's {@code _single_tensor_adam} does it, step for step (t counts this parameter's steps from 1):
 * <pre>
 * g = grad + weight_decay * p                  (L2 penalty; AdamW decays p instead, see {@link AdamW})
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g * g
 * vmax = max(vmax, v)                          (amsgrad only; then vmax replaces v below)
 * denom = sqrt(v) / sqrt(1 - beta2^t) + eps
 * p = p - (lr / (1 - beta1^t)) * m / denom
 * </pre>
 * The scalars (bias corrections, step size) are computed in double and rounded to float where PyTorch passes
 * a Python float to a float32 kernel. Defaults lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
 * amsgrad=false. State: {@code step} (float32 scalar, as in 1.13), {@code exp_avg}, {@code exp_avg_sq},
 * {@code max_exp_avg_sq}.
 *
 * <p>Two twins compute the update: {@code updateComposite}, the specification, in PyTorch's tensor ops;
 * and {@code updateFused}, one pass per parameter that reads p, g, m and v once and performs the same float
 * operations in the same order, so the two agree bit for bit (AdamFusedTest). The fused pass runs on
 * contiguous tensors unless {@code fused(false)} or {@code -Dsfumato.kernels=reference}.
 * <pre>
 * Adam opt = Adam.builder(model.parameters()).lr(2e-4).betas(0.9, 0.999).build();
 *                                       // optim.Adam(params, lr=2e-4, betas=(0.9, 0.999))
 * </pre>
 */
public final class Adam extends AdamFamily {

    private Adam(Builder b) {
        super("Adam", b, false);
    }

    /** {@code optim.Adam(params)} with the defaults; set options on the builder. */
    public static Builder builder(List<? extends Variable> params) {
        return new Builder(params);
    }

    /** Keyword options shared by {@code optim.Adam} and {@code optim.AdamW}; each setter returns the builder. */
    public abstract static class Options<B extends Options<B>> {
        final List<? extends Variable> params;
        double lr = 1e-3;
        double beta1 = 0.9;
        double beta2 = 0.999;
        double eps = 1e-8;
        double weightDecay;
        boolean amsgrad;
        boolean fused = true;

        Options(List<? extends Variable> params, double weightDecay) {
            this.params = params;
            this.weightDecay = weightDecay;
        }

        abstract B self();

        /** The optimiser this builder makes, for code (tests) that handles both kinds alike. */
        abstract AdamFamily buildFamily();

        public B lr(double lr) {
            this.lr = lr;
            return self();
        }

        public B betas(double beta1, double beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return self();
        }

        public B eps(double eps) {
            this.eps = eps;
            return self();
        }

        public B weightDecay(double wd) {
            this.weightDecay = wd;
            return self();
        }

        public B amsgrad(boolean amsgrad) {
            this.amsgrad = amsgrad;
            return self();
        }

        /**
         * Whether to use the single-pass update (default true; PyTorch 2's {@code fused=True}). Both paths give
         * the same bits; false runs the composite of tensor ops, the reference.
         */
        public B fused(boolean fused) {
            this.fused = fused;
            return self();
        }
    }

    /** Keyword options of {@code optim.Adam}. */
    public static final class Builder extends Options<Builder> {
        private Builder(List<? extends Variable> params) {
            super(params, 0);
        }

        @Override
        Builder self() {
            return this;
        }

        public Adam build() {
            return new Adam(this);
        }

        @Override
        AdamFamily buildFamily() {
            return build();
        }
    }
}
