package dev.sfumato.autograd.ops;

import dev.sfumato.autograd.Node;
import dev.sfumato.autograd.SavedTensor;
import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;

/** Elementwise functions of one argument that are not activations: abs, sin, cos and clamp. */
public final class Pointwise {

    private Pointwise() {}

    /** {@code z = |x|}. d/dx = sign(x), with subgradient 0 at x = 0 as in PyTorch. Saves x. */
    public static final class Abs extends Node {
        private final SavedTensor x;

        private Abs(Variable x) {
            super("abs", x);
            this.x = save(x.value());
        }

        public static Variable apply(Variable x) {
            Tensor z = x.value().abs();
            return recording(x) ? new Abs(x).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.mul(x.get().sign())};
        }
    }

    /** {@code z = sin x}. d/dx = cos x. Saves x. */
    public static final class Sin extends Node {
        private final SavedTensor x;

        private Sin(Variable x) {
            super("sin", x);
            this.x = save(x.value());
        }

        public static Variable apply(Variable x) {
            Tensor z = x.value().sin();
            return recording(x) ? new Sin(x).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.mul(x.get().cos())};
        }
    }

    /** {@code z = cos x}. d/dx = -sin x. Saves x. */
    public static final class Cos extends Node {
        private final SavedTensor x;

        private Cos(Variable x) {
            super("cos", x);
            this.x = save(x.value());
        }

        public static Variable apply(Variable x) {
            Tensor z = x.value().cos();
            return recording(x) ? new Cos(x).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.mul(x.get().sin()).neg()};
        }
    }

    /**
     * {@code z = min(max(x, lo), hi)}. d/dx = 1 where lo <= x <= hi, else 0; the bounds themselves count
     * as inside, PyTorch's convention. Saves x.
     */
    public static final class Clamp extends Node {
        private final SavedTensor x;
        private final float lo;
        private final float hi;

        private Clamp(Variable x, float lo, float hi) {
            super("clamp", x);
            this.x = save(x.value());
            this.lo = lo;
            this.hi = hi;
        }

        public static Variable apply(Variable x, float lo, float hi) {
            Tensor z = x.value().clamp(lo, hi);
            return recording(x) ? new Clamp(x, lo, hi).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor xv = x.get();
            return new Tensor[] {g.mul(xv.ge(lo).mul(xv.le(hi)))};
        }
    }
}
