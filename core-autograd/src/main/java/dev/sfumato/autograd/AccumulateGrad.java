package dev.sfumato.autograd;

import dev.sfumato.tensor.Tensor;

/**
 * The sink at a leaf that requires grad: adds the incoming gradient into {@link Variable#grad()}.
 * PyTorch's {@code AccumulateGrad}. It lives as long as its leaf and is never released, so the same leaf
 * can take part in any number of graphs and backward calls.
 */
final class AccumulateGrad extends Node {

    private final Variable leaf;

    AccumulateGrad(Variable leaf) {
        super("leaf", leaf.value().shape());
        this.leaf = leaf;
    }

    Variable leaf() {
        return leaf;
    }

    @Override
    protected Tensor[] backward(Tensor gradOutput) {
        leaf.accumulateGrad(gradOutput, gradBufferOwned);
        return new Tensor[0];
    }

    @Override
    void release() {
        // A leaf outlives the graphs built on it; nothing to free.
    }
}
