package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;

/**
 * Flattens a range of dims into one, like {@code torch.nn.Flatten(start_dim=1, end_dim=-1)}: with the
 * defaults [N, C, H, W] → [N, C·H·W], the step between a conv stack and a classifier's Linear.
 */
public class Flatten extends Module {

    private final int startDim;
    private final int endDim;

    /** {@code nn.Flatten()}: start_dim = 1, end_dim = −1. */
    public Flatten() {
        this(1, -1);
    }

    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    /** x [d0, .., dk] → dims startDim..endDim merged. */
    @Override
    public Variable forward(Variable x) {
        return x.flatten(startDim, endDim);
    }

    @Override
    protected String extraRepr() {
        return "start_dim=" + startDim + ", end_dim=" + endDim;
    }
}
