package dev.sfumato.nn.init;

import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;

/**
 * Parameter initialisation in place, with PyTorch's formulas ({@code torch.nn.init}), drawn from a seeded
 * {@link Generator}. Fan-in and fan-out follow {@code _calculate_fan_in_and_fan_out}: for a weight
 * [out, in, k...] they are {@code in·Πk} and {@code out·Πk}.
 *
 * <p>References: Glorot &amp; Bengio 2010 (xavier), He et al. 2015 (kaiming).
 */
public final class Init {

    private Init() {}

    /** The fan of a weight, for kaiming's {@code mode}. */
    public enum FanMode { FAN_IN, FAN_OUT }

    /** {@code [fanIn, fanOut]} of a weight of rank ≥ 2. */
    public static int[] fans(Tensor w) {
        if (w.dim() < 2) {
            throw new IllegalArgumentException("init: fan in and fan out need a tensor of rank >= 2, got shape "
                    + java.util.Arrays.toString(w.shape()));
        }
        int receptive = 1;
        for (int d = 2; d < w.dim(); d++) {
            receptive *= w.size(d);
        }
        return new int[] {w.size(1) * receptive, w.size(0) * receptive};
    }

    /**
     * The recommended gain of {@code torch.nn.init.calculate_gain}: linear/conv/sigmoid 1, tanh 5/3,
     * relu √2, leaky_relu √(2/(1+a²)), selu 3/4.
     */
    public static double calculateGain(String nonlinearity, double param) {
        return switch (nonlinearity) {
            case "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
                    "sigmoid" -> 1.0;
            case "tanh" -> 5.0 / 3.0;
            case "relu" -> Math.sqrt(2.0);
            case "leaky_relu" -> Math.sqrt(2.0 / (1 + param * param));
            case "selu" -> 0.75;
            default -> throw new IllegalArgumentException("calculateGain: unsupported nonlinearity '" + nonlinearity + "'");
        };
    }

    /** U(a, b) in place. */
    public static Tensor uniform(Tensor t, double a, double b, Generator g) {
        float[] d = writable("uniform", t);
        long key = g.nextStreamKey();
        int off = t.offset();
        for (int i = 0; i < t.numel(); i++) {
            d[off + i] = (float) (a + (b - a) * Generator.uniformDouble(key, i));
        }
        t.markModified();
        return t;
    }

    /** N(mean, std²) in place. */
    public static Tensor normal(Tensor t, double mean, double std, Generator g) {
        float[] d = writable("normal", t);
        long key = g.nextStreamKey();
        int off = t.offset();
        for (int i = 0; i < t.numel(); i++) {
            d[off + i] = (float) (mean + std * Generator.normal(key, i));
        }
        t.markModified();
        return t;
    }

    /** Every element set to {@code value}. */
    public static Tensor constant(Tensor t, float value) {
        float[] d = writable("constant", t);
        java.util.Arrays.fill(d, t.offset(), t.offset() + t.numel(), value);
        t.markModified();
        return t;
    }

    public static Tensor zeros(Tensor t) {
        return constant(t, 0f);
    }

    public static Tensor ones(Tensor t) {
        return constant(t, 1f);
    }

    /** Glorot uniform: U(−b, b), b = gain·√(6/(fanIn + fanOut)). */
    public static Tensor xavierUniform(Tensor t, double gain, Generator g) {
        int[] f = fans(t);
        double bound = gain * Math.sqrt(6.0 / (f[0] + f[1]));
        return uniform(t, -bound, bound, g);
    }

    /** Glorot normal: N(0, σ²), σ = gain·√(2/(fanIn + fanOut)). */
    public static Tensor xavierNormal(Tensor t, double gain, Generator g) {
        int[] f = fans(t);
        return normal(t, 0, gain * Math.sqrt(2.0 / (f[0] + f[1])), g);
    }

    /**
     * He uniform: U(−b, b), b = gain·√(3/fan) with gain from {@link #calculateGain}({@code nonlinearity}, a).
     * PyTorch's default for Conv and Linear weights is {@code kaimingUniform(w, √5, FAN_IN, "leaky_relu")},
     * which gives b = 1/√fanIn.
     */
    public static Tensor kaimingUniform(Tensor t, double a, FanMode mode, String nonlinearity, Generator g) {
        int[] f = fans(t);
        int fan = mode == FanMode.FAN_IN ? f[0] : f[1];
        double bound = calculateGain(nonlinearity, a) * Math.sqrt(3.0 / fan);
        return uniform(t, -bound, bound, g);
    }

    /**
     * PyTorch's default {@code reset_parameters} of Linear and the convolutions: weight kaiming-uniform with
     * a = √5 (which gives U(±1/√fanIn)), then bias U(±1/√fanIn) when there is one. Draws the weight first,
     * as PyTorch does, so a seeded layer is reproducible.
     */
    public static void pytorchDefault(Tensor weight, Tensor bias, Generator g) {
        kaimingUniform(weight, Math.sqrt(5), FanMode.FAN_IN, "leaky_relu", g);
        if (bias != null) {
            double bound = 1 / Math.sqrt(fans(weight)[0]);
            uniform(bias, -bound, bound, g);
        }
    }

    /** He normal: N(0, σ²), σ = gain/√fan. */
    public static Tensor kaimingNormal(Tensor t, double a, FanMode mode, String nonlinearity, Generator g) {
        int[] f = fans(t);
        int fan = mode == FanMode.FAN_IN ? f[0] : f[1];
        return normal(t, 0, calculateGain(nonlinearity, a) / Math.sqrt(fan), g);
    }

    private static float[] writable(String op, Tensor t) {
        if (!t.isContiguous()) {
            throw new IllegalArgumentException("init." + op + ": expects a contiguous tensor, got strides "
                    + java.util.Arrays.toString(t.strides()) + " for shape " + java.util.Arrays.toString(t.shape()));
        }
        return t.data();
    }
}
