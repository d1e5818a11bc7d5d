package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.functional.Losses;
import dev.sfumato.nn.functional.Reduction;
import dev.sfumato.tensor.Tensor;

/**
 * Mean absolute error {@code |input - target|}, reduced, like {@code torch.nn.L1Loss(reduction='mean')}:
 * input and target of the same shape. See {@link Losses#l1Loss(Variable, Tensor, Reduction)}.
 */
public class L1Loss extends Module {

    private final Reduction reduction;

    /** {@code nn.L1Loss()}: the mean. */
    public L1Loss() {
        this(Reduction.MEAN);
    }

    /** {@code nn.L1Loss(reduction=...)}. */
    public L1Loss(Reduction reduction) {
        this.reduction = reduction;
    }

    public Variable forward(Variable input, Tensor target) {
        return Losses.l1Loss(input, target, reduction);
    }

    @Override
    protected String extraRepr() {
        return "reduction=" + reduction.name().toLowerCase();
    }
}
