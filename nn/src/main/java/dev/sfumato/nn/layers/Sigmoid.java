package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.functional.Activation;

/** The logistic sigmoid, like {@code torch.nn.Sigmoid()}; shapes unchanged. */
public class Sigmoid extends Module {

    /** x → 1/(1 + e^−x), elementwise. */
    @Override
    public Variable forward(Variable x) {
        return Activation.sigmoid(x);
    }
}
