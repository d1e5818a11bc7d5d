package dev.sfumato.autograd.ops;

import dev.sfumato.autograd.Node;
import dev.sfumato.autograd.SavedTensor;
import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Shape;
import dev.sfumato.tensor.Tensor;

/**
 * Reductions: sum, mean, var, std, max/min over one dim and over all elements.
 *
 * <p>Backward first brings {@code dL/dz} back to the "keepdim" shape (the input's shape with the reduced
 * dims set to 1), so that it broadcasts against the input whatever {@code keepdim} was in forward.
 */
public final class Reductions {

    private Reductions() {}

    private static final Tensor ZERO = Tensor.scalar(0f);

    /** The input shape with {@code dims} (wrapped, sorted) set to 1. */
    static int[] keepShape(int[] shape, int[] dims) {
        int[] k = shape.clone();
        for (int d : dims) {
            k[d] = 1;
        }
        return k;
    }

    /** The number of elements folded into each output: the product of the reduced sizes. */
    static int count(int[] shape, int[] dims) {
        int n = 1;
        for (int d : dims) {
            n *= shape[d];
        }
        return n;
    }

    /** {@code z = sum over dims of x}. d/dx_i = 1: the gradient is broadcast back. Saves nothing. */
    public static final class Sum extends Node {
        private final int[] keep;

        private Sum(Variable x, int[] dims) {
            super("sum", x);
            this.keep = keepShape(inputShape(0), dims);
        }

        /** Sum over {@code dims} (empty: all dims). */
        public static Variable apply(Variable x, int[] dims, boolean keepdim) {
            Tensor z = x.value().sum(dims, keepdim);
            return recording(x) ? new Sum(x, Shape.wrapDims("sum", dims, x.dim())).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.reshape(keep).expand(inputShape(0))};
        }
    }

    /** {@code z = (1/n) sum over dims of x}. d/dx_i = 1/n. Saves nothing. */
    public static final class Mean extends Node {
        private final int[] keep;
        private final int n;

        private Mean(Variable x, int[] dims) {
            super("mean", x);
            this.keep = keepShape(inputShape(0), dims);
            this.n = count(inputShape(0), dims);
        }

        public static Variable apply(Variable x, int[] dims, boolean keepdim) {
            Tensor z = x.value().mean(dims, keepdim);
            return recording(x) ? new Mean(x, Shape.wrapDims("mean", dims, x.dim())).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.div((float) n).reshape(keep).expand(inputShape(0))};
        }
    }

    /**
     * {@code z = sum (x_i - mean)^2 / (n - c)} over dims, c = 1 when unbiased (Bessel) else 0.
     * d/dx_i = 2 (x_i - mean) / (n - c); the terms through the mean sum to zero. Saves x.
     */
    public static final class Var extends Node {
        private final SavedTensor x;
        private final int[] dims;
        private final int[] keep;
        private final int n;
        private final boolean unbiased;

        private Var(Variable x, int[] dims, boolean unbiased) {
            super("var", x);
            this.x = save(x.value());
            this.dims = dims;
            this.keep = keepShape(inputShape(0), dims);
            this.n = count(inputShape(0), dims);
            this.unbiased = unbiased;
        }

        public static Variable apply(Variable x, int[] dims, boolean unbiased, boolean keepdim) {
            Tensor z = x.value().var(dims, unbiased, keepdim);
            return recording(x) ? new Var(x, Shape.wrapDims("var", dims, x.dim()), unbiased).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor xv = x.get();
            Tensor centred = xv.sub(xv.mean(dims, true));
            float scale = 2f / (n - (unbiased ? 1 : 0));
            return new Tensor[] {centred.mul(g.reshape(keep).mul(scale))};
        }
    }

    /**
     * {@code z = sqrt(var(x))}. d/dx_i = (x_i - mean) / ((n - c) z), set to 0 where z = 0 (a constant
     * input), as PyTorch's {@code std_backward} does, instead of 0/0. Saves x and z.
     */
    public static final class Std extends Node {
        private final SavedTensor x;
        private final SavedTensor z;
        private final int[] dims;
        private final int[] keep;
        private final int n;
        private final boolean unbiased;

        private Std(Variable x, Tensor z, int[] dims, boolean unbiased) {
            super("std", x);
            this.x = save(x.value());
            this.z = save(z);
            this.dims = dims;
            this.keep = keepShape(inputShape(0), dims);
            this.n = count(inputShape(0), dims);
            this.unbiased = unbiased;
        }

        public static Variable apply(Variable x, int[] dims, boolean unbiased, boolean keepdim) {
            Tensor z = x.value().std(dims, unbiased, keepdim);
            return recording(x) ? new Std(x, z, Shape.wrapDims("std", dims, x.dim()), unbiased).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor xv = x.get();
            Tensor zk = z.get().reshape(keep);
            Tensor gz = Tensor.where(zk.eq(0f), ZERO, g.reshape(keep).div(zk));
            Tensor centred = xv.sub(xv.mean(dims, true));
            return new Tensor[] {centred.mul(gz.div((float) (n - (unbiased ? 1 : 0))))};
        }
    }

    /**
     * {@code z = max (or min) of x along dim}. d/dx = 1 at the index that forward returned (the first
     * occurrence among ties), 0 elsewhere, as {@code torch.max(dim)}. Saves the indices (keepdim shape).
     */
    public static final class MaxDim extends Node {
        private final SavedTensor index;
        private final int dim;
        private final int[] keep;

        private MaxDim(String name, Variable x, Tensor index, int dim) {
            super(name, x);
            this.index = save(index);
            this.dim = dim;
            this.keep = keepShape(inputShape(0), new int[] {dim});
        }

        public static Variable max(Variable x, int dim, boolean keepdim) {
            Tensor z = x.value().max(dim, keepdim);
            if (!recording(x)) {
                return new Variable(z);
            }
            int d = Shape.wrapDim("max", dim, x.dim());
            return new MaxDim("max", x, x.value().argmax(d, true), d).output(z);
        }

        public static Variable min(Variable x, int dim, boolean keepdim) {
            Tensor z = x.value().min(dim, keepdim);
            if (!recording(x)) {
                return new Variable(z);
            }
            int d = Shape.wrapDim("min", dim, x.dim());
            return new MaxDim("min", x, x.value().argmin(d, true), d).output(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {Tensor.zeros(inputShape(0)).scatterAdd(dim, index.get(), g.reshape(keep))};
        }
    }

    /**
     * {@code z = max (or min) of all elements}. d/dx_i = 1/k where x_i = z and k elements tie for the
     * extreme, 0 elsewhere: PyTorch's {@code evenly_distribute_backward} (unlike max over a dim, which
     * picks one index). Saves x and z.
     */
    public static final class MaxAll extends Node {
        private final SavedTensor x;
        private final SavedTensor z;

        private MaxAll(String name, Variable x, Tensor z) {
            super(name, x);
            this.x = save(x.value());
            this.z = save(z);
        }

        public static Variable max(Variable x) {
            Tensor z = x.value().max();
            return recording(x) ? new MaxAll("max", x, z).output(z) : new Variable(z);
        }

        public static Variable min(Variable x) {
            Tensor z = x.value().min();
            return recording(x) ? new MaxAll("min", x, z).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor ties = x.get().eq(z.get());
            return new Tensor[] {ties.mul(g.div(ties.sum()))};
        }
    }
}
