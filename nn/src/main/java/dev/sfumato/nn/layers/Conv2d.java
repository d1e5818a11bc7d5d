package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.Parameter;
import dev.sfumato.nn.functional.Convolution;
import dev.sfumato.nn.init.Init;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;

/**
 * 2-D convolution over NCHW input, like {@code torch.nn.Conv2d}: weight [C_out, C_in/groups, kH, kW],
 * bias [C_out]; output [N, C_out, H_out, W_out] with {@code H_out = ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1}.
 *
 * <p>Init as PyTorch: weight kaiming-uniform with a = √5 (U(±1/√fanIn)), bias U(±1/√fanIn).
 * <pre>
 * Conv2d conv = Conv2d.builder(1, 32, 3).padding(1).build();   // nn.Conv2d(1, 32, 3, padding=1)
 * </pre>
 */
public class Conv2d extends Module {

    public final Parameter weight;
    public final Parameter bias;
    private final int inChannels;
    private final int outChannels;
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final int groups;

    /** {@code nn.Conv2d(in, out, kernelSize)} with stride 1, no padding, a bias, and the global generator. */
    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(builder(inChannels, outChannels, kernelSize));
    }

    private Conv2d(Builder b) {
        if (b.in <= 0 || b.out <= 0 || b.in % b.groups != 0 || b.out % b.groups != 0) {
            throw new IllegalArgumentException("Conv2d: in_channels " + b.in + " and out_channels " + b.out
                    + " must be positive and divisible by groups " + b.groups);
        }
        this.inChannels = b.in;
        this.outChannels = b.out;
        this.kernelSize = b.kernel;
        this.stride = b.stride;
        this.padding = b.padding;
        this.dilation = b.dilation;
        this.groups = b.groups;
        this.weight = registerParameter("weight", new Parameter(Tensor.zeros(b.out, b.in / b.groups, b.kernel[0], b.kernel[1])));
        this.bias = registerParameter("bias", b.bias ? new Parameter(Tensor.zeros(b.out)) : null);
        resetParameters(b.generator);
    }

    /** PyTorch's {@code reset_parameters}: kaiming-uniform(a=√5) weight, U(±1/√fanIn) bias. */
    public void resetParameters(Generator g) {
        Init.pytorchDefault(weight.value(), bias == null ? null : bias.value(), g);
    }

    /** x [N, C_in, H, W] → [N, C_out, H_out, W_out]. */
    @Override
    public Variable forward(Variable x) {
        return Convolution.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * {@code forward(x).add(addend)} in one op ({@link Convolution#conv2dAdd}): the addend (a residual, or a
     * per-sample bias [N, C_out, 1, 1]) is summed into the convolution's output, the same values bit for bit.
     */
    public Variable forward(Variable x, Variable addend) {
        return Convolution.conv2dAdd(x, weight, bias, stride, padding, dilation, groups, addend);
    }

    @Override
    protected String extraRepr() {
        StringBuilder s = new StringBuilder(String.format("%d, %d, kernel_size=(%d, %d), stride=(%d, %d)",
                inChannels, outChannels, kernelSize[0], kernelSize[1], stride[0], stride[1]));
        if (padding[0] != 0 || padding[1] != 0) {
            s.append(String.format(", padding=(%d, %d)", padding[0], padding[1]));
        }
        if (dilation[0] != 1 || dilation[1] != 1) {
            s.append(String.format(", dilation=(%d, %d)", dilation[0], dilation[1]));
        }
        if (groups != 1) {
            s.append(", groups=").append(groups);
        }
        if (bias == null) {
            s.append(", bias=False");
        }
        return s.toString();
    }

    /** Options with PyTorch's names and defaults. */
    public static Builder builder(int inChannels, int outChannels, int kernelSize) {
        return new Builder(inChannels, outChannels, new int[] {kernelSize, kernelSize});
    }

    /** Options with a rectangular kernel. */
    public static Builder builder(int inChannels, int outChannels, int kH, int kW) {
        return new Builder(inChannels, outChannels, new int[] {kH, kW});
    }

    /** Keyword arguments of {@code nn.Conv2d}. */
    public static final class Builder {
        private final int in;
        private final int out;
        private final int[] kernel;
        private int[] stride = {1, 1};
        private int[] padding = {0, 0};
        private int[] dilation = {1, 1};
        private int groups = 1;
        private boolean bias = true;
        private Generator generator = Generator.global();

        private Builder(int in, int out, int[] kernel) {
            this.in = in;
            this.out = out;
            this.kernel = kernel;
        }

        public Builder stride(int s) { this.stride = new int[] {s, s}; return this; }
        public Builder stride(int sH, int sW) { this.stride = new int[] {sH, sW}; return this; }
        public Builder padding(int p) { this.padding = new int[] {p, p}; return this; }
        public Builder padding(int pH, int pW) { this.padding = new int[] {pH, pW}; return this; }
        public Builder dilation(int d) { this.dilation = new int[] {d, d}; return this; }
        public Builder dilation(int dH, int dW) { this.dilation = new int[] {dH, dW}; return this; }
        public Builder groups(int g) { this.groups = g; return this; }
        public Builder bias(boolean b) { this.bias = b; return this; }
        /** The generator that draws the initial weights (default: the global one). */
        public Builder generator(Generator g) { this.generator = g; return this; }

        public Conv2d build() {
            return new Conv2d(this);
        }
    }
}
