package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.functional.Losses;
import dev.sfumato.nn.functional.Reduction;
import dev.sfumato.tensor.Tensor;

/**
 * Mean squared error {@code (input - target)^2}, reduced, like {@code torch.nn.MSELoss(reduction='mean')}:
 * input and target of the same shape. See {@link Losses#mseLoss(Variable, Tensor, Reduction)}.
 */
public class MSELoss extends Module {

    private final Reduction reduction;

    /** {@code nn.MSELoss()}: the mean. */
    public MSELoss() {
        this(Reduction.MEAN);
    }

    /** {@code nn.MSELoss(reduction=...)}. */
    public MSELoss(Reduction reduction) {
        this.reduction = reduction;
    }

    public Variable forward(Variable input, Tensor target) {
        return Losses.mseLoss(input, target, reduction);
    }

    @Override
    protected String extraRepr() {
        return "reduction=" + reduction.name().toLowerCase();
    }
}
