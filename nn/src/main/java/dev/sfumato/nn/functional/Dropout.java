package dev.sfumato.nn.functional;

import dev.sfumato.autograd.Node;
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
 * dropout in eval only. The gradient is dy times the same mask. The mask is never stored: it is a function of
 * the stream key and the element's index ({@link Tensor#dropoutScale}), so backward regenerates it, and forward
 * and backward are each one pass with the mask drawn on the fly. The values are those of {@code x.mul(mask)}
 * with {@code mask = Tensor.dropoutMask(g, p, x.shape())}, bit for bit (test).
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
        long key = g.nextStreamKey();                                // the draw dropoutMask would make
        Tensor y = Tensor.dropoutScale(x.value(), key, p);           // x · mask, mask 1/(1 − p) w.p. 1 − p, else 0
        return Masked.record(x, key, p, y);
    }

    /** The autograd node: it keeps the stream key, not the mask. */
    private static final class Masked extends Node {

        private final long key;
        private final double p;

        private Masked(Variable x, long key, double p) {
            super("dropout", x);
            this.key = key;
            this.p = p;
        }

        static Variable record(Variable x, long key, double p, Tensor y) {
            return recording(x) ? new Masked(x, key, p).output(y) : new Variable(y);
        }

        @Override
        protected Tensor[] backward(Tensor gradOutput) {
            return new Tensor[] {Tensor.dropoutScale(gradOutput, key, p)};   // dy · mask, the same mask
        }
    }
}
