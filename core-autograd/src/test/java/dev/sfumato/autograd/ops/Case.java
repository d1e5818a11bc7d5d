package dev.sfumato.autograd.ops;

import dev.sfumato.autograd.gradcheck.GradCheck;
import dev.sfumato.tensor.Tensor;

import java.util.Arrays;
import java.util.Random;

/**
 * Random inputs for one gradient-check try, all derived from one seed: shapes of rank 0-3 with sizes
 * 1-4, broadcast-compatible pairs, and tensors in one of three layouts (contiguous, transposed view,
 * every-other-element view), so that rules are checked on non-contiguous inputs too.
 */
final class Case {

    final Random rnd;

    Case(long seed) {
        this.rnd = new Random(seed);
    }

    /** Runs the check and fails with the full report. */
    static void check(GradCheck.Fn f, Tensor... inputs) {
        GradCheck.check(f, inputs).assertPassed();
    }

    int size() {
        return 1 + rnd.nextInt(4);
    }

    int[] shape(int minRank, int maxRank) {
        int[] s = new int[minRank + rnd.nextInt(maxRank - minRank + 1)];
        for (int i = 0; i < s.length; i++) {
            s[i] = size();
        }
        return s;
    }

    int[] shape() {
        return shape(0, 3);
    }

    /** Two shapes that broadcast together: leading dims dropped and sizes set to 1 at random. */
    int[][] broadcastPair() {
        int[] out = shape(1, 3);
        return new int[][] {broadcastFrom(out), broadcastFrom(out)};
    }

    int[] broadcastFrom(int[] out) {
        int drop = rnd.nextInt(out.length + 1);
        int[] s = Arrays.copyOfRange(out, drop, out.length);
        for (int i = 0; i < s.length; i++) {
            if (rnd.nextInt(3) == 0) {
                s[i] = 1;
            }
        }
        return s;
    }

    /**
     * Standard normal values in a random layout, with about one in six replaced by an edge value: 0, -0,
     * or +-1e-3. For ops that are smooth everywhere; ops with kinks use the generators below.
     */
    Tensor normal(int... shape) {
        return layout(values(shape, () -> switch (rnd.nextInt(18)) {
            case 0 -> 0f;
            case 1 -> -0f;
            case 2 -> 1e-3f;
            case 3 -> -1e-3f;
            default -> (float) rnd.nextGaussian();
        }));
    }

    /** Values {@code sign * (margin + |N(0,1)|)}: at least {@code margin} away from 0. */
    Tensor awayFromZero(float margin, int... shape) {
        return layout(values(shape, () -> {
            float v = margin + (float) Math.abs(rnd.nextGaussian());
            return rnd.nextBoolean() ? v : -v;
        }));
    }

    /** Values uniform in [lo, hi). */
    Tensor uniform(float lo, float hi, int... shape) {
        return layout(values(shape, () -> lo + (hi - lo) * rnd.nextFloat()));
    }

    /** Values {@code offset + k/2} for integers k: two tensors with offsets 0.1 and 0.35 never come within 0.25. */
    Tensor grid(float offset, int... shape) {
        return layout(values(shape, () -> offset + Math.round(rnd.nextGaussian() * 2) / 2f));
    }

    /** A shuffled 0.25-spaced ramp: no ties, every gap at least 0.25. */
    Tensor distinct(int... shape) {
        int n = Tensor.zeros(shape).numel();
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.25f * i - 0.125f * n;
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
        return values(shape, () -> (float) rnd.nextInt(n));
    }

    private interface FloatSource {
        float next();
    }

    private static Tensor values(int[] shape, FloatSource src) {
        float[] v = new float[Tensor.zeros(shape).numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = src.next();
        }
        return Tensor.wrap(v, shape);
    }

    /** The same values as {@code t}, contiguous or as one of two non-contiguous views. */
    Tensor layout(Tensor t) {
        int rank = t.dim();
        return switch (rank == 0 ? 0 : rnd.nextInt(3)) {
            case 1 -> strided(t);
            case 2 -> rank >= 2 ? transposed(t) : strided(t);
            default -> t;
        };
    }

    /** A view whose last dim has stride 2: the values sit at every other element of a larger array. */
    static Tensor strided(Tensor t) {
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

    /** A view with the last two dims stored transposed. */
    static Tensor transposed(Tensor t) {
        return t.transpose(-1, -2).contiguous().transpose(-1, -2);
    }
}
