package dev.sfumato.nn.functional;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;

/**
 * Inverted dropout, {@code F.dropout(x, p, training)}: each element is kept with probability {@code 1 − p}
 * and scaled by {@code 1/(1 − p)}, so the expectation is unchanged and evaluation is the identity
 * (Srivastava et al. 2014, with the scaling moved to training time as in PyTorch).
 *
 * <p>The mask is drawn from a {@link Generator}, so a seed reproduces it on any number of threads. It is
 * not PyTorch's stream: the same seed gives a different mask there, which is why the golden tests check
 * dropout in eval only. The gradient is dy times the same mask (a {@code mul} by a constant).
 */
public final class Dropout {

    private Dropout() {}

    /** {@code F.dropout(x, p, training)} with the mask drawn from the global generator. */
    public static Variable dropout(Variable x, double p, boolean training) {
        return dropout(x, p, training, Generator.global());
    }

    /** {@code F.dropout(x, p, training)} with the mask drawn from {@code g}. */
    public static Variable dropout(Variable x, double p, boolean training, Generator g) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout: probability has to be between 0 and 1, but got " + p);
        }
        if (!training || p == 0) {
            return x;
        }
        if (p == 1) {
            return x.mul(0f);
        }
        Tensor mask = Tensor.dropoutMask(g, p, x.shape());           // 1/(1 − p) with probability 1 − p, else 0
        return x.mul(new Variable(mask));
    }
}
