package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.functional.Pooling;

/** Mean over PyTorch's adaptive bins to a fixed output size, like {@code nn.AdaptiveAvgPool2d((outH, outW))}. */
public class AdaptiveAvgPool2d extends Module {

    private final int outH;
    private final int outW;

    public AdaptiveAvgPool2d(int outputSize) {
        this(outputSize, outputSize);
    }

    public AdaptiveAvgPool2d(int outH, int outW) {
        this.outH = outH;
        this.outW = outW;
    }

    /** x [N, C, H, W] → [N, C, outH, outW]. */
    @Override
    public Variable forward(Variable x) {
        return Pooling.adaptiveAvgPool2d(x, outH, outW);
    }

    @Override
    protected String extraRepr() {
        return "output_size=(" + outH + ", " + outW + ")";
    }
}
