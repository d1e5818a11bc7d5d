package dev.sfumato.nn.optim;

import dev.sfumato.autograd.Variable;

import java.util.List;

/**
 * AdamW (Loshchilov and Hutter 2019, Algorithm 2), like {@code torch.optim.AdamW}: Adam whose weight decay
 * is decoupled from the gradient. Before the Adam update of {@link Adam}, without its L2 term:
 * <pre>
 * p = p * (1 - lr * weight_decay)
 * </pre>
 * as torch 1.13's {@code _single_tensor_adamw}. Defaults as Adam except weight_decay=1e-2.
 * <pre>
 * AdamW opt = AdamW.builder(model.parameters()).lr(1e-4).weightDecay(0.05).build();
 *                                       // optim.AdamW(params, lr=1e-4, weight_decay=0.05)
 * </pre>
 */
public final class AdamW extends AdamFamily {

    private AdamW(Builder b) {
        super("AdamW", b, true);
    }

    /** {@code optim.AdamW(params)} with the defaults; set options on the builder. */
    public static Builder builder(List<? extends Variable> params) {
        return new Builder(params);
    }

    /** Keyword options of {@code optim.AdamW}. */
    public static final class Builder extends Adam.Options<Builder> {
        private Builder(List<? extends Variable> params) {
            super(params, 1e-2);
        }

        @Override
        Builder self() {
            return this;
        }

        public AdamW build() {
            return new AdamW(this);
        }

        @Override
        AdamFamily buildFamily() {
            return build();
        }
    }
}
