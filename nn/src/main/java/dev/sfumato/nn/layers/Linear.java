package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.Parameter;
import dev.sfumato.nn.functional.Dense;
import dev.sfumato.nn.init.Init;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;

/**
 * Fully connected layer, like {@code torch.nn.Linear(in_features, out_features, bias=True)}:
 * {@code y = x Wᵀ + b}, x [..., in] → [..., out], weight [out, in], bias [out].
 *
 * <p>Init as PyTorch's {@code Linear.reset_parameters}: weight kaiming-uniform with a = √5, which is
 * U(±1/√in), and bias U(±1/√in).
 * <pre>
 * Linear fc = new Linear(128, 10);                              // nn.Linear(128, 10)
 * Linear proj = Linear.builder(64, 64).bias(false).build();    // nn.Linear(64, 64, bias=False)
 * </pre>
 */
public class Linear extends Module {

    public final Parameter weight;
    public final Parameter bias;
    private final int inFeatures;
    private final int outFeatures;

    /** {@code nn.Linear(in, out)} with a bias and the global generator. */
    public Linear(int inFeatures, int outFeatures) {
        this(builder(inFeatures, outFeatures));
    }

    private Linear(Builder b) {
        if (b.in <= 0 || b.out <= 0) {
            throw new IllegalArgumentException("Linear: in_features " + b.in + " and out_features " + b.out
                    + " must be positive");
        }
        this.inFeatures = b.in;
        this.outFeatures = b.out;
        this.weight = registerParameter("weight", new Parameter(Tensor.zeros(b.out, b.in)));
        this.bias = registerParameter("bias", b.bias ? new Parameter(Tensor.zeros(b.out)) : null);
        resetParameters(b.generator);
    }

    /** PyTorch's {@code reset_parameters}: kaiming-uniform(a=√5) weight, U(±1/√in) bias. */
    public void resetParameters(Generator g) {
        Init.pytorchDefault(weight.value(), bias == null ? null : bias.value(), g);
    }

    /** x [..., in] → [..., out]. */
    @Override
    public Variable forward(Variable x) {
        return Dense.linear(x, weight, bias);
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + Repr.pyBool(bias != null);
    }

    /** Options with PyTorch's names and defaults. */
    public static Builder builder(int inFeatures, int outFeatures) {
        return new Builder(inFeatures, outFeatures);
    }

    /** Keyword arguments of {@code nn.Linear}. */
    public static final class Builder {
        private final int in;
        private final int out;
        private boolean bias = true;
        private Generator generator = Generator.global();

        private Builder(int in, int out) {
            this.in = in;
            this.out = out;
        }

        public Builder bias(boolean b) { this.bias = b; return this; }
        /** The generator that draws the initial weights (default: the global one). */
        public Builder generator(Generator g) { this.generator = g; return this; }

        public Linear build() {
            return new Linear(this);
        }
    }
}
