package dev.sfumato.autograd.ops;

import dev.sfumato.autograd.Node;
import dev.sfumato.autograd.SavedTensor;
import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;

/**
 * The four arithmetic operations and negation, with tensor (broadcasting) and scalar operands.
 * Gradients of broadcast operands are summed back by {@link Broadcasting#sumTo}.
 */
public final class Arithmetic {

    private Arithmetic() {}

    /** {@code z = a + b}. d/da = 1, d/db = 1. Saves nothing. */
    public static final class Add extends Node {
        private Add(Variable a, Variable b) {
            super("add", a, b);
        }

        public static Variable apply(Variable a, Variable b) {
            Tensor z = a.value().add(b.value());
            return recording(a, b) ? new Add(a, b).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {
                needsInputGrad(0) ? Broadcasting.sumTo(g, inputShape(0)) : null,
                needsInputGrad(1) ? Broadcasting.sumTo(g, inputShape(1)) : null,
            };
        }
    }

    /** {@code z = a - b}. d/da = 1, d/db = -1. Saves nothing. */
    public static final class Sub extends Node {
        private Sub(Variable a, Variable b) {
            super("sub", a, b);
        }

        public static Variable apply(Variable a, Variable b) {
            Tensor z = a.value().sub(b.value());
            return recording(a, b) ? new Sub(a, b).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {
                needsInputGrad(0) ? Broadcasting.sumTo(g, inputShape(0)) : null,
                needsInputGrad(1) ? Broadcasting.sumTo(g.neg(), inputShape(1)) : null,
            };
        }
    }

    /** {@code z = a * b}. d/da = b, d/db = a. Saves each operand only if the other needs its gradient. */
    public static final class Mul extends Node {
        private final SavedTensor a;
        private final SavedTensor b;

        private Mul(Variable a, Variable b) {
            super("mul", a, b);
            this.a = needsInputGrad(1) ? save(a.value()) : null;
            this.b = needsInputGrad(0) ? save(b.value()) : null;
        }

        public static Variable apply(Variable a, Variable b) {
            Tensor z = a.value().mul(b.value());
            return recording(a, b) ? new Mul(a, b).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {
                needsInputGrad(0) ? Broadcasting.sumTo(g.mul(b.get()), inputShape(0)) : null,
                needsInputGrad(1) ? Broadcasting.sumTo(g.mul(a.get()), inputShape(1)) : null,
            };
        }
    }

    /** {@code z = a / b}. d/da = 1/b, d/db = -a/b^2. Saves b, and a when b needs its gradient. */
    public static final class Div extends Node {
        private final SavedTensor a;
        private final SavedTensor b;

        private Div(Variable a, Variable b) {
            super("div", a, b);
            this.a = needsInputGrad(1) ? save(a.value()) : null;
            this.b = save(b.value());
        }

        public static Variable apply(Variable a, Variable b) {
            Tensor z = a.value().div(b.value());
            return recording(a, b) ? new Div(a, b).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor bv = b.get();
            return new Tensor[] {
                needsInputGrad(0) ? Broadcasting.sumTo(g.div(bv), inputShape(0)) : null,
                needsInputGrad(1) ? Broadcasting.sumTo(g.mul(a.get()).div(bv.square()).neg(), inputShape(1)) : null,
            };
        }
    }

    /** {@code z = -x}. d/dx = -1. Saves nothing. */
    public static final class Neg extends Node {
        private Neg(Variable x) {
            super("neg", x);
        }

        public static Variable apply(Variable x) {
            Tensor z = x.value().neg();
            return recording(x) ? new Neg(x).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.neg()};
        }
    }

    /** {@code z = x + s} or {@code z = x - s} for a float {@code s}. d/dx = 1. Saves nothing. */
    public static final class AddScalar extends Node {
        private AddScalar(String name, Variable x) {
            super(name, x);
        }

        public static Variable add(Variable x, float s) {
            Tensor z = x.value().add(s);
            return recording(x) ? new AddScalar("add", x).output(z) : new Variable(z);
        }

        public static Variable sub(Variable x, float s) {
            Tensor z = x.value().sub(s);
            return recording(x) ? new AddScalar("sub", x).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g};
        }
    }

    /** {@code z = x * s}. d/dx = s. Saves nothing. */
    public static final class MulScalar extends Node {
        private final float s;

        private MulScalar(Variable x, float s) {
            super("mul", x);
            this.s = s;
        }

        public static Variable apply(Variable x, float s) {
            Tensor z = x.value().mul(s);
            return recording(x) ? new MulScalar(x, s).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.mul(s)};
        }
    }

    /** {@code z = x / s}. d/dx = 1/s. Saves nothing. */
    public static final class DivScalar extends Node {
        private final float s;

        private DivScalar(Variable x, float s) {
            super("div", x);
            this.s = s;
        }

        public static Variable apply(Variable x, float s) {
            Tensor z = x.value().div(s);
            return recording(x) ? new DivScalar(x, s).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.div(s)};
        }
    }

    /** {@code z = s - x}, like {@code torch.rsub}. d/dx = -1. Saves nothing. */
    public static final class RSub extends Node {
        private RSub(Variable x) {
            super("rsub", x);
        }

        public static Variable apply(float s, Variable x) {
            Tensor z = x.value().rsub(s);
            return recording(x) ? new RSub(x).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.neg()};
        }
    }

    /** {@code z = s / x}. d/dx = -s/x^2 = -z/x. Saves x and z. */
    public static final class RDiv extends Node {
        private final SavedTensor x;
        private final SavedTensor z;

        private RDiv(Variable x, Tensor z) {
            super("rdiv", x);
            this.x = save(x.value());
            this.z = save(z);
        }

        public static Variable apply(float s, Variable x) {
            Tensor z = x.value().rdiv(s);
            return recording(x) ? new RDiv(x, z).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.mul(z.get()).div(x.get()).neg()};
        }
    }
}
