package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.functional.Activation;

/** The hyperbolic tangent, like {@code torch.nn.Tanh()}; shapes unchanged. */
public class Tanh extends Module {

    /** x → tanh(x), elementwise. */
    @Override
    public Variable forward(Variable x) {
        return Activation.tanh(x);
    }
}
