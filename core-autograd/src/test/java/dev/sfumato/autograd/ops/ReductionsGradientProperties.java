package dev.sfumato.autograd.ops;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.sfumato.autograd.ops.Case.check;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Gradient checks for {@link Reductions} over random dim subsets, with and without keepdim. */
class ReductionsGradientProperties {

    /** A random subset of the dims of {@code shape}, some given as negative dims; may be empty (= all). */
    static int[] dims(Case c, int[] shape) {
        List<Integer> ds = new ArrayList<>();
        for (int d = 0; d < shape.length; d++) {
            if (c.rnd.nextBoolean()) {
                ds.add(c.rnd.nextBoolean() ? d : d - shape.length);
            }
        }
        return ds.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The number of elements each output of a reduction over {@code dims} folds together. */
    static int count(int[] shape, int[] dims) {
        int n = 1;
        if (dims.length == 0) {
            for (int s : shape) {
                n *= s;
            }
            return n;
        }
        for (int d : dims) {
            n *= shape[d < 0 ? d + shape.length : d];
        }
        return n;
    }

    @Property(tries = 30)
    @GradientOf(Reductions.Sum.class)
    void sum(@ForAll long seed, @ForAll boolean keepdim) {
        Case c = new Case(seed);
        int[] s = c.shape();
        int[] dims = dims(c, s);
        check(in -> in.get(0).sum(dims, keepdim), c.normal(s));
    }

    @Property(tries = 30)
    @GradientOf(Reductions.Mean.class)
    void mean(@ForAll long seed, @ForAll boolean keepdim) {
        Case c = new Case(seed);
        int[] s = c.shape();
        int[] dims = dims(c, s);
        check(in -> in.get(0).mean(dims, keepdim), c.normal(s));
    }

    @Property(tries = 30)
    @GradientOf(Reductions.Var.class)
    void var(@ForAll long seed, @ForAll boolean unbiased, @ForAll boolean keepdim) {
        Case c = new Case(seed);
        int[] s = c.shape(1, 3);
        int[] dims = dims(c, s);
        if (count(s, dims) < 2) {
            s[0] = 3;  // at least two elements per group, so that n - 1 > 0 and the variance is not trivially 0
            if (dims.length > 0) {
                dims[0] = 0;
            }
        }
        check(in -> in.get(0).var(dims, unbiased, keepdim), c.normal(s));
    }

    @Property(tries = 30)
    @GradientOf(Reductions.Std.class)
    void std(@ForAll long seed, @ForAll boolean unbiased, @ForAll boolean keepdim) {
        Case c = new Case(seed);
        int[] s = c.shape(1, 3);
        int[] dims = dims(c, s);
        if (count(s, dims) < 2) {
            s[0] = 3;
            if (dims.length > 0) {
                dims[0] = 0;
            }
        }
        check(in -> in.get(0).std(dims, unbiased, keepdim), c.distinct(s));
    }

    @Property(tries = 30)
    @GradientOf(Reductions.MaxDim.class)
    void maxAndMinAlongADim(@ForAll long seed, @ForAll boolean keepdim, @ForAll boolean max) {
        Case c = new Case(seed);
        int[] s = c.shape(1, 3);
        int dim = c.rnd.nextInt(s.length) - (c.rnd.nextBoolean() ? s.length : 0);
        check(in -> max ? in.get(0).max(dim, keepdim) : in.get(0).min(dim, keepdim), c.distinct(s));
    }

    @Property(tries = 20)
    @GradientOf(Reductions.MaxAll.class)
    void maxAndMinOfAll(@ForAll long seed, @ForAll boolean max) {
        Case c = new Case(seed);
        int[] s = c.shape();
        check(in -> max ? in.get(0).max() : in.get(0).min(), c.distinct(s));
    }

    /** Ties are a kink, so no gradient check: max() must give each of k tied maxima exactly 1/k, as PyTorch. */
    @Property(tries = 30)
    void maxOfAllSharesEvenlyAmongTies(@ForAll long seed) {
        Case c = new Case(seed);
        int[] s = c.shape(1, 3);
        Tensor x = c.grid(0.1f, s);
        float top = x.max().item();
        float[] values = x.toArray();
        int ties = 0;
        for (float v : values) {
            ties += v == top ? 1 : 0;
        }
        Variable v = Variable.param(x);
        v.max().backward();
        float[] g = v.grad().toArray();
        for (int i = 0; i < g.length; i++) {
            assertEquals(values[i] == top ? 1f / ties : 0f, g[i], 1e-7f, "element " + i + " of " + Arrays.toString(values));
        }
    }
}
