package dev.sfumato.autograd.ops;

import dev.sfumato.autograd.Node;
import dev.sfumato.autograd.SavedTensor;
import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Shape;
import dev.sfumato.tensor.Tensor;

/**
 * Ops that read entries at positions given by an index tensor: indexSelect and gather. The indices are
 * plain float tensors holding integers and get no gradient. An index read twice receives the sum of
 * both gradients, which is what scatterAdd computes.
 */
public final class Indexing {

    private Indexing() {}

    /**
     * {@code z = x.indexSelect(dim, index)}, index 1-D of length k. d/dx[j] = sum of dz at the positions
     * i where index[i] = j: dx = zeros.scatterAdd(dim, index broadcast to dz's shape, dz). Saves index.
     */
    public static final class IndexSelect extends Node {
        private final SavedTensor index;
        private final int dim;

        private IndexSelect(Variable x, int dim, Tensor index) {
            super("indexSelect", x);
            this.index = save(index);
            this.dim = dim;
        }

        public static Variable apply(Variable x, int dim, Tensor index) {
            Tensor z = x.value().indexSelect(dim, index);
            if (!recording(x)) {
                return new Variable(z);
            }
            return new IndexSelect(x, Shape.wrapDim("indexSelect", dim, x.dim()), index).output(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            int rank = g.dim();
            // index [k] -> [1, .., k, .., 1] (k at dim) -> dz's shape, as scatterAdd wants index and src alike.
            int[] viewShape = new int[rank];
            java.util.Arrays.fill(viewShape, 1);
            viewShape[dim] = g.size(dim);
            Tensor idx = index.get().reshape(viewShape).expand(g.shape()).contiguous();
            return new Tensor[] {Tensor.zeros(inputShape(0)).scatterAdd(dim, idx, g)};
        }
    }

    /**
     * {@code z[..i..] = x[..index[..i..]..]} along dim, like {@code torch.gather}. d/dx is the adjoint,
     * a scatter-add: dx = zeros.scatterAdd(dim, index, dz). Saves index.
     */
    public static final class Gather extends Node {
        private final SavedTensor index;
        private final int dim;

        private Gather(Variable x, int dim, Tensor index) {
            super("gather", x);
            this.index = save(index);
            this.dim = dim;
        }

        public static Variable apply(Variable x, int dim, Tensor index) {
            Tensor z = x.value().gather(dim, index);
            if (!recording(x)) {
                return new Variable(z);
            }
            return new Gather(x, Shape.wrapDim("gather", dim, x.dim()), index).output(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {Tensor.zeros(inputShape(0)).scatterAdd(dim, index.get(), g)};
        }
    }
}
