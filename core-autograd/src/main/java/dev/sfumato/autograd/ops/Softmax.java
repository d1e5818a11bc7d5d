package dev.sfumato.autograd.ops;

import dev.sfumato.autograd.Node;
import dev.sfumato.autograd.SavedTensor;
import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Shape;
import dev.sfumato.tensor.Tensor;

/**
 * Softmax, log-softmax and log-sum-exp along one dim: the normalisations of classification losses and
 * attention. Each is one primitive (rather than a composite of exp, sum and div) because its forward
 * subtracts the max for stability and its backward has a short closed form.
 */
public final class Softmax {

    private Softmax() {}

    /**
     * {@code y_i = e^(x_i) / sum_j e^(x_j)} along dim. dy_i/dx_k = y_i (delta_ik - y_k), so
     * dx = y (dy - sum(dy y)) with the sum along dim. Saves y.
     */
    public static final class SoftmaxOp extends Node {
        private final SavedTensor y;
        private final int dim;

        private SoftmaxOp(Variable x, Tensor y, int dim) {
            super("softmax", x);
            this.y = save(y);
            this.dim = dim;
        }

        public static Variable apply(Variable x, int dim) {
            Tensor y = x.value().softmax(dim);
            return recording(x) ? new SoftmaxOp(x, y, Shape.wrapDim("softmax", dim, x.dim())).output(y) : new Variable(y);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor yv = y.get();
            Tensor dot = g.mul(yv).sum(new int[] {dim}, true);
            return new Tensor[] {yv.mul(g.sub(dot))};
        }
    }

    /**
     * {@code y_i = x_i - log sum_j e^(x_j)} along dim. dy_i/dx_k = delta_ik - softmax_k, so
     * dx = dy - e^y sum(dy) with the sum along dim. Saves y.
     */
    public static final class LogSoftmax extends Node {
        private final SavedTensor y;
        private final int dim;

        private LogSoftmax(Variable x, Tensor y, int dim) {
            super("logSoftmax", x);
            this.y = save(y);
            this.dim = dim;
        }

        public static Variable apply(Variable x, int dim) {
            Tensor y = x.value().logSoftmax(dim);
            return recording(x) ? new LogSoftmax(x, y, Shape.wrapDim("logSoftmax", dim, x.dim())).output(y) : new Variable(y);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.sub(y.get().exp().mul(g.sum(new int[] {dim}, true)))};
        }
    }

    /** {@code z = log sum_j e^(x_j)} along dim. dz/dx_k = e^(x_k - z) = softmax_k. Saves x and z. */
    public static final class LogSumExp extends Node {
        private final SavedTensor x;
        private final SavedTensor z;
        private final int[] keep;

        private LogSumExp(Variable x, Tensor z, int dim) {
            super("logsumexp", x);
            this.x = save(x.value());
            this.z = save(z);
            this.keep = Reductions.keepShape(inputShape(0), new int[] {dim});
        }

        public static Variable apply(Variable x, int dim, boolean keepdim) {
            Tensor z = x.value().logsumexp(dim, keepdim);
            return recording(x) ? new LogSumExp(x, z, Shape.wrapDim("logsumexp", dim, x.dim())).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor p = x.get().sub(z.get().reshape(keep)).exp();
            return new Tensor[] {p.mul(g.reshape(keep))};
        }
    }
}
