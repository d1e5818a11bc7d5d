package dev.sfumato.autograd.ops;

import dev.sfumato.autograd.Node;
import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Shape;
import dev.sfumato.tensor.Tensor;

/**
 * Ops that change how elements are laid out, not their values: reshape (and view, flatten, squeeze,
 * unsqueeze), permute (and transpose, t), slice (and narrow), select, expand and contiguous.
 *
 * <p>Each backward maps {@code dL/dz} back through the inverse layout change; none saves a tensor, only
 * the sizes and indices needed to invert. Forward shares storage with the input exactly as the
 * {@link Tensor} op does.
 */
public final class Views {

    private Views() {}

    /**
     * Any op that keeps the elements in row-major order and only changes the shape: view, reshape,
     * flatten, squeeze, unsqueeze. d/dx = identity on the elements: {@code dx = dz.reshape(x.shape)}.
     */
    public static final class Reshape extends Node {
        private Reshape(String name, Variable x) {
            super(name, x);
        }

        private static Variable record(String name, Variable x, Tensor z) {
            return recording(x) ? new Reshape(name, x).output(z) : new Variable(z);
        }

        public static Variable view(Variable x, int... shape) {
            return record("view", x, x.value().view(shape));
        }

        public static Variable reshape(Variable x, int... shape) {
            return record("reshape", x, x.value().reshape(shape));
        }

        public static Variable flatten(Variable x, int startDim, int endDim) {
            return record("flatten", x, x.value().flatten(startDim, endDim));
        }

        public static Variable squeeze(Variable x) {
            return record("squeeze", x, x.value().squeeze());
        }

        public static Variable squeeze(Variable x, int dim) {
            return record("squeeze", x, x.value().squeeze(dim));
        }

        public static Variable unsqueeze(Variable x, int dim) {
            return record("unsqueeze", x, x.value().unsqueeze(dim));
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.reshape(inputShape(0))};
        }
    }

    /** {@code z = x.permute(p)}: z dim i is x dim p[i]. dx = dz.permute(p^-1). Saves nothing. */
    public static final class Permute extends Node {
        private final int[] inverse;

        private Permute(String name, Variable x, int[] perm) {
            super(name, x);
            this.inverse = new int[perm.length];
            for (int i = 0; i < perm.length; i++) {
                inverse[Shape.wrapDim(name, perm[i], perm.length)] = i;
            }
        }

        private static Variable record(String name, Variable x, int[] perm) {
            Tensor z = x.value().permute(perm);
            return recording(x) ? new Permute(name, x, perm).output(z) : new Variable(z);
        }

        public static Variable permute(Variable x, int... dims) {
            return record("permute", x, dims);
        }

        public static Variable transpose(Variable x, int dim0, int dim1) {
            int rank = x.dim();
            int a = Shape.wrapDim("transpose", dim0, rank);
            int b = Shape.wrapDim("transpose", dim1, rank);
            int[] perm = new int[rank];
            for (int i = 0; i < rank; i++) {
                perm[i] = i == a ? b : i == b ? a : i;
            }
            return record("transpose", x, perm);
        }

        /** Matrix transpose; rank 0 and 1 pass through unchanged, like {@code torch.t}. */
        public static Variable t(Variable x) {
            if (x.dim() > 2) {
                x.value().t(); // throws the core-tensor error message
            }
            return x.dim() < 2 ? x : transpose(x, 0, 1);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.permute(inverse)};
        }
    }

    /**
     * {@code z = x[..., start : start + step*len : step, ...]} along one dim (narrow is step 1).
     * d/dx = 1 at the selected entries, 0 elsewhere: dz is written into a zero tensor of x's shape.
     */
    public static final class Slice extends Node {
        private final int dim;
        private final int start;
        private final int step;

        private Slice(String name, Variable x, int dim, int start, int step) {
            super(name, x);
            this.dim = dim;
            this.start = start;
            this.step = step;
        }

        public static Variable narrow(Variable x, int dim, int start, int length) {
            Tensor z = x.value().narrow(dim, start, length);
            if (!recording(x)) {
                return new Variable(z);
            }
            int d = Shape.wrapDim("narrow", dim, x.dim());
            return new Slice("narrow", x, d, start < 0 ? start + x.size(d) : start, 1).output(z);
        }

        public static Variable slice(Variable x, int dim, int start, int end, int step) {
            Tensor z = x.value().slice(dim, start, end, step);
            if (!recording(x)) {
                return new Variable(z);
            }
            // Same clamping as Tensor.slice, so that backward writes exactly where forward read.
            int d = Shape.wrapDim("slice", dim, x.dim());
            int n = x.size(d);
            int s0 = Math.max(0, Math.min(n, start < 0 ? start + n : start));
            return new Slice("slice", x, d, s0, step).output(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor dx = Tensor.zeros(inputShape(0));
            int length = g.size(dim);
            if (length > 0) {
                dx.slice(dim, start, start + (length - 1) * step + 1, step).copyFrom(g);
            }
            return new Tensor[] {dx};
        }
    }

    /** {@code z = x.select(dim, index)}: dim removed. d/dx = 1 at that index, 0 elsewhere. Saves nothing. */
    public static final class Select extends Node {
        private final int dim;
        private final int index;

        private Select(Variable x, int dim, int index) {
            super("select", x);
            this.dim = dim;
            this.index = index;
        }

        public static Variable apply(Variable x, int dim, int index) {
            Tensor z = x.value().select(dim, index);
            if (!recording(x)) {
                return new Variable(z);
            }
            int d = Shape.wrapDim("select", dim, x.dim());
            return new Select(x, d, index < 0 ? index + x.size(d) : index).output(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor dx = Tensor.zeros(inputShape(0));
            dx.select(dim, index).copyFrom(g);
            return new Tensor[] {dx};
        }
    }

    /**
     * {@code z = x.expand(sizes)}: a broadcast view. Each element of x is used once per copy, so
     * dx = {@link Broadcasting#sumTo}(dz, x.shape). Saves nothing.
     */
    public static final class Expand extends Node {
        private Expand(String name, Variable x) {
            super(name, x);
        }

        public static Variable expand(Variable x, int... sizes) {
            Tensor z = x.value().expand(sizes);
            return recording(x) ? new Expand("expand", x).output(z) : new Variable(z);
        }

        public static Variable broadcastTo(Variable x, int... sizes) {
            Tensor z = x.value().broadcastTo(sizes);
            return recording(x) ? new Expand("broadcastTo", x).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {Broadcasting.sumTo(g, inputShape(0))};
        }
    }

    /** {@code z = x} in row-major layout. d/dx = identity. Saves nothing. */
    public static final class Contiguous extends Node {
        private Contiguous(Variable x) {
            super("contiguous", x);
        }

        public static Variable apply(Variable x) {
            Tensor z = x.value().contiguous();
            return recording(x) ? new Contiguous(x).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g};
        }
    }
}
