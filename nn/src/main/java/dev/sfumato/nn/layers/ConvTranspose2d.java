package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.Parameter;
import dev.sfumato.nn.functional.Convolution;
import dev.sfumato.nn.init.Init;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;

/**
 * Transposed 2-D convolution, like {@code torch.nn.ConvTranspose2d}: weight [C_in, C_out/groups, kH, kW],
 * bias [C_out]; {@code H_out = (H − 1)s − 2p + d(k − 1) + output_padding + 1}.
 *
 * <p>Init as PyTorch: kaiming-uniform with a = √5 on the weight, whose fan-in for this layout is
 * {@code C_out/groups·kH·kW} (PyTorch computes fans from dims 1 and 0 of the stored weight), and a bias
 * U(±1/√fanIn).
 * <pre>
 * ConvTranspose2d up = ConvTranspose2d.builder(64, 64, 4).stride(2).padding(1).build();
 * </pre>
 */
public class ConvTranspose2d extends Module {

    public final Parameter weight;
    public final Parameter bias;
    private final int inChannels;
    private final int outChannels;
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;
    private final int[] outputPadding;
    private final int[] dilation;
    private final int groups;

    private ConvTranspose2d(Builder b) {
        if (b.in <= 0 || b.out <= 0 || b.in % b.groups != 0 || b.out % b.groups != 0) {
            throw new IllegalArgumentException("ConvTranspose2d: in_channels " + b.in + " and out_channels " + b.out
                    + " must be positive and divisible by groups " + b.groups);
        }
        this.inChannels = b.in;
        this.outChannels = b.out;
        this.kernelSize = b.kernel;
        this.stride = b.stride;
        this.padding = b.padding;
        this.outputPadding = b.outputPadding;
        this.dilation = b.dilation;
        this.groups = b.groups;
        this.weight = registerParameter("weight", new Parameter(Tensor.zeros(b.in, b.out / b.groups, b.kernel[0], b.kernel[1])));
        this.bias = registerParameter("bias", b.bias ? new Parameter(Tensor.zeros(b.out)) : null);
        resetParameters(b.generator);
    }

    /** PyTorch's {@code reset_parameters}. */
    public void resetParameters(Generator g) {
        Init.pytorchDefault(weight.value(), bias == null ? null : bias.value(), g);
    }

    /** x [N, C_in, H, W] → [N, C_out, H_out, W_out]. */
    @Override
    public Variable forward(Variable x) {
        return Convolution.convTranspose2d(x, weight, bias, stride, padding, outputPadding, dilation, groups);
    }

    @Override
    protected String extraRepr() {
        StringBuilder s = new StringBuilder(String.format("%d, %d, kernel_size=(%d, %d), stride=(%d, %d)",
                inChannels, outChannels, kernelSize[0], kernelSize[1], stride[0], stride[1]));
        if (padding[0] != 0 || padding[1] != 0) {
            s.append(String.format(", padding=(%d, %d)", padding[0], padding[1]));
        }
        if (outputPadding[0] != 0 || outputPadding[1] != 0) {
            s.append(String.format(", output_padding=(%d, %d)", outputPadding[0], outputPadding[1]));
        }
        if (groups != 1) {
            s.append(", groups=").append(groups);
        }
        if (bias == null) {
            s.append(", bias=False");
        }
        return s.toString();
    }

    public static Builder builder(int inChannels, int outChannels, int kernelSize) {
        return new Builder(inChannels, outChannels, new int[] {kernelSize, kernelSize});
    }

    /** Keyword arguments of {@code nn.ConvTranspose2d}. */
    public static final class Builder {
        private final int in;
        private final int out;
        private final int[] kernel;
        private int[] stride = {1, 1};
        private int[] padding = {0, 0};
        private int[] outputPadding = {0, 0};
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
        public Builder padding(int p) { this.padding = new int[] {p, p}; return this; }
        public Builder outputPadding(int p) { this.outputPadding = new int[] {p, p}; return this; }
        public Builder dilation(int d) { this.dilation = new int[] {d, d}; return this; }
        public Builder groups(int g) { this.groups = g; return this; }
        public Builder bias(boolean b) { this.bias = b; return this; }
        public Builder generator(Generator g) { this.generator = g; return this; }

        public ConvTranspose2d build() {
            return new ConvTranspose2d(this);
        }
    }
}
