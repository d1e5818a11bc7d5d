package dev.sfumato.autograd.ops;

import dev.sfumato.autograd.Node;
import dev.sfumato.autograd.SavedTensor;
import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;

/**
 * Exponentials, logarithms and powers. Where PyTorch special-cases a point (exponent 0, base 0) the
 * rule says so and does the same, so gradients match {@code torch.autograd} bit for bit in intent.
 */
public final class ExpLog {

    private ExpLog() {}

    private static final Tensor ZERO = Tensor.scalar(0f);

    /** {@code z = e^x}. d/dx = e^x = z. Saves z. */
    public static final class Exp extends Node {
        private final SavedTensor z;

        private Exp(Variable x, Tensor z) {
            super("exp", x);
            this.z = save(z);
        }

        public static Variable apply(Variable x) {
            Tensor z = x.value().exp();
            return recording(x) ? new Exp(x, z).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.mul(z.get())};
        }
    }

    /** {@code z = ln x}. d/dx = 1/x. Saves x. */
    public static final class Log extends Node {
        private final SavedTensor x;

        private Log(Variable x) {
            super("log", x);
            this.x = save(x.value());
        }

        public static Variable apply(Variable x) {
            Tensor z = x.value().log();
            return recording(x) ? new Log(x).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.div(x.get())};
        }
    }

    /** {@code z = sqrt(x)}. d/dx = 1/(2 sqrt(x)) = 1/(2z). Saves z. */
    public static final class Sqrt extends Node {
        private final SavedTensor z;

        private Sqrt(Variable x, Tensor z) {
            super("sqrt", x);
            this.z = save(z);
        }

        public static Variable apply(Variable x) {
            Tensor z = x.value().sqrt();
            return recording(x) ? new Sqrt(x, z).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.div(z.get().mul(2f))};
        }
    }

    /** {@code z = 1/sqrt(x)}. d/dx = -x^(-3/2)/2 = -z^3/2. Saves z. */
    public static final class Rsqrt extends Node {
        private final SavedTensor z;

        private Rsqrt(Variable x, Tensor z) {
            super("rsqrt", x);
            this.z = save(z);
        }

        public static Variable apply(Variable x) {
            Tensor z = x.value().rsqrt();
            return recording(x) ? new Rsqrt(x, z).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor zv = z.get();
            return new Tensor[] {g.mul(zv.square().mul(zv)).mul(-0.5f)};
        }
    }

    /** {@code z = x^2}. d/dx = 2x. Saves x. */
    public static final class Square extends Node {
        private final SavedTensor x;

        private Square(Variable x) {
            super("square", x);
            this.x = save(x.value());
        }

        public static Variable apply(Variable x) {
            Tensor z = x.value().square();
            return recording(x) ? new Square(x).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.mul(x.get().mul(2f))};
        }
    }

    /** {@code z = x^p} for a float {@code p}. d/dx = p x^(p-1), and 0 when p = 0 (as PyTorch). Saves x. */
    public static final class PowScalar extends Node {
        private final SavedTensor x;
        private final float p;

        private PowScalar(Variable x, float p) {
            super("pow", x);
            this.x = p == 0f ? null : save(x.value());
            this.p = p;
        }

        public static Variable apply(Variable x, float p) {
            Tensor z = x.value().pow(p);
            return recording(x) ? new PowScalar(x, p).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            if (p == 0f) {
                return new Tensor[] {Tensor.zerosLike(g)};
            }
            return new Tensor[] {g.mul(x.get().pow(p - 1f).mul(p))};
        }
    }

    /**
     * {@code z = a^b}, both tensors (broadcasting). d/da = b a^(b-1), set to 0 where b = 0;
     * d/db = a^b ln a = z ln a, set to 0 where a = 0 and b >= 0 (PyTorch's {@code pow_backward_self}
     * and {@code pow_backward_exponent}, which avoid 0 * inf there). Saves a, b and z.
     */
    public static final class Pow extends Node {
        private final SavedTensor a;
        private final SavedTensor b;
        private final SavedTensor z;

        private Pow(Variable a, Variable b, Tensor z) {
            super("pow", a, b);
            this.a = save(a.value());
            this.b = save(b.value());
            this.z = needsInputGrad(1) ? save(z) : null;
        }

        public static Variable apply(Variable a, Variable b) {
            Tensor z = a.value().pow(b.value());
            return recording(a, b) ? new Pow(a, b, z).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor av = a.get();
            Tensor bv = b.get();
            Tensor ga = null;
            Tensor gb = null;
            if (needsInputGrad(0)) {
                Tensor d = bv.mul(av.pow(bv.sub(1f)));
                ga = Broadcasting.sumTo(g.mul(Tensor.where(bv.eq(0f), ZERO, d)), inputShape(0));
            }
            if (needsInputGrad(1)) {
                Tensor d = z.get().mul(av.log());
                Tensor baseZero = av.eq(0f).mul(bv.ge(0f));
                gb = Broadcasting.sumTo(g.mul(Tensor.where(baseZero, ZERO, d)), inputShape(1));
            }
            return new Tensor[] {ga, gb};
        }
    }
}
