package dev.sfumato.autograd.ops;

import dev.sfumato.autograd.Node;
import dev.sfumato.autograd.SavedTensor;
import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;

/** The activation functions: tanh, sigmoid, ReLU, SiLU and GELU (exact, erf form). */
public final class Activations {

    private Activations() {}

    /** {@code z = tanh x}. d/dx = 1 - tanh^2 x = 1 - z^2. Saves z. */
    public static final class Tanh extends Node {
        private final SavedTensor z;

        private Tanh(Variable x, Tensor z) {
            super("tanh", x);
            this.z = save(z);
        }

        public static Variable apply(Variable x) {
            Tensor z = x.value().tanh();
            return recording(x) ? new Tanh(x, z).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.mul(z.get().square().rsub(1f))};
        }
    }

    /** {@code z = 1/(1 + e^-x)}. d/dx = z(1 - z). Saves z. */
    public static final class Sigmoid extends Node {
        private final SavedTensor z;

        private Sigmoid(Variable x, Tensor z) {
            super("sigmoid", x);
            this.z = save(z);
        }

        public static Variable apply(Variable x) {
            Tensor z = x.value().sigmoid();
            return recording(x) ? new Sigmoid(x, z).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor zv = z.get();
            return new Tensor[] {g.mul(zv.mul(zv.rsub(1f)))};
        }
    }

    /**
     * {@code z = max(x, 0)}. d/dx = 1 where z > 0, else 0; at x = 0 the subgradient is 0, PyTorch's
     * convention ({@code threshold_backward} on the result). Saves z.
     */
    public static final class Relu extends Node {
        private final SavedTensor z;

        private Relu(Variable x, Tensor z) {
            super("relu", x);
            this.z = save(z);
        }

        public static Variable apply(Variable x) {
            Tensor z = x.value().relu();
            return recording(x) ? new Relu(x, z).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.mul(z.get().gt(0f))};
        }
    }

    /** {@code z = x sigmoid(x)} (Elfwing et al. 2018). d/dx = s (1 + x (1 - s)) with s = sigmoid(x). Saves x. */
    public static final class Silu extends Node {
        private final SavedTensor x;

        private Silu(Variable x) {
            super("silu", x);
            this.x = save(x.value());
        }

        public static Variable apply(Variable x) {
            Tensor z = x.value().silu();
            return recording(x) ? new Silu(x).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {Tensor.siluBackward(g, x.get())};           // one fused pass
        }
    }

    /**
     * {@code z = x Phi(x)} with Phi the standard normal CDF (Hendrycks and Gimpel 2016, exact form).
     * d/dx = Phi(x) + x phi(x), phi(x) = exp(-x^2/2)/sqrt(2 pi). Saves x and z.
     *
     * <p>core-tensor has no erf, so Phi comes from the forward result: Phi(x) = z/x. Near 0 that ratio
     * loses its meaning, and the Taylor expansion Phi(x) = 1/2 + x phi(0) + O(x^3) is used below |x| = 1e-3,
     * where its error (< 1e-10) is far below float32 resolution.
     */
    public static final class Gelu extends Node {
        private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));
        private static final float SMALL = 1e-3f;

        private final SavedTensor x;
        private final SavedTensor z;

        private Gelu(Variable x, Tensor z) {
            super("gelu", x);
            this.x = save(x.value());
            this.z = save(z);
        }

        public static Variable apply(Variable x) {
            Tensor z = x.value().gelu();
            return recording(x) ? new Gelu(x, z).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor xv = x.get();
            Tensor cdfTaylor = xv.mul(INV_SQRT_2PI).add(0.5f);
            Tensor cdf = Tensor.where(xv.abs().lt(SMALL), cdfTaylor, z.get().div(xv));
            Tensor pdf = xv.square().mul(-0.5f).exp().mul(INV_SQRT_2PI);
            return new Tensor[] {g.mul(cdf.add(xv.mul(pdf)))};
        }
    }
}
