package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.functional.Losses;
import dev.sfumato.nn.functional.Reduction;
import dev.sfumato.tensor.Tensor;

/**
 * Softmax cross-entropy, like {@code torch.nn.CrossEntropyLoss}: logits [N, C, d...], target [N, d...] of
 * class indices; loss {@code (1 - ε) nll + (ε / C) sum_c(-log softmax_c)}. Defaults reduction='mean',
 * label_smoothing=0, ignore_index=-100. See {@link Losses#crossEntropy(Variable, Tensor, double, Reduction, int)}.
 * <pre>
 * CrossEntropyLoss loss = CrossEntropyLoss.builder().labelSmoothing(0.1).build();
 *                                            // nn.CrossEntropyLoss(label_smoothing=0.1)
 * </pre>
 */
public class CrossEntropyLoss extends Module {

    private final Reduction reduction;
    private final double labelSmoothing;
    private final int ignoreIndex;

    /** {@code nn.CrossEntropyLoss()}. */
    public CrossEntropyLoss() {
        this(builder());
    }

    private CrossEntropyLoss(Builder b) {
        if (!(b.labelSmoothing >= 0 && b.labelSmoothing <= 1)) {
            throw new IllegalArgumentException("CrossEntropyLoss: labelSmoothing must be in [0, 1], got " + b.labelSmoothing);
        }
        this.reduction = b.reduction;
        this.labelSmoothing = b.labelSmoothing;
        this.ignoreIndex = b.ignoreIndex;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Variable forward(Variable logits, Tensor target) {
        return Losses.crossEntropy(logits, target, labelSmoothing, reduction, ignoreIndex);
    }

    @Override
    protected String extraRepr() {
        return "reduction=" + reduction.name().toLowerCase() + ", label_smoothing=" + labelSmoothing
                + ", ignore_index=" + ignoreIndex;
    }

    /** Keyword options of {@code nn.CrossEntropyLoss}. */
    public static final class Builder {
        private Reduction reduction = Reduction.MEAN;
        private double labelSmoothing = 0;
        private int ignoreIndex = Losses.DEFAULT_IGNORE_INDEX;

        private Builder() {}

        public Builder reduction(Reduction r) {
            this.reduction = r;
            return this;
        }

        public Builder labelSmoothing(double epsilon) {
            this.labelSmoothing = epsilon;
            return this;
        }

        public Builder ignoreIndex(int index) {
            this.ignoreIndex = index;
            return this;
        }

        public CrossEntropyLoss build() {
            return new CrossEntropyLoss(this);
        }
    }
}
