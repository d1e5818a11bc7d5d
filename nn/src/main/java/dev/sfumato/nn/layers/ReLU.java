package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.functional.Activation;

/** The rectified linear unit, like {@code torch.nn.ReLU()}; shapes unchanged. */
public class ReLU extends Module {

    /** x → max(x, 0), elementwise. */
    @Override
    public Variable forward(Variable x) {
        return Activation.relu(x);
    }
}
