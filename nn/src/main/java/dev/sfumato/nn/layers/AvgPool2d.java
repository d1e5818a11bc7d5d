package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.functional.Pooling;

/** Mean over k×k windows, like {@code nn.AvgPool2d(kernel_size, stride=None, padding=0, count_include_pad=True)}. */
public class AvgPool2d extends Module {

    private final int kernel;
    private final int stride;
    private final int padding;
    private final boolean countIncludePad;

    /** {@code nn.AvgPool2d(kernelSize)}: stride = kernelSize, no padding. */
    public AvgPool2d(int kernelSize) {
        this(kernelSize, kernelSize, 0, true);
    }

    public AvgPool2d(int kernelSize, int stride, int padding, boolean countIncludePad) {
        this.kernel = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.countIncludePad = countIncludePad;
    }

    /** x [N, C, H, W] → [N, C, H_out, W_out]. */
    @Override
    public Variable forward(Variable x) {
        return Pooling.avgPool2d(x, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding},
                countIncludePad);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding
                + (countIncludePad ? "" : ", count_include_pad=False");
    }
}
