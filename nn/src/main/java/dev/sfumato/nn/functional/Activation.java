package dev.sfumato.nn.functional;

import dev.sfumato.autograd.Variable;

/**
 * The pointwise nonlinearities of {@code torch.nn.functional}: {@code relu}, {@code silu} (swish),
 * {@code gelu} (exact, erf form, PyTorch's default), {@code tanh} and {@code sigmoid}. Each is one
 * autograd primitive in {@code dev.sfumato.autograd.ops.Activations}, where its derivative lives; this
 * class only gives them their functional names.
 */
public final class Activation {

    private Activation() {}

    /** {@code F.relu}: max(x, 0). */
    public static Variable relu(Variable x) {
        return x.relu();
    }

    /** {@code F.silu}: x·σ(x) (Elfwing et al. 2018; Ramachandran et al. 2017). */
    public static Variable silu(Variable x) {
        return x.silu();
    }

    /** {@code F.gelu}: x·Φ(x), exact (Hendrycks &amp; Gimpel 2016). */
    public static Variable gelu(Variable x) {
        return x.gelu();
    }

    /** {@code torch.tanh}. */
    public static Variable tanh(Variable x) {
        return x.tanh();
    }

    /** {@code torch.sigmoid}: 1/(1 + e^−x). */
    public static Variable sigmoid(Variable x) {
        return x.sigmoid();
    }
}
