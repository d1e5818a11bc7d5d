package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.tensor.Generator;

/**
 * Inverted dropout, like {@code torch.nn.Dropout(p=0.5)}: in training each element is zeroed with
 * probability p and the rest scaled by 1/(1 − p); in eval mode the identity. Shapes unchanged.
 *
 * <p>The mask comes from a seeded {@link Generator} (default: the global one), so runs reproduce; see
 * {@link dev.sfumato.nn.functional.Dropout} for why the masks differ from PyTorch's.
 */
public class Dropout extends Module {

    private final double p;
    private final Generator generator;

    /** {@code nn.Dropout()}: p = 0.5. */
    public Dropout() {
        this(0.5);
    }

    /** {@code nn.Dropout(p)} drawing masks from the global generator. */
    public Dropout(double p) {
        this(p, Generator.global());
    }

    /** {@code nn.Dropout(p)} drawing masks from {@code g}. */
    public Dropout(double p, Generator g) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("Dropout: probability has to be between 0 and 1, but got " + p);
        }
        this.p = p;
        this.generator = g;
    }

    /** x → x·mask/(1 − p) in training, x in eval. */
    @Override
    public Variable forward(Variable x) {
        return dev.sfumato.nn.functional.Dropout.dropout(x, p, isTraining(), generator);
    }

    @Override
    protected String extraRepr() {
        return "p=" + Repr.pyFloat(p) + ", inplace=False";
    }
}
