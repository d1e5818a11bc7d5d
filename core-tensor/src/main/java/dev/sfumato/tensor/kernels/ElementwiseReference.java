package dev.sfumato.tensor.kernels;

import dev.sfumato.tensor.BinaryOp;
import dev.sfumato.tensor.UnaryOp;

/**
 * Plain-loop elementwise kernels on contiguous spans: the specification that {@link ElementwiseKernels}
 * must match (bit for bit for exact ops, within a stated ulp tolerance for transcendental ones).
 *
 * <p>Every kernel reads {@code n} floats from each input starting at its offset and writes {@code n}
 * floats to {@code out} from {@code outOff}. Output may alias an input at the same offset (in-place use).
 * The scalar functions {@link #apply(UnaryOp, float)} and {@link #apply(BinaryOp, float, float)} follow
 * PyTorch 1.13's CPU results, including NaN, infinities and signed zeros.
 */
public final class ElementwiseReference {

    private ElementwiseReference() {}

    // ---------------------------------------------------------------------------------------------
    // Scalar definitions
    // ---------------------------------------------------------------------------------------------

    /** {@code f(x)} for one element. Transcendentals are computed in double and rounded once. */
    public static float apply(UnaryOp op, float x) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case EXP -> (float) Math.exp(x);
            case LOG -> (float) Math.log(x);
            case SQRT -> (float) Math.sqrt(x);
            case RSQRT -> 1f / (float) Math.sqrt(x); // rounded twice, as torch.rsqrt does
            case SQUARE -> x * x;
            case TANH -> (float) Math.tanh(x);
            case SIGMOID -> (float) sigmoid(x);
            case RELU -> x < 0f ? 0f : x; // keeps NaN and -0, like torch.relu
            case SILU -> (float) (x * sigmoid(x));
            case GELU -> (float) gelu(x);
            case SIN -> (float) Math.sin(x);
            case COS -> (float) Math.cos(x);
            case SIGN -> (x > 0f ? 1f : 0f) - (x < 0f ? 1f : 0f); // sign(NaN) = 0, as in torch 1.13
        };
    }

    /** {@code a op b} for one pair. Comparisons give 1 or 0; MAXIMUM/MINIMUM propagate NaN. */
    public static float apply(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> pow(a, b);
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            case EQ -> a == b ? 1f : 0f;
            case NE -> a != b ? 1f : 0f;
            case LT -> a < b ? 1f : 0f;
            case LE -> a <= b ? 1f : 0f;
            case GT -> a > b ? 1f : 0f;
            case GE -> a >= b ? 1f : 0f;
        };
    }

    /**
     * {@code a^b} with {@link Math#pow} semantics rounded to float, except {@code pow(1, NaN) = 1} as in C
     * and PyTorch (Java returns NaN there).
     */
    public static float pow(float a, float b) {
        if (a == 1f) {
            return 1f;
        }
        if (b == 2f) {
            return a * a; // exact, and what torch's pow does for a square
        }
        return (float) Math.pow(a, b);
    }

    /** {@code 1 / (1 + e^-x)}, written so that neither branch overflows. */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /**
     * {@code erfc(x)} to a relative error below 1.2e-7 everywhere: the Chebyshev fit of Numerical Recipes
     * (Press et al., 2nd ed., section 6.2, {@code erfcc}). Relative accuracy in both tails is what GELU
     * needs: {@code gelu(x) = x/2 * erfc(-x/sqrt 2)} is tiny for negative x.
     */
    public static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        double ans = t * Math.exp(-z * z + poly);
        return x >= 0 ? ans : 2.0 - ans;
    }

    /** {@code 0.5 x (1 + erf(x / sqrt 2)) = 0.5 x erfc(-x / sqrt 2)}, PyTorch's exact GELU. */
    public static double gelu(double x) {
        return 0.5 * x * erfc(-x * 0.7071067811865476);
    }

    // ---------------------------------------------------------------------------------------------
    // Span kernels
    // ---------------------------------------------------------------------------------------------

    /** {@code out[i] = f(x[i])}. */
    public static void unary(UnaryOp op, float[] x, int xOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = apply(op, x[xOff + i]);
        }
    }

    /** {@code out[i] = a[i] op b[i]}. */
    public static void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = apply(op, a[aOff + i], b[bOff + i]);
        }
    }

    /** {@code out[i] = a[i] op s}. */
    public static void binaryScalar(BinaryOp op, float[] a, int aOff, float s, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = apply(op, a[aOff + i], s);
        }
    }

    /** {@code out[i] = s op b[i]}. */
    public static void scalarBinary(BinaryOp op, float s, float[] b, int bOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = apply(op, s, b[bOff + i]);
        }
    }

    /** {@code out[i] = min(max(x[i], min), max)}; NaN stays NaN, as in {@code torch.clamp}. */
    public static void clamp(float[] x, int xOff, float min, float max, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = Math.min(Math.max(x[xOff + i], min), max);
        }
    }

    /** {@code out[i] = c[i] != 0 ? a[i] : b[i]} (a NaN condition counts as true, as in PyTorch). */
    public static void where(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff,
                             float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = c[cOff + i] != 0f ? a[aOff + i] : b[bOff + i];
        }
    }

    /** {@code out[i] = g[i]·s·(1 + x[i]·(1 − s))} with s = σ(x[i]), evaluated in double and rounded once. */
    public static void siluBackward(float[] g, int gOff, float[] x, int xOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            double xi = x[xOff + i];
            double s = sigmoid(xi);
            out[outOff + i] = (float) (g[gOff + i] * (s * (1 + xi * (1 - s))));
        }
    }

    /**
     * {@code y[i] = (float) ((x[i] − mu)·scale + shift)}, evaluated in double and rounded once: group norm's
     * normalise-and-affine with scale = γ/σ and shift = β.
     */
    public static void shiftScaleInDouble(float[] x, int xOff, float[] y, int yOff, int n, double mu, double scale,
                                          double shift) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) ((x[xOff + i] - mu) * scale + shift);
        }
    }

    /**
     * {@code dx[i] = (float) (r·(dy[i]·gm − a − ((x[i] − mu)·r)·b))}, evaluated in double and rounded once:
     * group norm's input gradient, with r = 1/σ, gm = γ, a = mean(dy·γ) and b = mean(dy·γ·x̂) over the group.
     */
    public static void groupNormInputGradient(float[] dy, int dyOff, float[] x, int xOff, float[] dx, int dxOff,
                                              int n, double mu, double r, double gm, double a, double b) {
        for (int i = 0; i < n; i++) {
            double xHat = (x[xOff + i] - mu) * r;
            dx[dxOff + i] = (float) (r * (dy[dyOff + i] * gm - a - xHat * b));
        }
    }

    /** {@code out[i] = v} for every i. */
    public static void fill(float v, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = v;
        }
    }

    /**
     * {@code y[i] += alpha * x[i]} as one fused multiply-add, rounded once: PyTorch's
     * {@code add_(x, alpha=alpha)} is an FMA on the CPU (checked bit for bit on 10^5 random values).
     */
    public static void addScaled(float[] y, int yOff, float[] x, int xOff, float alpha, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
        }
    }

    /**
     * {@code y[i] += value * t1[i] * t2[i]} as {@code fma(value * t1, t2, y)}, which is how PyTorch's
     * {@code addcmul_} rounds on the CPU (checked bit for bit on 10^5 random values).
     */
    public static void addcmul(float[] y, int yOff, float[] t1, int t1Off, float[] t2, int t2Off, float value, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.fma(value * t1[t1Off + i], t2[t2Off + i], y[yOff + i]);
        }
    }

    /** {@code y[i] += value * t1[i] / t2[i]}, evaluated as {@code y + (value * t1) / t2} like PyTorch. */
    public static void addcdiv(float[] y, int yOff, float[] t1, int t1Off, float[] t2, int t2Off, float value, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = y[yOff + i] + value * t1[t1Off + i] / t2[t2Off + i];
        }
    }
}
