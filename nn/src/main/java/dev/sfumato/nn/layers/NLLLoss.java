package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.functional.Losses;
import dev.sfumato.nn.functional.Reduction;
import dev.sfumato.tensor.Tensor;

/**
 * Negative log-likelihood {@code -logProbs[n, target[n]]}, like {@code torch.nn.NLLLoss}: input
 * [N, C, d...] of log-probabilities, target [N, d...] of class indices; defaults reduction='mean',
 * ignore_index=-100. See {@link Losses#nllLoss(Variable, Tensor, Reduction, int)}.
 * <pre>
 * NLLLoss loss = NLLLoss.builder().ignoreIndex(0).build();   // nn.NLLLoss(ignore_index=0)
 * </pre>
 */
public class NLLLoss extends Module {

    private final Reduction reduction;
    private final int ignoreIndex;

    /** {@code nn.NLLLoss()}. */
    public NLLLoss() {
        this(builder());
    }

    private NLLLoss(Builder b) {
        this.reduction = b.reduction;
        this.ignoreIndex = b.ignoreIndex;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Variable forward(Variable logProbs, Tensor target) {
        return Losses.nllLoss(logProbs, target, reduction, ignoreIndex);
    }

    @Override
    protected String extraRepr() {
        return "reduction=" + reduction.name().toLowerCase() + ", ignore_index=" + ignoreIndex;
    }

    /** Keyword options of {@code nn.NLLLoss}. */
    public static final class Builder {
        private Reduction reduction = Reduction.MEAN;
        private int ignoreIndex = Losses.DEFAULT_IGNORE_INDEX;

        private Builder() {}

        public Builder reduction(Reduction r) {
            this.reduction = r;
            return this;
        }

        public Builder ignoreIndex(int index) {
            this.ignoreIndex = index;
            return this;
        }

        public NLLLoss build() {
            return new NLLLoss(this);
        }
    }
}
