package dev.sfumato.nn.functional;

import dev.sfumato.autograd.gradcheck.GradCheck;
import dev.sfumato.tensor.Tensor;

import java.util.Random;

/**
 * Random sizes and inputs for one gradient-check try, all from one seed. Tensors come in one of three
 * layouts (contiguous, last dim strided by 2, last two dims stored transposed), so rules that read their
 * inputs through {@code toArray} or views are checked on non-contiguous inputs too.
 */
final class Draw {

    final Random rnd;

    Draw(long seed) {
        this.rnd = new Random(seed);
    }

    /** Runs the check with the default options and fails with the full report. */
    static void check(GradCheck.Fn f, Tensor... inputs) {
        GradCheck.check(f, inputs).assertPassed();
    }

    /** An integer in [lo, hi]. */
    int between(int lo, int hi) {
        return lo + rnd.nextInt(hi - lo + 1);
    }

    boolean coin() {
        return rnd.nextBoolean();
    }

    /** Standard normal values in a random layout. */
    Tensor normal(int... shape) {
        float[] v = new float[numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return layout(Tensor.wrap(v, shape));
    }

    /**
     * Values {@code ±1 + 0.3·N(0, 1)}, the sign alternating along the flat index. A normalisation divides by
     * the spread σ of a set of elements, and central differences with step h are accurate only while
     * h ≪ σ; every set a norm normalises over contains neighbouring flat indices (or is a single element),
     * so here σ stays near 1 whatever the shape, instead of coming arbitrarily close to zero for two
     * normal draws that happen to be close.
     */
    Tensor alternating(int... shape) {
        float[] v = new float[numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 2 == 0 ? 1f : -1f) + 0.3f * (float) rnd.nextGaussian();
        }
        return layout(Tensor.wrap(v, shape));
    }

    /**
     * A shuffled ramp with gaps of {@code spacing}, centred on zero: no two values within {@code spacing},
     * so max pooling keeps one winner while GradCheck moves an element by up to ±2h.
     */
    Tensor distinct(float spacing, int... shape) {
        int n = numel(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = spacing * (i - n / 2f);
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return layout(Tensor.wrap(v, shape));
    }

    /** Random integers in [0, n) as a float tensor, for indices. */
    Tensor indices(int n, int... shape) {
        float[] v = new float[numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextInt(n);
        }
        return Tensor.wrap(v, shape);
    }

    static int numel(int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    private Tensor layout(Tensor t) {
        int rank = t.dim();
        return switch (rank == 0 ? 0 : rnd.nextInt(3)) {
            case 1 -> strided(t);
            case 2 -> rank >= 2 ? t.transpose(-1, -2).contiguous().transpose(-1, -2) : strided(t);
            default -> t;
        };
    }

    /** A view whose last dim has stride 2. */
    private static Tensor strided(Tensor t) {
        int[] s = t.shape();
        int last = s[s.length - 1];
        float[] src = t.toArray();
        float[] data = new float[src.length * 2];
        for (int i = 0; i < src.length; i++) {
            data[2 * i] = src[i];
        }
        int[] wide = s.clone();
        wide[s.length - 1] = 2 * last;
        return Tensor.wrap(data, wide).slice(-1, 0, 2 * last, 2);
    }
}
