package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.functional.Pooling;

/** Max over k×k windows, like {@code nn.MaxPool2d(kernel_size, stride=None, padding=0)}: stride defaults to the kernel size. */
public class MaxPool2d extends Module {

    private final int kernel;
    private final int stride;
    private final int padding;

    /** {@code nn.MaxPool2d(kernelSize)}: stride = kernelSize, no padding. */
    public MaxPool2d(int kernelSize) {
        this(kernelSize, kernelSize, 0);
    }

    public MaxPool2d(int kernelSize, int stride, int padding) {
        this.kernel = kernelSize;
        this.stride = stride;
        this.padding = padding;
    }

    /** x [N, C, H, W] → [N, C, H_out, W_out]. */
    @Override
    public Variable forward(Variable x) {
        return Pooling.maxPool2d(x, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding});
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding;
    }
}
