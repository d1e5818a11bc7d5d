package dev.sfumato.autograd.ops;

import dev.sfumato.autograd.Node;
import dev.sfumato.autograd.SavedTensor;
import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;

/** Ops that pick, per element, one of two operands: maximum, minimum and where (all broadcasting). */
public final class Selection {

    private Selection() {}

    private static final Tensor ZERO = Tensor.scalar(0f);

    /**
     * {@code z = max(a, b)} elementwise. d/da = 1 where a > b, 1/2 where a = b, else 0; d/db the mirror.
     * Ties split the gradient evenly, as {@code torch.maximum} does. Saves a and b.
     */
    public static final class Maximum extends Node {
        private final SavedTensor a;
        private final SavedTensor b;
        private final boolean max;

        private Maximum(String name, Variable a, Variable b, boolean max) {
            super(name, a, b);
            this.a = save(a.value());
            this.b = save(b.value());
            this.max = max;
        }

        public static Variable maximum(Variable a, Variable b) {
            Tensor z = a.value().maximum(b.value());
            return recording(a, b) ? new Maximum("maximum", a, b, true).output(z) : new Variable(z);
        }

        public static Variable minimum(Variable a, Variable b) {
            Tensor z = a.value().minimum(b.value());
            return recording(a, b) ? new Maximum("minimum", a, b, false).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor av = a.get();
            Tensor bv = b.get();
            Tensor half = av.eq(bv).mul(0.5f);
            Tensor ga = null;
            Tensor gb = null;
            if (needsInputGrad(0)) {
                Tensor wins = max ? av.gt(bv) : av.lt(bv);
                ga = Broadcasting.sumTo(g.mul(wins.add(half)), inputShape(0));
            }
            if (needsInputGrad(1)) {
                Tensor wins = max ? av.lt(bv) : av.gt(bv);
                gb = Broadcasting.sumTo(g.mul(wins.add(half)), inputShape(1));
            }
            return new Tensor[] {ga, gb};
        }
    }

    /**
     * {@code z = cond != 0 ? a : b}, like {@code torch.where}. d/da = [cond], d/db = [not cond]; the
     * condition is a plain tensor and gets no gradient. Saves cond.
     */
    public static final class Where extends Node {
        private final SavedTensor cond;

        private Where(Tensor cond, Variable a, Variable b) {
            super("where", a, b);
            this.cond = save(cond);
        }

        public static Variable apply(Tensor cond, Variable a, Variable b) {
            Tensor z = Tensor.where(cond, a.value(), b.value());
            return recording(a, b) ? new Where(cond, a, b).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor c = cond.get();
            return new Tensor[] {
                needsInputGrad(0) ? Broadcasting.sumTo(Tensor.where(c, g, ZERO), inputShape(0)) : null,
                needsInputGrad(1) ? Broadcasting.sumTo(Tensor.where(c, ZERO, g), inputShape(1)) : null,
            };
        }
    }
}
