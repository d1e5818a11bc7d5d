package dev.sfumato.autograd.ops;

import dev.sfumato.autograd.Node;
import dev.sfumato.autograd.SavedTensor;
import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Shape;
import dev.sfumato.tensor.Tensor;

/**
 * {@code C = A B} with {@code torch.matmul} semantics: 1-D operands are promoted (a vector A becomes a
 * row [1, m], a vector B a column [m, 1]) and leading batch dims broadcast.
 *
 * <p>For one matrix product C[n,p] = A[n,m] B[m,p]: dL/dA = dC B^T ([n,p][p,m] = [n,m]) and
 * dL/dB = A^T dC ([m,n][n,p] = [m,p]). Batched, the same holds per batch entry, and a batch dim that was
 * broadcast is summed back by {@link Broadcasting#sumTo}. Promoted 1-D operands are un-promoted by a
 * reshape at the end. Saves A if B needs a gradient and B if A needs one.
 */
public final class MatMul extends Node {

    private final SavedTensor a;
    private final SavedTensor b;
    private final int[] aPromoted;
    private final int[] bPromoted;
    private final int[] cPromoted;

    private MatMul(Variable a, Variable b) {
        super("matmul", a, b);
        this.a = needsInputGrad(1) ? save(a.value()) : null;
        this.b = needsInputGrad(0) ? save(b.value()) : null;
        int[] as = inputShape(0);
        int[] bs = inputShape(1);
        this.aPromoted = as.length == 1 ? new int[] {1, as[0]} : as;
        this.bPromoted = bs.length == 1 ? new int[] {bs[0], 1} : bs;
        int[] batch = Shape.broadcast("matmul",
                java.util.Arrays.copyOf(aPromoted, aPromoted.length - 2),
                java.util.Arrays.copyOf(bPromoted, bPromoted.length - 2));
        this.cPromoted = java.util.Arrays.copyOf(batch, batch.length + 2);
        cPromoted[batch.length] = aPromoted[aPromoted.length - 2];
        cPromoted[batch.length + 1] = bPromoted[bPromoted.length - 1];
    }

    public static Variable apply(Variable a, Variable b) {
        if (a.dim() == 0 || b.dim() == 0) {
            throw new IllegalArgumentException("matmul: both arguments need at least 1 dim, got shapes "
                    + Shape.str(a.shape()) + " and " + Shape.str(b.shape()));
        }
        Tensor c = a.value().matmul(b.value());
        return recording(a, b) ? new MatMul(a, b).output(c) : new Variable(c);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor gc = g.reshape(cPromoted);                                  // [..., n, p]
        Tensor da = null;
        Tensor db = null;
        if (needsInputGrad(0)) {
            Tensor bt = b.get().reshape(bPromoted).transpose(-1, -2);       // [..., p, m]
            da = Broadcasting.sumTo(gc.matmul(bt), aPromoted).reshape(inputShape(0));
        }
        if (needsInputGrad(1)) {
            Tensor at = a.get().reshape(aPromoted).transpose(-1, -2);       // [..., m, n]
            db = Broadcasting.sumTo(at.matmul(gc), bPromoted).reshape(inputShape(1));
        }
        return new Tensor[] {da, db};
    }
}
