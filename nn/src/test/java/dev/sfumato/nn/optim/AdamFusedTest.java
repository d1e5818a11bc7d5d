package dev.sfumato.nn.optim;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The fused single-pass Adam update equals its composite reference twin bit for bit, for Adam and AdamW,
 * with and without weight decay and amsgrad, over sizes 0, 1 and odd primes, for several steps (so the
 * bias corrections and amsgrad's maximum both change).
 */
class AdamFusedTest {

    @Property(tries = 40)
    void fusedEqualsComposite(@ForAll long seed, @ForAll @IntRange(min = 0, max = 3) int variant) {
        Random rnd = new Random(seed);
        int[] sizes = {0, 1, 7, 31, 257};
        int n = sizes[rnd.nextInt(sizes.length)];
        float[] init = new float[n];
        for (int i = 0; i < n; i++) {
            init[i] = (float) rnd.nextGaussian();
        }
        Variable pf = Variable.param(Tensor.fromArray(init, n));
        Variable pc = Variable.param(Tensor.fromArray(init, n));
        boolean amsgrad = rnd.nextBoolean();
        double wd = rnd.nextBoolean() ? 0 : 0.05;
        AdamFamily fused = (variant % 2 == 0 ? Adam.builder(List.of(pf)).weightDecay(wd) : AdamW.builder(List.of(pf)))
                .lr(1e-2).amsgrad(amsgrad).buildFamily();
        AdamFamily composite = (variant % 2 == 0 ? Adam.builder(List.of(pc)).weightDecay(wd) : AdamW.builder(List.of(pc)))
                .lr(1e-2).amsgrad(amsgrad).buildFamily();
        for (int step = 0; step < 5; step++) {
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                g[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(5) - 3));   // 1e-3 .. 10
            }
            fused.updateFused(0, pf.value(), Tensor.fromArray(g, n));
            composite.updateComposite(0, pc.value(), Tensor.fromArray(g, n));
            assertArrayEquals(pc.value().toArray(), pf.value().toArray(), "param after step " + (step + 1));
        }
        for (String key : composite.stateDict().keySet()) {
            assertArrayEquals(composite.stateDict().get(key).toArray(), fused.stateDict().get(key).toArray(), key);
        }
    }

    /**
     * {@code step()} queues the fused passes of all parameters and runs them in one loop, cutting large ones into
     * chunks and packing small ones into shared tasks: the same bits as the composite, one parameter at a time,
     * on one thread and on two. Sizes span the task size (2^15): empty, tiny, just over one task, several.
     */
    @Property(tries = 6)
    void oneLoopOverAllParametersEqualsTheCompositePerParameter(@ForAll long seed, @ForAll boolean decoupled) {
        int[] sizes = {0, 1, 7, 32769, 5, 70001, 300, 32768};
        int before = Parallel.threads();
        try {
            float[][] oneThread = trajectory(seed, decoupled, sizes, true, 1);
            float[][] twoThreads = trajectory(seed, decoupled, sizes, true, 2);
            float[][] composite = trajectory(seed, decoupled, sizes, false, 2);
            for (int i = 0; i < sizes.length; i++) {
                assertArrayEquals(composite[i], oneThread[i], "parameter " + i + " (" + sizes[i] + "), 1 thread");
                assertArrayEquals(composite[i], twoThreads[i], "parameter " + i + " (" + sizes[i] + "), 2 threads");
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    private static float[][] trajectory(long seed, boolean decoupled, int[] sizes, boolean fused, int threads) {
        Parallel.setThreads(threads);
        Generator g = new Generator(seed);
        List<Variable> params = new ArrayList<>();
        for (int n : sizes) {
            params.add(Variable.param(Tensor.randn(g, n)));
        }
        AdamFamily opt = (decoupled ? AdamW.builder(params) : Adam.builder(params).weightDecay(0.01))
                .lr(1e-2).amsgrad(true).fused(fused).buildFamily();
        for (int step = 0; step < 3; step++) {
            for (Variable p : params) {
                p.zeroGrad();
                p.mul(new Variable(Tensor.randn(g, p.shape()))).sum().backward();
            }
            opt.step();
        }
        float[][] out = new float[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            out[i] = params.get(i).value().toArray();
        }
        return out;
    }

    /** A non-contiguous parameter (a transposed view) takes the composite path and gets the same bits. */
    @Property(tries = 10)
    void transposedParameterMatchesContiguous(@ForAll long seed) {
        Random rnd = new Random(seed);
        int rows = 1 + rnd.nextInt(6);
        int cols = 1 + rnd.nextInt(6);
        float[] init = new float[rows * cols];
        for (int i = 0; i < init.length; i++) {
            init[i] = (float) rnd.nextGaussian();
        }
        Tensor contiguous = Tensor.fromArray(init, rows, cols);
        Tensor transposed = contiguous.t().contiguous().t();            // same values, column-major storage
        Variable pc = Variable.param(contiguous);
        Variable pt = Variable.param(transposed);
        AdamW a = AdamW.builder(List.of(pc)).lr(1e-2).amsgrad(true).build();
        AdamW b = AdamW.builder(List.of(pt)).lr(1e-2).amsgrad(true).build();
        for (int step = 0; step < 3; step++) {
            Tensor g = Tensor.randn(new Generator(seed + step), rows, cols);
            pc.zeroGrad();
            pt.zeroGrad();
            pc.mul(new Variable(g)).sum().backward();
            pt.mul(new Variable(g)).sum().backward();
            a.step();
            b.step();
            assertArrayEquals(pc.value().toArray(), pt.value().toArray(), "param after step " + (step + 1));
        }
    }
}
