package dev.sfumato.nn;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;

/**
 * A learnable tensor of a {@link Module}: a leaf {@link Variable} that requires grad, like
 * {@code torch.nn.Parameter}. Modules find their parameters by registering them by name, which gives the
 * {@code state_dict} keys ({@code conv1.weight}).
 */
public class Parameter extends Variable {

    /** A parameter holding {@code value} (not copied), with {@code requiresGrad} on. */
    public Parameter(Tensor value) {
        super(value, true);
    }
}
