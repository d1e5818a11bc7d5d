package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.functional.Activation;

/** The Gaussian error linear unit in its exact erf form (PyTorch's default {@code approximate='none'}), like {@code torch.nn.GELU()}; shapes unchanged. */
public class GELU extends Module {

    /** x → x·Φ(x), elementwise. */
    @Override
    public Variable forward(Variable x) {
        return Activation.gelu(x);
    }

    @Override
    protected String extraRepr() {
        return "approximate='none'";
    }
}
