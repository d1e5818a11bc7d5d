package dev.sfumato.nn.functional;

import dev.sfumato.autograd.Node;
import dev.sfumato.autograd.SavedTensor;
import dev.sfumato.autograd.Variable;
import dev.sfumato.autograd.ops.Broadcasting;
import dev.sfumato.nn.kernels.Conv2dKernels;
import dev.sfumato.nn.kernels.ConvGeometry;
import dev.sfumato.tensor.Shape;
import dev.sfumato.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The differentiable convolutions: {@code conv2d} and {@code conv_transpose2d}, forward and backward in one
 * place each, over {@link Conv2dKernels}.
 *
 * <p>A transposed convolution is the adjoint (the input gradient) of a convolution, so both ops share the
 * same three kernels with the roles swapped (Dumoulin &amp; Visin 2016, §4):
 * <pre>
 *              forward              d/dx                 d/dw
 * conv2d       conv(x, w)           convᵀ(dy, w)         corr(x, dy)
 * convT2d      convᵀ(x, w)          conv(dy, w)          corr(dy, x)
 * </pre>
 */
public final class Convolution {

    private Convolution() {}

    /** {@code F.conv2d(x, w, b, stride, padding, dilation, groups)}; {@code b} may be null. */
    public static Variable conv2d(Variable x, Variable w, Variable b, int[] stride, int[] padding, int[] dilation,
                                  int groups) {
        return Conv2d.apply(x, w, b, stride, padding, dilation, groups);
    }

    /** {@code F.conv2d(x, w, b, stride=s, padding=p)} with square options. */
    public static Variable conv2d(Variable x, Variable w, Variable b, int stride, int padding) {
        return Conv2d.apply(x, w, b, new int[] {stride, stride}, new int[] {padding, padding}, new int[] {1, 1}, 1);
    }

    /**
     * {@code conv2d(x, w, b, stride, padding, dilation, groups) + addend} in one op, {@code addend} broadcast to the
     * output's shape (a residual [N, C_out, H_out, W_out], or a per-sample bias [N, C_out, 1, 1]): the sum is
     * written into the convolution's fresh output, so no second activation-sized tensor is allocated and the
     * output is not read and written again by a separate add. The same values as {@code conv2d(...).add(addend)},
     * bit for bit (one float addition per element either way); PyTorch has no such op, and the DDPM U-Net's
     * residual block adds both its time embedding and its residual this way.
     */
    public static Variable conv2dAdd(Variable x, Variable w, Variable b, int[] stride, int[] padding, int[] dilation,
                                     int groups, Variable addend) {
        return Conv2d.apply(x, w, b, stride, padding, dilation, groups, addend);
    }

    /** {@code F.conv_transpose2d(x, w, b, stride, padding, output_padding, groups, dilation)}; {@code b} may be null. */
    public static Variable convTranspose2d(Variable x, Variable w, Variable b, int[] stride, int[] padding,
                                           int[] outputPadding, int[] dilation, int groups) {
        return ConvTranspose2d.apply(x, w, b, stride, padding, outputPadding, dilation, groups);
    }

    /**
     * {@code y = conv2d(x, w) + b (+ addend)}. d/dx: the transposed convolution of dy with w; d/dw: the correlation
     * of x with dy; d/db: dy summed over N, H, W; d/daddend: dy summed over the dims the addend was broadcast along
     * (as for an add). Saves x and w.
     */
    public static final class Conv2d extends Node {
        private final ConvGeometry g;
        private final SavedTensor x;
        private final SavedTensor w;
        /** Input indices of the bias and the addend, −1 when absent. */
        private final int biasAt;
        private final int addendAt;

        private Conv2d(ConvGeometry g, Variable[] inputs, int biasAt, int addendAt) {
            super("conv2d", inputs);
            this.g = g;
            this.biasAt = biasAt;
            this.addendAt = addendAt;
            this.x = needsInputGrad(1) ? save(inputs[0].value()) : null;
            this.w = needsInputGrad(0) ? save(inputs[1].value()) : null;
        }

        public static Variable apply(Variable x, Variable w, Variable b, int[] stride, int[] padding, int[] dilation,
                                     int groups) {
            return apply(x, w, b, stride, padding, dilation, groups, null);
        }

        /** {@link #apply(Variable, Variable, Variable, int[], int[], int[], int)}, plus {@code addend} if not null. */
        public static Variable apply(Variable x, Variable w, Variable b, int[] stride, int[] padding, int[] dilation,
                                     int groups, Variable addend) {
            ConvGeometry g = ConvGeometry.conv2d("conv2d", x.shape(), w.shape(), stride, padding, dilation, groups);
            checkBias("conv2d", b, g.cOut());
            if (addend != null) {
                int[] out = g.outputShape();
                // Checked before the convolution runs, so that a wrong addend costs nothing.
                if (!Arrays.equals(Shape.broadcast("conv2d addend", out, addend.shape()), out)) {
                    throw new IllegalArgumentException("conv2d: addend of shape " + Arrays.toString(addend.shape())
                            + " does not broadcast to the output's shape " + Arrays.toString(out));
                }
            }
            Tensor y = Conv2dKernels.forward(g, x.value(), w.value(), b == null ? null : b.value());
            if (addend != null) {
                y.addInPlace(addend.value());                                 // y is new: nothing else sees it
            }
            List<Variable> inputs = new ArrayList<>(List.of(x, w));
            int biasAt = -1;
            int addendAt = -1;
            if (b != null) {
                biasAt = inputs.size();
                inputs.add(b);
            }
            if (addend != null) {
                addendAt = inputs.size();
                inputs.add(addend);
            }
            return recording(inputs)
                    ? new Conv2d(g, inputs.toArray(Variable[]::new), biasAt, addendAt).output(y)
                    : new Variable(y);
        }

        @Override
        protected Tensor[] backward(Tensor gradOutput) {
            // Made contiguous once for the three kernels (a channel slice of cat's gradient is a strided view,
            // and each kernel used to copy it on its own).
            Tensor dy = contiguous(gradOutput);
            Tensor[] grads = new Tensor[inputCount()];
            if (needsInputGrad(0)) {
                grads[0] = Conv2dKernels.backwardInput(g, dy, w.get());
            }
            if (needsInputGrad(1)) {
                grads[1] = Conv2dKernels.backwardWeight(g, x.get(), dy);
            }
            if (biasAt >= 0 && needsInputGrad(biasAt)) {
                grads[biasAt] = Conv2dKernels.backwardBias(g, dy);
            }
            if (addendAt >= 0 && needsInputGrad(addendAt)) {
                grads[addendAt] = Broadcasting.sumTo(gradOutput, inputShape(addendAt));
            }
            releaseContiguous(dy, gradOutput);
            return grads;
        }
    }

    /**
     * {@code y = conv_transpose2d(x, w) + b}, w [C_in, C_out/G, kH, kW]. d/dx: conv2d of dy with w; d/dw: the
     * correlation of dy with x; d/db: dy summed over N, H, W. Saves x and w.
     */
    public static final class ConvTranspose2d extends Node {
        private final ConvGeometry g;
        private final SavedTensor x;
        private final SavedTensor w;

        private ConvTranspose2d(ConvGeometry g, Variable x, Variable w, Variable b) {
            super("conv_transpose2d", b == null ? new Variable[] {x, w} : new Variable[] {x, w, b});
            this.g = g;
            this.x = needsInputGrad(1) ? save(x.value()) : null;
            this.w = needsInputGrad(0) ? save(w.value()) : null;
        }

        public static Variable apply(Variable x, Variable w, Variable b, int[] stride, int[] padding,
                                     int[] outputPadding, int[] dilation, int groups) {
            // g describes the forward conv whose input gradient this op is: its "output" is our input x.
            ConvGeometry g = ConvGeometry.convTranspose2d("conv_transpose2d", x.shape(), w.shape(), stride, padding,
                    outputPadding, dilation, groups);
            checkBias("conv_transpose2d", b, g.cIn());
            Tensor y = Conv2dKernels.backwardInput(g, x.value(), w.value()); // [N, C_out, H_out, W_out]
            if (b != null) {
                y.addInPlace(b.value().reshape(1, -1, 1, 1));
            }
            boolean rec = b == null ? recording(x, w) : recording(List.of(x, w, b));
            return rec ? new ConvTranspose2d(g, x, w, b).output(y) : new Variable(y);
        }

        @Override
        protected Tensor[] backward(Tensor gradOutput) {
            Tensor dy = contiguous(gradOutput);                               // once for the kernels, as in Conv2d
            Tensor[] grads = new Tensor[inputCount()];
            if (needsInputGrad(0)) {
                grads[0] = Conv2dKernels.forward(g, dy, w.get(), null);
            }
            if (needsInputGrad(1)) {
                grads[1] = Conv2dKernels.backwardWeight(g, dy, x.get());
            }
            if (inputCount() == 3 && needsInputGrad(2)) {
                grads[2] = dy.sum(new int[] {0, 2, 3}, false);
            }
            releaseContiguous(dy, gradOutput);
            return grads;
        }
    }

    private static void checkBias(String op, Variable b, int channels) {
        if (b != null && (b.dim() != 1 || b.size(0) != channels)) {
            throw new IllegalArgumentException(op + ": bias must have shape [" + channels + "], got "
                    + Arrays.toString(b.shape()));
        }
    }
}
