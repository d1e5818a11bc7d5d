package dev.sfumato.nn.functional;

import dev.sfumato.autograd.Node;
import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.kernels.Pool2dKernels;
import dev.sfumato.nn.kernels.PoolGeometry;
import dev.sfumato.tensor.Tensor;

/**
 * Differentiable pooling and nearest upsampling over NCHW, forward and backward together
 * ({@link Pool2dKernels} does the loops).
 */
public final class Pooling {

    private Pooling() {}

    /** {@code F.max_pool2d(x, kernel_size, stride, padding)}; stride defaults to the kernel size in PyTorch. */
    public static Variable maxPool2d(Variable x, int[] kernel, int[] stride, int[] padding) {
        return MaxPool2d.apply(x, kernel, stride, padding);
    }

    /** {@code F.avg_pool2d(x, kernel_size, stride, padding, count_include_pad=countIncludePad)}. */
    public static Variable avgPool2d(Variable x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        return AvgPool2d.apply(x, kernel, stride, padding, countIncludePad);
    }

    /** {@code F.adaptive_avg_pool2d(x, (outH, outW))}. */
    public static Variable adaptiveAvgPool2d(Variable x, int outH, int outW) {
        return AdaptiveAvgPool2d.apply(x, outH, outW);
    }

    /** {@code F.interpolate(x, scale_factor=(sH, sW), mode='nearest')} for integer factors. */
    public static Variable upsampleNearest2d(Variable x, int sH, int sW) {
        return UpsampleNearest2d.apply(x, sH, sW);
    }

    /**
     * y = max over each window. d/dx: the output gradient flows to the one input that won the window
     * (summed where windows overlap). Saves the winners' indices, not x.
     */
    public static final class MaxPool2d extends Node {
        private final PoolGeometry g;
        private int[] argmax;

        private MaxPool2d(PoolGeometry g, Variable x, int[] argmax) {
            super("max_pool2d", x);
            this.g = g;
            this.argmax = argmax;
        }

        public static Variable apply(Variable x, int[] kernel, int[] stride, int[] padding) {
            PoolGeometry g = PoolGeometry.of("max_pool2d", x.shape(), kernel, stride, padding);
            int[] argmax = new int[g.n() * g.c() * g.hOut() * g.wOut()];
            Tensor y = Pool2dKernels.maxForward(g, x.value(), argmax);
            return recording(x) ? new MaxPool2d(g, x, argmax).output(y) : new Variable(y);
        }

        @Override
        protected Tensor[] backward(Tensor dy) {
            return new Tensor[] {Pool2dKernels.maxBackward(g, dy, argmax)};
        }
    }

    /** y = mean over each window. d/dx: each output gradient divided by the window size, spread over the window. Saves nothing. */
    public static final class AvgPool2d extends Node {
        private final PoolGeometry g;
        private final boolean countIncludePad;

        private AvgPool2d(PoolGeometry g, Variable x, boolean countIncludePad) {
            super("avg_pool2d", x);
            this.g = g;
            this.countIncludePad = countIncludePad;
        }

        public static Variable apply(Variable x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
            PoolGeometry g = PoolGeometry.of("avg_pool2d", x.shape(), kernel, stride, padding);
            Tensor y = Pool2dKernels.avgForward(g, x.value(), countIncludePad);
            return recording(x) ? new AvgPool2d(g, x, countIncludePad).output(y) : new Variable(y);
        }

        @Override
        protected Tensor[] backward(Tensor dy) {
            return new Tensor[] {Pool2dKernels.avgBackward(g, dy, countIncludePad)};
        }
    }

    /** y = mean over PyTorch's adaptive bins. d/dx: each bin's gradient spread evenly over the bin. Saves nothing. */
    public static final class AdaptiveAvgPool2d extends Node {
        private AdaptiveAvgPool2d(Variable x) {
            super("adaptive_avg_pool2d", x);
        }

        public static Variable apply(Variable x, int outH, int outW) {
            if (x.dim() != 4 || outH < 1 || outW < 1) {
                throw new IllegalArgumentException("adaptive_avg_pool2d: expected a 4-D input [N, C, H, W] and a positive output size, got shape "
                        + java.util.Arrays.toString(x.shape()) + " and (" + outH + ", " + outW + ")");
            }
            Tensor y = Pool2dKernels.adaptiveAvgForward(x.value(), outH, outW);
            return recording(x) ? new AdaptiveAvgPool2d(x).output(y) : new Variable(y);
        }

        @Override
        protected Tensor[] backward(Tensor dy) {
            return new Tensor[] {Pool2dKernels.adaptiveAvgBackward(dy, inputShape(0))};
        }
    }

    /** y[i, j] = x[⌊i/sH⌋, ⌊j/sW⌋]. d/dx: the sum of the sH·sW output gradients that copied each input. Saves nothing. */
    public static final class UpsampleNearest2d extends Node {
        private final int sH;
        private final int sW;

        private UpsampleNearest2d(Variable x, int sH, int sW) {
            super("upsample_nearest2d", x);
            this.sH = sH;
            this.sW = sW;
        }

        public static Variable apply(Variable x, int sH, int sW) {
            if (x.dim() != 4 || sH < 1 || sW < 1) {
                throw new IllegalArgumentException("upsample_nearest2d: expected a 4-D input [N, C, H, W] and positive integer scale factors, got shape "
                        + java.util.Arrays.toString(x.shape()) + " and (" + sH + ", " + sW + ")");
            }
            Tensor y = Pool2dKernels.upsampleNearestForward(x.value(), sH, sW);
            return recording(x) ? new UpsampleNearest2d(x, sH, sW).output(y) : new Variable(y);
        }

        @Override
        protected Tensor[] backward(Tensor dy) {
            return new Tensor[] {Pool2dKernels.upsampleNearestBackward(dy, sH, sW)};
        }
    }
}
