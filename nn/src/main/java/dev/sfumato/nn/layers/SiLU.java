package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.functional.Activation;

/** The sigmoid-weighted linear unit (swish), the DDPM U-Net's nonlinearity, like {@code torch.nn.SiLU()}; shapes unchanged. */
public class SiLU extends Module {

    /** x → x·σ(x), elementwise. */
    @Override
    public Variable forward(Variable x) {
        return Activation.silu(x);
    }
}
