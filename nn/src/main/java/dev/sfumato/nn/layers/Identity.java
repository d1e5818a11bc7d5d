package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;

/** Returns its input unchanged, like {@code torch.nn.Identity()}: a placeholder where a layer is optional. */
public class Identity extends Module {

    /** x → x (the same Variable, so gradients pass through untouched). */
    @Override
    public Variable forward(Variable x) {
        return x;
    }
}
