package dev.sfumato.nn.functional;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.List;

import static dev.sfumato.nn.functional.Draw.check;

/**
 * Gradient checks of conv2d and conv_transpose2d in x, w and b over random groups, kernels, strides,
 * paddings, dilations and output paddings, including sizes the stride does not divide (the last rows and
 * columns of the input then reach no output, and their gradient must be exactly zero).
 */
class ConvolutionGradientProperties {

    @Property(tries = 40)
    @GradientOf(nodes = Convolution.Conv2d.class, functions = "Convolution.conv2d")
    void conv2d(@ForAll long seed) {
        Draw d = new Draw(seed);
        int groups = d.between(1, 2);
        int cIn = groups * d.between(1, 2);
        int cOut = groups * d.between(1, 2);
        int kH = d.between(1, 3);
        int kW = d.between(1, 3);
        int[] stride = {d.between(1, 3), d.between(1, 3)};
        int[] padding = {d.between(0, 1), d.between(0, 1)};
        int[] dilation = {d.between(1, 2), d.between(1, 2)};
        // The smallest input the dilated kernel fits, plus up to 3 rows/columns the stride may not divide.
        int h = Math.max(1, dilation[0] * (kH - 1) + 1 - 2 * padding[0]) + d.between(0, 3);
        int w = Math.max(1, dilation[1] * (kW - 1) + 1 - 2 * padding[1]) + d.between(0, 3);
        Tensor x = d.normal(d.between(1, 2), cIn, h, w);
        Tensor wt = d.normal(cOut, cIn / groups, kH, kW);
        if (d.coin()) {
            check(in -> Convolution.conv2d(in.get(0), in.get(1), in.get(2), stride, padding, dilation, groups),
                    x, wt, d.normal(cOut));
        } else {
            check(in -> Convolution.conv2d(in.get(0), in.get(1), null, stride, padding, dilation, groups), x, wt);
        }
    }

    /**
     * conv2d plus an addend summed into its output: a residual of the output's shape, or a per-sample bias
     * [N, C_out, 1, 1] (its gradient is dy summed over H and W).
     */
    @Property(tries = 20)
    @GradientOf(functions = "Convolution.conv2dAdd")
    void conv2dAdd(@ForAll long seed) {
        Draw d = new Draw(seed);
        int n = d.between(1, 2);
        int cIn = d.between(1, 3);
        int cOut = d.between(1, 3);
        int k = d.between(1, 3);
        int[] stride = {d.between(1, 2), d.between(1, 2)};
        int[] padding = {d.between(0, 1), d.between(0, 1)};
        int h = k + d.between(0, 3);
        int w = k + d.between(0, 3);
        int hOut = (h + 2 * padding[0] - k) / stride[0] + 1;
        int wOut = (w + 2 * padding[1] - k) / stride[1] + 1;
        Tensor addend = d.coin() ? d.normal(n, cOut, hOut, wOut) : d.normal(n, cOut, 1, 1);
        check(in -> Convolution.conv2dAdd(in.get(0), in.get(1), in.get(2), stride, padding, new int[] {1, 1}, 1,
                in.get(3)), d.normal(n, cIn, h, w), d.normal(cOut, cIn, k, k), d.normal(cOut), addend);
    }

    @Property(tries = 10)
    @GradientOf(functions = "Convolution.conv2d")
    void conv2dSquareOptions(@ForAll long seed) {
        Draw d = new Draw(seed);
        int s = d.between(1, 2);
        int p = d.between(0, 1);
        check(in -> Convolution.conv2d(in.get(0), in.get(1), in.get(2), s, p),
                d.normal(1, 2, d.between(3, 5), d.between(3, 5)), d.normal(2, 2, 3, 3), d.normal(2));
    }

    /**
     * The geometry that runs on Winograd's F(4×4, 3×3) (3×3, stride 1, padding 1, 8 channels or more each way):
     * forward and input gradient through the transforms, odd and even sizes (tiles past the image's edge).
     */
    @Property(tries = 5)
    @GradientOf(functions = "Convolution.conv2d")
    void conv2dOnWinograd(@ForAll long seed) {
        Draw d = new Draw(seed);
        int cIn = d.between(8, 9);
        int cOut = d.between(8, 9);
        check(in -> Convolution.conv2d(in.get(0), in.get(1), in.get(2), 1, 1),
                d.normal(d.between(1, 2), cIn, d.between(1, 5), d.between(1, 5)), d.normal(cOut, cIn, 3, 3),
                d.normal(cOut));
    }

    /**
     * Geometries that run on the channels-last kernels (one group, 32 channels each way, which fill the lanes of
     * their tile): with a stride above 1 all three products (forward, input gradient by pixel classes, weight
     * gradient), with stride 1 the weight gradient; kernels of 1-3 and sizes the stride does not divide.
     */
    @Property(tries = 3)
    @GradientOf(functions = "Convolution.conv2d")
    void conv2dOnChannelsLast(@ForAll long seed) {
        Draw d = new Draw(seed);
        int cIn = d.between(32, 33);
        int cOut = d.between(32, 33);
        int k = d.between(1, 3);
        int[] stride = d.coin() ? new int[] {1, 1} : new int[] {d.between(2, 3), d.between(1, 3)};
        if (stride[0] == 1 && k == 1) {
            k = 3;                                                   // a 1×1 stride-1 weight gradient stays a GEMM
        }
        int[] padding = {d.between(0, 1), d.between(0, 1)};
        int[] dilation = {1, 1};
        check(in -> Convolution.conv2d(in.get(0), in.get(1), in.get(2), stride, padding, dilation, 1),
                d.normal(1, cIn, k + d.between(0, 2), k + d.between(0, 2)), d.normal(cOut, cIn, k, k),
                d.normal(cOut));
    }

    @Property(tries = 40)
    @GradientOf(nodes = Convolution.ConvTranspose2d.class, functions = "Convolution.convTranspose2d")
    void convTranspose2d(@ForAll long seed) {
        Draw d = new Draw(seed);
        int groups = d.between(1, 2);
        int cIn = groups * d.between(1, 2);
        int cOutG = d.between(1, 2);
        int kH = d.between(1, 3);
        int kW = d.between(1, 3);
        int[] stride = {d.between(1, 3), d.between(1, 3)};
        int[] dilation = {d.between(1, 2), d.between(1, 2)};
        int[] padding = {d.between(0, 1), d.between(0, 1)};
        // output_padding must be below stride or dilation (PyTorch's rule).
        int[] outputPadding = {d.between(0, Math.max(stride[0], dilation[0]) - 1),
                               d.between(0, Math.max(stride[1], dilation[1]) - 1)};
        int h = d.between(1, 3);
        int w = d.between(1, 3);
        int hOut = (h - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kH - 1) + outputPadding[0] + 1;
        int wOut = (w - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kW - 1) + outputPadding[1] + 1;
        if (hOut < 1 || wOut < 1) {
            padding[0] = 0;
            padding[1] = 0;
        }
        Tensor x = d.normal(d.between(1, 2), cIn, h, w);
        Tensor wt = d.normal(cIn, cOutG, kH, kW);
        Tensor b = d.normal(cOutG * groups);
        List<Tensor> inputs = d.coin() ? List.of(x, wt, b) : List.of(x, wt);
        check(in -> Convolution.convTranspose2d(in.get(0), in.get(1), in.size() == 3 ? in.get(2) : null,
                stride, padding, outputPadding, dilation, groups), inputs.toArray(new Tensor[0]));
    }

    /** Rows and columns past the last full window reach no output: their gradient is exactly zero. */
    @Property(tries = 10)
    @GradientOf(functions = "Convolution.conv2d")
    void conv2dInputTailGetsZeroGradient(@ForAll long seed) {
        Draw d = new Draw(seed);
        int stride = d.between(2, 3);
        int h = 3 + stride * d.between(1, 2) + d.between(1, stride - 1);  // (h − 3) % stride != 0
        Variable x = new Variable(d.normal(1, 1, h, h), true);
        Variable w = new Variable(d.normal(1, 1, 3, 3));
        Variable y = Convolution.conv2d(x, w, null, stride, 0);
        y.backward(Tensor.onesLike(y.value()));
        int used = (y.size(2) - 1) * stride + 3;
        Tensor tail = x.grad().narrow(2, used, h - used);
        for (float v : tail.toArray()) {
            org.junit.jupiter.api.Assertions.assertEquals(0f, v, "input rows past the last window");
        }
        check(in -> Convolution.conv2d(in.get(0), in.get(1), null, stride, 0), x.value(), w.value());
    }
}
