package dev.sfumato.nn.optim;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;

import java.util.List;

/**
 * Stochastic gradient descent with momentum, like {@code torch.optim.SGD} (torch 1.13's
 * {@code _single_tensor_sgd}, step for step):
 * <pre>
 * g = grad + weight_decay * p
 * buf = g                                         (first step)
 * buf = momentum * buf + (1 - dampening) * g      (later steps)
 * g = nesterov ? g + momentum * buf : buf         (when momentum != 0)
 * p = p - lr * g
 * </pre>
 * Defaults momentum=0, dampening=0, weight_decay=0, nesterov=false; lr has no default, as in PyTorch.
 * State: {@code momentum_buffer}.
 * <pre>
 * SGD opt = SGD.builder(model.parameters(), 0.1).momentum(0.9).nesterov(true).build();
 *                                       // optim.SGD(params, lr=0.1, momentum=0.9, nesterov=True)
 * </pre>
 */
public class SGD extends Optimizer {

    private SGD(Builder b) {
        super("SGD", b.params, b.lr);
        requireNonNegative("momentum", b.momentum);
        requireNonNegative("weight_decay", b.weightDecay);
        if (b.nesterov && (b.momentum <= 0 || b.dampening != 0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum requires a momentum and zero dampening, got momentum "
                    + b.momentum + ", dampening " + b.dampening);
        }
        defineGroup("momentum", b.momentum);
        defineGroup("dampening", b.dampening);
        defineGroup("weight_decay", b.weightDecay);
        defineGroup("nesterov", b.nesterov ? 1 : 0);
    }

    /** {@code optim.SGD(params, lr=lr)}; set the other options on the builder. */
    public static Builder builder(List<? extends Variable> params, double lr) {
        return new Builder(params, lr);
    }

    @Override
    protected void update(int index, Tensor param, Tensor grad) {
        double weightDecay = group("weight_decay");
        double momentum = group("momentum");
        Tensor d = grad;
        if (weightDecay != 0) {
            d = grad.clone().addInPlace(param, (float) weightDecay);
        }
        if (momentum != 0) {
            Tensor buf = state(index).get("momentum_buffer");
            if (buf == null) {
                buf = d.clone();
                state(index).put("momentum_buffer", buf);
            } else {
                buf.mulInPlace((float) momentum).addInPlace(d, (float) (1 - group("dampening")));
            }
            d = flag("nesterov") ? d.clone().addInPlace(buf, (float) momentum) : buf;
        }
        param.addInPlace(d, (float) -lr());
    }

    /** Keyword options of {@code optim.SGD}. */
    public static final class Builder {
        private final List<? extends Variable> params;
        private final double lr;
        private double momentum;
        private double dampening;
        private double weightDecay;
        private boolean nesterov;

        private Builder(List<? extends Variable> params, double lr) {
            this.params = params;
            this.lr = lr;
        }

        public Builder momentum(double m) {
            this.momentum = m;
            return this;
        }

        public Builder dampening(double d) {
            this.dampening = d;
            return this;
        }

        public Builder weightDecay(double wd) {
            this.weightDecay = wd;
            return this;
        }

        public Builder nesterov(boolean n) {
            this.nesterov = n;
            return this;
        }

        public SGD build() {
            return new SGD(this);
        }
    }
}
